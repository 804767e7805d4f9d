// The contract between a reader that fills memory (a socket) and a writer that owns it (a file).

/** Where a body goes: the reader puts bytes into `space()`, then says how many it put there. */
export interface BodySink {
  /** A non-empty buffer for the next bytes; it stays the same until the next commit. */
  space(): Buffer;
  /** `n` bytes were written at the start of the last `space()`. A promise means: read nothing more until it settles. */
  commit(n: number): Promise<void> | undefined;
}
