/**
 * At most `limit` pieces of work at once, first come first served. A finished piece hands its
 * slot straight to the longest-waiting one, so a newcomer can never slip in between and exceed
 * the limit (requests in flight to Bitbucket are what the limit protects).
 */
export function createRequestSlots(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`The request limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async (work) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      release();
    }
  };
}
