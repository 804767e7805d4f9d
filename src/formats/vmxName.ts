// The VM name a VCB catalog's config.vmx points at: "[ds1] vm37/vm37.vmx" → "vm37" (the name vcbRestore restores under).
export function vmNameOfVmx(value: string): string | undefined {
  return (
    value
      .trim()
      .replace(/^.*[/\]]\s*/, '')
      .replace(/\.vmx$/i, '') || undefined
  );
}
