/**
 * The check of the `--tracking-uri` flag, which the commands that take it make before anything
 * else (`--traceparent` is checked in `_traceparent_option.ts`, which loads OpenTelemetry's API).
 *
 * @module
 */
import { isWorkflowError } from "../errors.ts";
import { parseTrackingUri, type TrackingDestination } from "../tracking/tracking_destination.ts";
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
