// Benches of other layers (language validation), kept apart from the transfer benches.
export async function extraBenches(): Promise<Array<[string, string, string]>> {
  return [];
}
