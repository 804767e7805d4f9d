/** An XAPI failure: `code` plus string params (ErrorDescription / error_info shape). */
export class XapiError extends Error {
  readonly params: string[];
  constructor(
    readonly code: string,
    params: unknown[] = [],
  ) {
    super(code);
    this.params = params.map((p) => String(p));
  }
  toArray(): string[] {
    return [this.code, ...this.params];
  }
}

export const NULL_REF = 'OpaqueRef:NULL';
