/**
 * One status line that redraws in place on a terminal, and stays silent elsewhere (logs and CI
 * get the final lines only).
 */
export class StatusLine {
  private readonly tty: boolean;
  private readonly out: NodeJS.WriteStream;
  private last = 0;
  private shown = false;

  constructor(out: NodeJS.WriteStream = process.stdout, enabled = true) {
    this.out = out;
    this.tty = enabled && out.isTTY === true;
  }

  update(text: string, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.out.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  /** Replaces the status line with a permanent one. */
  done(text: string): void {
    if (this.tty && this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
    this.out.write(`${text}\n`);
  }
}

export function bar(done: number, total: number, width = 24): string {
  const ratio = total <= 0 ? 1 : Math.min(1, done / total);
  const full = Math.round(ratio * width);
  return `▕${'█'.repeat(full)}${'░'.repeat(width - full)}▏`;
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en');
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
