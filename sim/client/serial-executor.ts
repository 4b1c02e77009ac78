// MQClientInstance runs its periodic tasks on one thread
// (Executors.newSingleThreadScheduledExecutor): a route poll stuck on a 3 s
// timeout delays the heartbeat behind it. Tasks here are asynchronous (they call
// `done`), and run one at a time in the order they became due. A periodic task
// that comes due while it is still queued or running runs once more afterwards
// (missed periods coalesce into one catch-up run).

export type Task = (done: () => void) => void;

export class SerialExecutor {
  private queue: { name: string; task: Task }[] = [];
  private running = false;
  private waiting = new Set<string>();

  submit(name: string, task: Task): void {
    if (this.waiting.has(name)) return;
    this.waiting.add(name);
    this.queue.push({ name, task });
    if (!this.running) this.next();
  }

  private next(): void {
    const item = this.queue.shift();
    if (!item) { this.running = false; return; }
    this.running = true;
    this.waiting.delete(item.name);
    let finished = false;
    item.task(() => {
      if (finished) return;
      finished = true;
      this.next();
    });
  }
}
