/**
 * Runs tasks one after another per key, and tasks under different keys side by side. Two flips of the
 * same tenant switch (an operator's and an expiring time box, say) must not interleave, or the
 * read-back of one would be judged against the write of the other.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget idle keys, so a long session over many tenants does not keep one promise per switch.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
