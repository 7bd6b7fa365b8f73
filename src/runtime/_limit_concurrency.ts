/**
 * `limitConcurrency`: an async function that runs at most `limit` calls at once, the others
 * waiting their turn in call order.
 *
 * @module
 */

/**
 * Wraps an async function so that at most `limit` of its calls run at once.
 *
 * @param fn The function.
 * @param limit The most calls at once (at least 1).
 * @returns The wrapped function.
 */
export function limitConcurrency<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  limit: number,
): (...args: A) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (...args: A): Promise<R> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn(...args);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
