/**
 * Tells what kind of failure a model call ended in, and whether trying again may help.
 *
 * @module
 */
import { isPermissionDenied } from "./_permission_denied.ts";

/** Kinds of provider failure. */
export type ProviderErrorKind =
  | "rate_limit"
  | "server"
  | "timeout"
  | "connection"
  | "auth"
  | "bad_request"
  | "aborted"
  | "other";

/** What {@linkcode classifyProviderError} found. */
export interface ProviderErrorInfo {
  /** Whether another attempt may succeed. */
  retryable: boolean;
  /** The kind of failure. */
  kind: ProviderErrorKind;
  /** HTTP status of the provider's answer, when there was one. */
  status?: number;
  /** How long the provider asked to wait before the next attempt, when it said. */
  retryAfterMs?: number;
  /**
   * For a 429 without a wait: when the exhausted limit resets, from OpenAI-style
   * `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens` headers (`1s`, `6m0s`, `20ms`); of
   * the dimension whose `x-ratelimit-remaining-*` is 0, else the later one. A hint for pacing,
   * not a wait the provider asked for: retries do not use it.
   */
  resetMs?: number;
}

/** Options of {@linkcode classifyProviderError}. */
export interface ClassifyProviderErrorOptions {
  /**
   * The caller's own signal. When given and not aborted, an abort error did not come from the
   * caller but from an SDK's own timer, so it is a retryable `timeout`.
   * @default undefined (every abort error is `aborted`)
   */
  signal?: AbortSignal;
  /**
   * Current time in epoch milliseconds, to turn a `Retry-After` HTTP date into a wait.
   * @default Date.now
   */
  now?: () => number;
}

type Dict = Record<string, unknown>;

/** LangChain marks errors it knows not to be worth retrying with this global symbol. */
const LANGCHAIN_RETRYABLE = Symbol.for("langchain.errors.retryable");

const TIMEOUT_NAMES = new Set(["TimeoutError", "APIConnectionTimeoutError"]);
const ABORT_NAMES = new Set(["AbortError", "APIUserAbortError", "ModelAbortError"]);
const CONNECTION_NAMES = new Set(["APIConnectionError", "FetchError"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);
const CONNECTION_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
]);
const TIMEOUT_TEXT = /\btimed? ?out\b|\btimeout\b/i;
// "error reading a body from connection" is Deno's fetch when the socket closes mid-body;
// "other side closed" and "premature close" are Node's (undici, node-fetch) for the same.
const CONNECTION_TEXT =
  /connection (?:refused|reset|closed|error)|error sending request|error reading a body from connection|fetch failed|socket hang up|other side closed|premature close|network ?error|broken pipe|dns error|failed to lookup address/i;
const ABORT_TEXT = /\baborted\b/i;
const QUOTA_TEXT = /insufficient[_ ]quota|exceeded your current quota|credit balance/i;

/**
 * Classifies an error thrown by a model call: the error shapes of the OpenAI, Anthropic,
 * Google and Ollama SDKs as the LangChain integrations surface them, and fetch/network errors.
 *
 * - HTTP 429: `rate_limit`, retryable, with the wait from `retry-after-ms`, `Retry-After`
 *   (seconds or an HTTP date) or Google's `RetryInfo.retryDelay`; a 429 for an exhausted quota
 *   (code `insufficient_quota`, or quota wording without any wait offered) is not retryable.
 * - HTTP 5xx (and Anthropic's 529): `server`, retryable. HTTP 408: `timeout`, retryable.
 * - HTTP 401/403: `auth`; 400, 404, 422 and other 4xx: `bad_request`; neither retryable.
 * - Timeouts (`TimeoutError`, `APIConnectionTimeoutError`, `ETIMEDOUT`): `timeout`, retryable.
 * - Resets (before or in the middle of a response), refused connections and other network
 *   failures: `connection`, retryable.
 * - Aborts: `aborted`, not retryable, unless `options.signal` shows the abort was not the
 *   caller's (then a `timeout`). Any error once `options.signal` has aborted is `aborted`.
 * - Deno permission errors and anything else: `other`, not retryable.
 *
 * The error's `cause` chain is searched too, so a wrapped provider error classifies the same.
 *
 * @example Usage
 * ```ts
 * import { classifyProviderError } from "./classify_provider_error.ts";
 * const error = Object.assign(new Error("Rate limit reached"), {
 *   status: 429,
 *   headers: new Headers({ "retry-after": "2" }),
 * });
 * const info = classifyProviderError(error);
 * if (info.kind !== "rate_limit" || !info.retryable || info.retryAfterMs !== 2000) throw new Error();
 * ```
 *
 * @param error Anything a model call threw.
 * @param options The caller's signal and clock.
 * @returns The kind, whether to retry, the HTTP status and the requested wait.
 */
export function classifyProviderError(
  error: unknown,
  options: ClassifyProviderErrorOptions = {},
): ProviderErrorInfo {
  if (options.signal?.aborted) return { retryable: false, kind: "aborted" };
  const chain = causeChain(error);
  const status = firstDefined(chain, statusOf);
  if (status !== undefined) return classifyStatus(chain, status, options);
  if (chain.some(isPermissionDenied)) return { retryable: false, kind: "other" };
  if (chain.some(isTimeout)) return { retryable: true, kind: "timeout" };
  if (chain.some(isAbort)) {
    // With the caller's signal given (and not aborted, see above), the abort was an SDK timer's.
    return options.signal !== undefined
      ? { retryable: true, kind: "timeout" }
      : { retryable: false, kind: "aborted" };
  }
  if (chain.some(isConnectionFailure)) return { retryable: true, kind: "connection" };
  return { retryable: false, kind: "other" };
}

function classifyStatus(
  chain: readonly Dict[],
  status: number,
  options: ClassifyProviderErrorOptions,
): ProviderErrorInfo {
  if (status === 429) {
    const retryAfterMs = firstDefined(chain, (entry) => retryAfterOf(entry, options.now));
    // A quota code is final; quota wording is final only when no wait is offered (Gemini's
    // per-minute limits say "exceeded your current quota" and give a retry delay).
    const exhausted = chain.some(hasQuotaCode) ||
      (retryAfterMs === undefined && chain.some(hasQuotaText));
    const info: ProviderErrorInfo = { retryable: !exhausted, kind: "rate_limit", status };
    if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
    const resetMs = retryAfterMs === undefined ? firstDefined(chain, rateLimitResetOf) : undefined;
    if (resetMs !== undefined) info.resetMs = resetMs;
    return info;
  }
  if (status >= 500) {
    // An overloaded server may say when to come back (HTTP 503 with Retry-After).
    const info: ProviderErrorInfo = { retryable: markedRetryable(chain), kind: "server", status };
    const retryAfterMs = firstDefined(chain, (entry) => retryAfterOf(entry, options.now));
    if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
    return info;
  }
  if (status === 408) return { retryable: true, kind: "timeout", status };
  if (status === 401 || status === 403) return { retryable: false, kind: "auth", status };
  if (status >= 400) return { retryable: false, kind: "bad_request", status };
  return { retryable: false, kind: "other", status };
}

/** The error and its causes, outermost first (at most 8 deep, cycles cut). */
function causeChain(error: unknown): Dict[] {
  const chain: Dict[] = [];
  let current: unknown = error;
  while (isDict(current) && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = current["cause"];
  }
  return chain;
}

function statusOf(entry: Dict): number | undefined {
  for (const candidate of [entry["status"], entry["status_code"], entry["statusCode"]]) {
    if (typeof candidate === "number" && candidate >= 100 && candidate <= 599) return candidate;
  }
  const response = entry["response"];
  if (isDict(response) && typeof response["status"] === "number") return response["status"];
  return undefined;
}

function retryAfterOf(entry: Dict, now: (() => number) | undefined): number | undefined {
  const headers = headersOf(entry);
  const retryAfterMs = headerValue(headers, "retry-after-ms");
  if (retryAfterMs !== undefined && /^\d+(\.\d+)?$/.test(retryAfterMs.trim())) {
    return Number(retryAfterMs);
  }
  const retryAfter = headerValue(headers, "retry-after");
  if (retryAfter !== undefined) return parseRetryAfter(retryAfter, now ?? Date.now);
  return googleRetryDelay(entry["errorDetails"]);
}

/**
 * When the exhausted limit resets, from `x-ratelimit-reset-{requests,tokens}`: of the dimension
 * whose `x-ratelimit-remaining-*` is 0, else the later of the two.
 */
function rateLimitResetOf(entry: Dict): number | undefined {
  const headers = headersOf(entry);
  const resets = (["requests", "tokens"] as const).map((dimension) => ({
    resetMs: parseResetDuration(headerValue(headers, `x-ratelimit-reset-${dimension}`)),
    exhausted: headerValue(headers, `x-ratelimit-remaining-${dimension}`)?.trim() === "0",
  })).filter((reset): reset is { resetMs: number; exhausted: boolean } =>
    reset.resetMs !== undefined
  );
  const exhausted = resets.filter((reset) => reset.exhausted);
  const candidates = exhausted.length > 0 ? exhausted : resets;
  return candidates.length === 0
    ? undefined
    : Math.max(...candidates.map((reset) => reset.resetMs));
}

/** A Go-style duration as OpenAI sends it: `1s`, `6m0s`, `20ms`, `0.5s`, `1h2m3.5s`. */
function parseResetDuration(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/.test(text)) return undefined;
  const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(amount) * (unitMs[unit ?? ""] ?? 0);
  }
  return Math.round(total);
}

function headersOf(entry: Dict): unknown {
  return entry["headers"] ?? (isDict(entry["response"]) ? entry["response"]["headers"] : undefined);
}

/** Parses `Retry-After`: delay seconds, or an HTTP date. */
function parseRetryAfter(value: string, now: () => number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/** Google's `google.rpc.RetryInfo` detail: `{ retryDelay: "30s" }`. */
function googleRetryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (!isDict(detail) || typeof detail["retryDelay"] !== "string") continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail["retryDelay"].trim());
    if (match?.[1] !== undefined) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (!isDict(headers)) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && (typeof value === "string" || typeof value === "number")) {
      return String(value);
    }
  }
  return undefined;
}

function hasQuotaCode(entry: Dict): boolean {
  const nested = isDict(entry["error"]) ? entry["error"] : {};
  return [entry["code"], entry["type"], nested["code"], nested["type"]].includes(
    "insufficient_quota",
  );
}

function hasQuotaText(entry: Dict): boolean {
  return QUOTA_TEXT.test(messageOf(entry));
}

/** A 5xx is retryable unless LangChain marked the error as not worth retrying. */
function markedRetryable(chain: readonly Dict[]): boolean {
  return !chain.some((entry) =>
    Object.getOwnPropertyDescriptor(entry, LANGCHAIN_RETRYABLE)?.value === false
  );
}

function isTimeout(entry: Dict): boolean {
  if (TIMEOUT_NAMES.has(nameOf(entry))) return true;
  if (typeof entry["code"] === "string" && TIMEOUT_CODES.has(entry["code"])) return true;
  return nameOf(entry) !== "AbortError" && TIMEOUT_TEXT.test(messageOf(entry)) &&
    !ABORT_TEXT.test(messageOf(entry));
}

function isAbort(entry: Dict): boolean {
  if (ABORT_NAMES.has(nameOf(entry))) return true;
  // Google's SDK: "[GoogleGenerativeAI Error]: Request aborted when fetching ...".
  return ABORT_TEXT.test(messageOf(entry)) && /request (was )?aborted/i.test(messageOf(entry));
}

function isConnectionFailure(entry: Dict): boolean {
  if (CONNECTION_NAMES.has(nameOf(entry))) return true;
  if (typeof entry["code"] === "string" && CONNECTION_CODES.has(entry["code"])) return true;
  return CONNECTION_TEXT.test(messageOf(entry));
}

function nameOf(entry: Dict): string {
  const name = typeof entry["name"] === "string" ? entry["name"] : "";
  if (name !== "" && name !== "Error") return name;
  const constructorName = (entry as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === "string" ? constructorName : name;
}

function messageOf(entry: Dict): string {
  return typeof entry["message"] === "string" ? entry["message"] : "";
}

function firstDefined<T>(
  chain: readonly Dict[],
  read: (entry: Dict) => T | undefined,
): T | undefined {
  for (const entry of chain) {
    const value = read(entry);
    if (value !== undefined) return value;
  }
  return undefined;
}

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null;
}
