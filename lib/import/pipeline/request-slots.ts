export type RequestSlots = (<T>(work: () => Promise<T>) => Promise<T>) & {
  /** Milliseconds of slot time used so far (a slot held for 1 s counts 1,000), for measuring how busy the limit is kept. */
  busyMs(): number;
  /** Pieces of work running and waiting now. */
  load(): { active: number; waiting: number };
};

/**
 * At most `limit` pieces of work at once, first come first served. A finished piece hands its
 * slot straight to the longest-waiting one, so a newcomer can never slip in between and exceed
 * the limit (requests in flight to Bitbucket are what the limit protects).
 */
export function createRequestSlots(limit: number, now: () => number = () => performance.now()): RequestSlots {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`The request limit must be a positive integer, got ${limit}`);
  let active = 0;
  let busy = 0;
  let since = now();
  const waiting: Array<() => void> = [];
  const account = () => {
    const at = now();
    busy += active * (at - since);
    since = at;
  };
  const release = () => {
    const next = waiting.shift();
    if (next) return next();
    account();
    active--;
  };
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active < limit) {
      account();
      active++;
    } else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      release();
    }
  };
  return Object.assign(run, {
    busyMs: () => {
      account();
      return busy;
    },
    load: () => ({ active, waiting: waiting.length }),
  });
}
