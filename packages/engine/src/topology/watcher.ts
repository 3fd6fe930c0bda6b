/** Shortest time between two checks started by pub/sub hints. */
export const HINT_INTERVAL_MS = 100;

/**
 * Decides when to look at Redis for a new revision. Pub/sub is only a hint that something
 * changed: a client also polls on a timer and checks right after its subscriber reconnects, so a
 * lost message or a dropped subscriber connection costs at most one poll interval. Checks never
 * overlap; a trigger during a check schedules one more check right after it.
 */
export class CheckScheduler {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private hintTimer: NodeJS.Timeout | undefined;
  private lastHint = 0;
  private readonly check: () => Promise<void>;
  private readonly intervalMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(check: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void) {
    this.check = check;
    this.intervalMs = intervalMs;
    this.onError = onError;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.trigger(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.hintTimer !== undefined) clearTimeout(this.hintTimer);
    this.timer = undefined;
    this.hintTimer = undefined;
  }

  /**
   * A pub/sub hint. Anyone who may publish on the channel can send hints, so they start at most
   * one check per `HINT_INTERVAL_MS`: hints in between fold into one check at the end of the
   * interval. A flood costs each client at most ten reads of the revision per second.
   */
  hint(): void {
    if (this.hintTimer !== undefined) return;
    const wait = this.lastHint + HINT_INTERVAL_MS - Date.now();
    const run = () => {
      this.hintTimer = undefined;
      this.lastHint = Date.now();
      void this.trigger();
    };
    if (wait <= 0) return run();
    this.hintTimer = setTimeout(run, wait);
    this.hintTimer.unref();
  }

  /** Runs a check now, or right after the one under way. Resolves when that check is done. */
  trigger(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.check();
          } catch (error) {
            this.onError(error);
          }
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
