/**
 * Recognises Deno's permission errors, also when an SDK rewrapped one into its own error
 * without a cause (Google's SDK does).
 *
 * @module
 */

const DENIED_NAMES = new Set(["NotCapable", "PermissionDenied"]);

/** Deno's wording: `Requires net access to "host:443", run again with the --allow-net flag`. */
const DENIED_TEXT = /\bRequires (?:net|env|read|write|sys|run|ffi|import) access to\b/;

/**
 * Whether a thrown value is (or quotes) a Deno permission error.
 *
 * @param error Any thrown value or one of its causes.
 * @returns `true` for a denied permission.
 */
export function isPermissionDenied(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (typeof name === "string" && DENIED_NAMES.has(name)) ||
    (typeof message === "string" && DENIED_TEXT.test(message));
}
