/**
 * Keeps npm packages from prompting for environment variables they only look at in passing.
 * LangChain and LangSmith read some forty optional variables (`LANGSMITH_TRACING`,
 * `LC_OUTPUT_VERSION`, ...) through Node's `process.env`; in Deno each read of a variable that
 * was not allowed asks the user on a terminal, unless `--no-prompt` is given.
 *
 * @module
 */

/** The state of a Deno permission, as `Deno.permissions.querySync` reports it. */
export type EnvPermissionState = "granted" | "denied" | "prompt";

/**
 * Tells the state of env access: to one variable, or to the whole environment when `name` is
 * undefined. Must never prompt.
 */
export type EnvPermissionQuery = (name?: string) => EnvPermissionState;

/** The part of Node's `process` object the guard replaces. */
export interface ProcessEnvHolder {
  /** Node's environment object. */
  env: Record<string, string | undefined>;
}

/** Marks a guarded `process.env`, so that installing twice wraps once. */
const GUARDED = Symbol.for("configurable-agents.quietProcessEnv");

/**
 * Replaces `holder.env` with a view that reads a variable only when Deno already grants it:
 * a variable that is not granted reads as unset, as it would with `--no-prompt`, and no
 * prompt appears. Writes and deletions go through unchanged (Deno decides on them). The
 * variable names are listed only when the whole environment is granted. Nothing is installed
 * when the whole environment is granted already, and a second call changes nothing.
 *
 * @param holder Node's `process` object (or a stand-in in tests).
 * @param query Tells the permission state of a variable, never prompting.
 * @returns `true` when the guard was installed by this call.
 */
export function quietProcessEnv(holder: ProcessEnvHolder, query: EnvPermissionQuery): boolean {
  const original = holder.env;
  if (query() === "granted" || (original as Record<symbol, unknown>)[GUARDED] === true) {
    return false;
  }
  const readable = (key: string | symbol): key is string =>
    typeof key === "string" && query(key) === "granted";
  // The target is a plain empty object, not `original`: a proxy checks its invariants against
  // its target, and asking Node's environment object about a variable is the read that
  // prompts.
  holder.env = new Proxy<Record<string, string | undefined>>({}, {
    get: (_target, key) => key === GUARDED ? true : readable(key) ? original[key] : undefined,
    has: (_target, key) => readable(key) && original[key] !== undefined,
    set: (_target, key, value) => Reflect.set(original, key, value),
    deleteProperty: (_target, key) => Reflect.deleteProperty(original, key),
    ownKeys: () => query() === "granted" ? Reflect.ownKeys(original) : [],
    getOwnPropertyDescriptor: (_target, key) => {
      const value = readable(key) ? original[key] : undefined;
      return value === undefined
        ? undefined
        : { value, writable: true, enumerable: true, configurable: true };
    },
  });
  return true;
}
