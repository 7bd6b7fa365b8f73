/**
 * The check of the `--traceparent` flag, which `run` makes before anything else.
 *
 * @module
 */
import { parseTraceparent } from "../tracking/trace_context.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Checks a `--traceparent` flag, so that a malformed trace context is a usage error (exit 2).
 *
 * @param traceparent The flag's value; `undefined` when the flag was not given.
 * @throws {UsageError} When it is not a W3C `traceparent`.
 */
export function checkTraceparentOption(traceparent: string | undefined): void {
  if (traceparent === undefined) return;
  try {
    parseTraceparent(traceparent);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UsageError(error.message, {
      hint: "write it as 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>, or leave it out",
    });
  }
}
