/**
 * A readers–writer lock on promises: many `shared` sections at once, or one `exclusive`
 * section alone. A waiting exclusive section blocks new shared ones (no writer starvation).
 */
export class ReadWriteLock {
  private readers = 0;
  private writer = false;
  private writersWaiting = 0;
  private queue: Array<() => void> = [];

  private wake(): void {
    const waiting = this.queue;
    this.queue = [];
    for (const resume of waiting) resume();
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  /** Runs `fn` while no exclusive section runs. */
  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.until(() => !this.writer && this.writersWaiting === 0);
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.wake();
    }
  }

  /** Runs `fn` alone: after every running shared section ended, before new ones start. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.writersWaiting++;
    try {
      await this.until(() => !this.writer && this.readers === 0);
    } finally {
      this.writersWaiting--;
    }
    this.writer = true;
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.wake();
    }
  }
}
