// Recognises an interactive question in a remote command's output: a line that is not ended and stays so.

/** How long an unfinished line must stay unchanged to count as a question, ms. */
export const PROMPT_QUIET_MS = 400;

/**
 * A prompt is text after the last newline that ends (blanks aside) in `:`, `?`, `]`, `)` or `>` and after which the
 * command writes nothing for PROMPT_QUIET_MS: a program waiting for an answer flushes its question without a newline
 * and stops (the convention of read(1), getpass(3) and the VCB tools' Perl prompts — their exact wording is not
 * documented, platform-facts §4f, so nothing here depends on it). Each question is reported once; the answer's
 * newline, echoed or not, starts a new line.
 */
export class PromptWatch {
  private tail = '';
  private timer?: NodeJS.Timeout;
  private reported = false;
  constructor(
    private readonly onQuestion: (question: string) => void,
    private readonly quietMs = PROMPT_QUIET_MS,
  ) {}

  add(chunk: Buffer): void {
    if (!chunk.length) return;
    const text = chunk.toString('utf8');
    const nl = text.lastIndexOf('\n');
    if (nl >= 0) {
      this.tail = text.slice(nl + 1);
      this.reported = false;
    } else this.tail = (this.tail + text).slice(-4096);
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.stop();
    if (this.reported || !/[:?\])>]\s*$/.test(this.tail)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.reported) return;
      this.reported = true;
      this.onQuestion(this.tail.trim());
    }, this.quietMs);
    this.timer.unref();
  }
}
