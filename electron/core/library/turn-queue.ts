// Runs synchronous CPU work (a few ms each) one job per event-loop turn. Jobs started together (the photos
// of a batch finishing their decode at once) would otherwise run back to back and hold the main thread for
// a whole batch; here each waits for the previous one and a setImmediate, so the poll phase, where API
// calls are read and answered, runs between any two of them.
export class TurnQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => T): Promise<T> {
    const result = this.tail.then(
      () =>
        new Promise<T>((resolve, reject) =>
          setImmediate(() => {
            try {
              resolve(job());
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          }),
        ),
    );
    this.tail = result.catch(() => undefined);
    return result;
  }
}
