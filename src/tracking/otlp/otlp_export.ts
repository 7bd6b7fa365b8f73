/**
 * Sends one encoded OTLP export request to a collector over HTTP with `fetch`: POST, the body's
 * `Content-Type`, the configured headers, optional gzip, one timeout for the whole export, and
 * retries of 429/502/503/504 with exponential backoff or the collector's `Retry-After`, as the
 * OTLP/HTTP specification asks. It never throws: every failure comes back as a result.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { redactUri } from "../http/mlflow_auth.ts";
import type { EncodedOtlpRequest } from "./encode_otlp.ts";

/** Waits `ms` milliseconds; may end early when `signal` aborts. */
export type OtlpSleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Where and how to send. */
export interface ExportOtlpOptions {
  /** The full URL, such as `http://localhost:4318/v1/traces`. */
  url: string;
  /** Headers (auth; secret: never put in messages). @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Time for the whole export, retries and waits included, in milliseconds. @default 10000 */
  timeoutMs?: number;
  /** `gzip` compresses the body (`Content-Encoding: gzip`). @default "none" */
  compression?: "gzip" | "none";
  /** Attempts at most, the first included. @default 5 */
  maxAttempts?: number;
  /** Cancels the export. @default undefined */
  signal?: AbortSignal;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Waits between attempts. @default a timer that the timeout or `signal` ends early */
  sleep?: OtlpSleep;
  /** Current time in epoch milliseconds (deadline and `Retry-After` dates). @default Date.now */
  now?: () => number;
}

/** How an export ended. */
export type OtlpExportResult =
  | {
    ok: true;
    /** The 2xx status of the answer. */
    status: number;
    /** Attempts made. */
    attempts: number;
  }
  | {
    ok: false;
    /** HTTP status when the collector answered. */
    status: number | undefined;
    /** The collector's answer body (at most 4096 characters), when it sent one. */
    body: string | undefined;
    /** What went wrong; the message names the URL without credentials and never a header. */
    error: Error;
    /** Whether the export ran out of time (no answer within `timeoutMs`). */
    timedOut: boolean;
    /** Attempts made. */
    attempts: number;
  };

/** The statuses OTLP/HTTP says to retry. */
export const OTLP_RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];

const FIRST_BACKOFF_MS = 1000;
const BACKOFF_MULTIPLIER = 1.5;
const MAX_BACKOFF_MS = 5000;
const MAX_BODY_CHARS = 4096;

/**
 * Sends an export request and retries what OTLP/HTTP calls retryable: 429, 502, 503 and 504,
 * after the collector's `Retry-After` (seconds or an HTTP date) or else a backoff of 1 s, 1.5 s,
 * 2.25 s, ... capped at 5 s. A wait that would end after the timeout is not made: the export
 * fails with the last answer instead. Network errors are not retried.
 *
 * @example Usage
 * ```ts
 * import { exportOtlp } from "./otlp_export.ts";
 * const statuses = [503, 200];
 * const result = await exportOtlp(
 *   { body: new Uint8Array([0x0a, 0x00]), contentType: "application/x-protobuf" },
 *   {
 *     url: "http://collector.test:4318/v1/traces",
 *     fetch: () => Promise.resolve(new Response(null, { status: statuses.shift() ?? 500 })),
 *     sleep: () => Promise.resolve(),
 *   },
 * );
 * if (!result.ok || result.attempts !== 2) throw new Error();
 * ```
 *
 * @param request The body and its content type, from `encodeOtlp`.
 * @param options URL, headers, timeout, compression and the injected fetch, sleep and clock.
 * @returns Success with the status, or the status, body and error of the failure (never throws
 *   for an HTTP or network failure).
 * @throws {RangeError} `timeoutMs` is not a positive number or `maxAttempts` not a positive
 *   integer.
 */
export async function exportOtlp(
  request: EncodedOtlpRequest,
  options: ExportOtlpOptions,
): Promise<OtlpExportResult> {
  const {
    url,
    headers = {},
    timeoutMs = 10_000,
    compression = "none",
    maxAttempts = 5,
    signal,
    fetch = globalThis.fetch,
    sleep = sleepUnlessAborted,
    now = Date.now,
  } = options;
  checkOptions(timeoutMs, maxAttempts);
  const where = `Cannot export spans to "${redactUri(url)}"`;
  const deadline = now() + timeoutMs;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) controller.abort();
  let attempts = 0;
  const failure = (error: string, status?: number, body?: string, cause?: unknown) => ({
    ok: false as const,
    status,
    body,
    error: new Error(`${where} as ${error}`, cause === undefined ? {} : { cause }),
    timedOut,
    attempts,
  });
  const interrupted = (cause?: unknown) =>
    timedOut
      ? failure(`no answer came within ${timeoutMs} ms`, undefined, undefined, cause)
      : failure("the export was cancelled", undefined, undefined, cause);
  try {
    const body = compression === "gzip" ? await gzip(request.body) : request.body;
    const requestHeaders: Record<string, string> = {
      ...headers,
      "Content-Type": request.contentType,
      ...(compression === "gzip" ? { "Content-Encoding": "gzip" } : {}),
    };
    for (;;) {
      if (controller.signal.aborted) return interrupted();
      attempts++;
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: requestHeaders,
          body,
          signal: controller.signal,
        });
        text = await response.text();
      } catch (cause) {
        if (controller.signal.aborted) return interrupted(cause);
        return failure(`it is unreachable: ${errorMessage(cause)}`, undefined, undefined, cause);
      }
      if (response.ok) return { ok: true, status: response.status, attempts };
      const status = response.status;
      const answered = text.slice(0, MAX_BODY_CHARS) || undefined;
      const snippet = answered ? `: ${answered.trim().slice(0, 200)}` : "";
      const httpFailure = (extra = "") =>
        failure(`the collector answered ${status}${extra}${snippet}`, status, answered);
      if (!OTLP_RETRYABLE_STATUSES.includes(status) || attempts >= maxAttempts) {
        return httpFailure(attempts > 1 ? ` after ${attempts} attempts` : "");
      }
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now);
      const waitMs = retryAfterMs ?? backoffMs(attempts);
      if (now() + waitMs >= deadline) {
        const asked = retryAfterMs === undefined ? "a retry" : `a wait of ${retryAfterMs} ms`;
        return httpFailure(` and ${asked} would end after the ${timeoutMs} ms timeout`);
      }
      await sleep(waitMs, controller.signal);
    }
  } catch (cause) {
    return failure(
      `the request could not be sent: ${errorMessage(cause)}`,
      undefined,
      undefined,
      cause,
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The wait a `Retry-After` header asks for: delay seconds, or an HTTP date.
 *
 * @example Usage
 * ```ts
 * import { parseRetryAfter } from "./otlp_export.ts";
 * if (parseRetryAfter("2", Date.now) !== 2000) throw new Error();
 * if (parseRetryAfter("Thu, 01 Jan 1970 00:00:05 GMT", () => 1000) !== 4000) throw new Error();
 * ```
 *
 * @param value The header value, or `null` when absent.
 * @param now Current time in epoch milliseconds.
 * @returns Milliseconds (0 for a date in the past), or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: () => number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its day and month; a bare "-3" would parse as a year.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

function checkOptions(timeoutMs: number, maxAttempts: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(
      `Cannot export spans as timeoutMs must be a positive number: current value is "${timeoutMs}"`,
    );
  }
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(
      `Cannot export spans as maxAttempts must be a positive integer: current value is "${maxAttempts}"`,
    );
  }
}

function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * BACKOFF_MULTIPLIER ** (attempt - 1));
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function gzip(body: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
