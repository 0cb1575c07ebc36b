// Group commit: writes requested in the same turn of the event loop go to the database in one
// transaction. With synchronous=FULL every commit is a disk flush that blocks the event loop;
// 1,000 probes starting or finishing together would otherwise mean 1,000 flushes in a row.
// Each caller is told when its own write is durable (or failed), never before.

export class GroupCommit<T> {
  private batch: { item: T; done: (error?: unknown) => void }[] = [];
  private scheduled = false;

  /** `writeAll` stores every item in one transaction; `writeOne` stores one (to isolate a failure). */
  constructor(
    private readonly writeAll: (items: T[]) => void,
    private readonly writeOne: (item: T) => void,
  ) {}

  /** Queue a write; `done` runs after it is committed, with the error if it failed. */
  add(item: T, done: (error?: unknown) => void): void {
    this.batch.push({ item, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.commit());
    }
  }

  /** Commit whatever waits, now. */
  commit(): void {
    this.scheduled = false;
    const batch = this.batch.splice(0);
    if (batch.length === 0) return;
    try {
      this.writeAll(batch.map((b) => b.item));
    } catch {
      // The transaction rolled back as a whole: write one by one so only the bad item fails.
      for (const b of batch) {
        try {
          this.writeOne(b.item);
        } catch (error) {
          b.done(error);
          continue;
        }
        b.done();
      }
      return;
    }
    for (const b of batch) b.done();
  }
}
