/**
 * Group commit: single requests (write this outcome, complete this job) that arrive close together
 * are handed to `flush` as one list, so 256 calls in flight cost a few multi-row statements instead
 * of a few statements each. A request waits at most `lingerMs` for company (or until `maxItems`
 * are queued); one flush runs at a time, and requests arriving meanwhile form the next one. Each
 * request settles with its own result, or with the flush's error.
 */
export interface CoalesceOptions {
  lingerMs: number;
  maxItems: number;
}

export function coalesce<I, O>(flush: (items: I[]) => Promise<O[]>, options: CoalesceOptions): (item: I) => Promise<O> {
  let queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const run = async () => {
    timer = null;
    if (flushing || queue.length === 0) return;
    flushing = true;
    const taken = queue.slice(0, options.maxItems);
    queue = queue.slice(taken.length);
    try {
      const results = await flush(taken.map((t) => t.item));
      taken.forEach((t, i) => t.resolve(results[i]!));
    } catch (error) {
      for (const t of taken) t.reject(error);
    } finally {
      flushing = false;
      schedule();
    }
  };
  const schedule = () => {
    if (flushing || timer || queue.length === 0) return;
    if (queue.length >= options.maxItems) void run();
    else timer = setTimeout(() => void run(), options.lingerMs);
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (queue.length >= options.maxItems && timer) {
        clearTimeout(timer);
        timer = null;
      }
      schedule();
    });
}
