/** How long a finished piece of shared work (a rendering, an event's rows) still serves. */
export const RENDER_SHARING_MS = 100;

/**
 * Work that several realtime recipients need at once (an event's rows, a rendering for one view):
 * the first asks, the others wait for the same promise, and a finished result still serves for
 * `lingerMs`, so a burst of deliveries of one event does the work once.
 */
export class SharedWork<V> {
  private readonly work = new Map<string, Promise<V>>();

  constructor(private readonly lingerMs: number) {}

  get(key: string, make: () => Promise<V>): Promise<V> {
    let promise = this.work.get(key);
    if (!promise) {
      promise = make();
      this.work.set(key, promise);
      const forget = () => setTimeout(() => this.work.delete(key), this.lingerMs).unref();
      promise.then(forget, forget);
    }
    return promise;
  }
}
