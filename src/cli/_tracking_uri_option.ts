/**
 * The checks of the tracking flags, which `run`, `permissions` and `traces push` make before
 * anything else: `--tracking-uri` and `--traceparent`.
 *
 * @module
 */
import { isWorkflowError } from "../errors.ts";
import { parseTrackingUri, type TrackingDestination } from "../tracking/tracking_destination.ts";
import { parseTraceparent } from "../tracking/trace_context.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Parses a `--tracking-uri` flag, so that a URI that is neither sqlite nor http(s) is a usage
 * error (exit 2) before the command does any work.
 *
 * @param uri The flag's value; `undefined` when the flag was not given.
 * @returns The destination, or `undefined` without the flag.
 * @throws {UsageError} When the URI is not supported, with the tracker's message and hint.
 */
export function parseTrackingUriOption(uri: string | undefined): TrackingDestination | undefined {
  if (uri === undefined) return undefined;
  try {
    return parseTrackingUri(uri);
  } catch (error) {
    if (!isWorkflowError(error)) throw error;
    throw new UsageError(error.message, error.hint ? { hint: error.hint } : {});
  }
}

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
