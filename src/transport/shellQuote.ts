// The one way a remote shell argument is written: POSIX single quotes, nothing inside them is special.

/**
 * Quotes one argument for a POSIX shell (sh, bash, dash, busybox ash): the whole value in single quotes, each `'`
 * written as `'\''` (close, escaped quote, reopen). Inside single quotes no character is special — `$`, backquotes,
 * `\`, newlines, globs and spaces are all literal (POSIX.1-2017 XCU 2.2.2 "Single-Quotes"). A NUL byte cannot be
 * passed in an argument at all, so it is refused rather than silently cut.
 * @throws Error when the value holds a NUL byte.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line from argv: every element quoted by shellQuote, the program name included. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(shellQuote).join(' ');
}
