/** A timer owned by the scheduler. */
export interface Timer {
  cancel(): void;
}

/**
 * The one owner of every timer of an engine: flush ticks, input collectors, retry backoff and
 * the shutdown grace period. Shutting down cancels them all in one place, and tests drive it
 * with fake timers.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `fn` once after `ms` milliseconds. */
  after(ms: number, fn: () => void): Timer {
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
    return { cancel: () => this.clear(handle) };
  }

  /** Runs `fn` every `ms` milliseconds until cancelled. */
  every(ms: number, fn: () => void): Timer {
    const handle = setInterval(fn, ms);
    this.timers.add(handle);
    return { cancel: () => this.clear(handle) };
  }

  /** How many timers are pending. */
  get size(): number {
    return this.timers.size;
  }

  /** Cancels every timer. */
  cancelAll(): void {
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
  }

  private clear(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.timers.delete(handle);
  }
}
