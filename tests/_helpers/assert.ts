/**
 * Assertions with the names and behaviour of `@std/assert` (JSR is unreachable here), built on
 * `node:assert/strict`.
 *
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Any class of error. */
// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

/** Fails unless `value` is truthy. */
export function assert(value: unknown, message?: string): asserts value {
  nodeAssert.ok(value, message);
}

/** Fails unless `actual` deeply equals `expected`. */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Fails when `actual` deeply equals `expected`. */
export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Fails unless `actual === expected`. */
export function assertStrictEquals<T>(actual: unknown, expected: T, message?: string): void {
  nodeAssert.strictEqual(actual, expected, message);
}

/** Fails unless `actual` contains `expected`. */
export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  if (!actual.includes(expected)) {
    nodeAssert.fail(
      message ?? `Expected ${JSON.stringify(actual)} to include ${JSON.stringify(expected)}`,
    );
  }
}

/** Fails unless `actual` matches `pattern`. */
export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  nodeAssert.match(actual, pattern, message);
}

/** Fails unless `actual` is within `tolerance` of `expected`. */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-7): void {
  if (Math.abs(actual - expected) > tolerance) {
    nodeAssert.fail(`Expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}

/** Fails unless `value` is an instance of `type`. */
export function assertInstanceOf<
  T extends ErrorClass | (abstract new (...args: never[]) => unknown),
>(
  value: unknown,
  type: T,
  message?: string,
): asserts value is InstanceType<T> {
  if (!(value instanceof type)) nodeAssert.fail(message ?? `Expected an instance of ${type.name}`);
}

/** Fails unless `fn` throws an error of `type` (when given) whose message includes `includes`. */
export function assertThrows(fn: () => unknown, type?: ErrorClass, includes?: string): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  return checkThrown(thrown, type, includes);
}

/** Fails unless `fn` rejects with an error of `type` (when given) whose message includes `includes`. */
export async function assertRejects<T extends Error = Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  type?: abstract new (...args: any[]) => T,
  includes?: string,
): Promise<T> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  return checkThrown(thrown, type, includes) as T;
}

function checkThrown(thrown: unknown, type?: ErrorClass, includes?: string): Error {
  if (thrown === undefined) nodeAssert.fail("Expected the function to throw");
  if (!(thrown instanceof Error)) nodeAssert.fail(`Expected an Error, got ${String(thrown)}`);
  const error: Error = thrown;
  const described = `${error.name}: ${error.message}`;
  if (type && !(error instanceof type)) nodeAssert.fail(`Expected ${type.name}, got ${described}`);
  if (includes !== undefined && !error.message.includes(includes)) {
    nodeAssert.fail(
      `Expected the message to include ${JSON.stringify(includes)}, got ${
        JSON.stringify(error.message)
      }`,
    );
  }
  return error;
}
