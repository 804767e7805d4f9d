// Masks known secrets in any text before it is logged, stored in a job record or shown.

const registered = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 3) registered.add(secret);
}

export function mask(text: string): string {
  let out = text;
  for (const s of registered) out = out.split(s).join('****');
  return out.replace(/(password|pwd|session_id)=([^&\s]+)/gi, '$1=****');
}
