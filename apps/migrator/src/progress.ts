import type { Output, Sticky } from './io.ts';

/**
 * A block of lines redrawn in place at the bottom of a terminal (progress bars). Drawn only when
 * stdout is a TTY and output is not JSON; elsewhere `update` does nothing, so pipes and log files
 * get the final summary lines only. Other output (log lines) is printed above the block.
 */
export class ProgressBlock implements Sticky {
  private readonly output: Output;
  readonly enabled: boolean;
  private lines: string[] = [];
  private drawn = 0;
  private lastDraw = 0;

  constructor(output: Output, enabled: boolean) {
    this.output = output;
    this.enabled = enabled && output.stdoutIsTTY;
    if (this.enabled) output.setSticky(this);
  }

  /** Redraws at most every 100 ms unless `force`. */
  update(lines: readonly string[], force = false): void {
    if (!this.enabled) return;
    this.lines = [...lines];
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.clear();
    this.redraw();
  }

  clear(): void {
    if (this.drawn === 0) return;
    this.output.drawRaw(`\r\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  redraw(): void {
    if (this.lines.length === 0) return;
    const width = Math.max(20, (this.output.io.stdout.columns ?? 100) - 1);
    this.output.drawRaw(this.lines.map((line) => `${line.length > width ? line.slice(0, width) : line}\n`).join(''));
    this.drawn = this.lines.length;
  }

  /** Removes the block; what follows is printed normally. */
  stop(): void {
    if (!this.enabled) return;
    this.clear();
    this.lines = [];
    this.output.setSticky(undefined);
  }
}
