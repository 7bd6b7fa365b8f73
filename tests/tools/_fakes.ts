/**
 * Fakes for tool tests: a recording fetch and a tool context whose I/O fails unless replaced.
 *
 * @module
 */
import type { ToolContext } from "../../src/tools/tool.ts";

/** One request a fake fetch received. */
export interface RecordedRequest {
  /** The URL as passed. */
  url: string;
  /** The init as passed. */
  init: RequestInit | undefined;
}

/** A fetch that records its requests and answers with a handler. */
export type FakeFetch = typeof fetch & { readonly requests: RecordedRequest[] };

/**
 * Makes a recording fetch.
 *
 * @param handler Answers each request.
 * @returns The fetch, with `requests` in order.
 */
export function fakeFetch(
  handler: (url: string, init: RequestInit | undefined) => Response | Promise<Response>,
): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetcher = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    requests.push({ url, init });
    return Promise.resolve().then(() => handler(url, init));
  };
  return Object.assign(fetcher, { requests });
}

/**
 * A fetch that never answers until its signal aborts, then rejects with the signal's reason.
 *
 * @returns The fetch.
 */
export function hangingFetch(): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetcher = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    requests.push({ url: String(input), init });
    return new Promise((_resolve, reject) => {
      const signal = init?.signal;
      if (!signal) return;
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  };
  return Object.assign(fetcher, { requests });
}

/**
 * A tool context whose I/O throws unless overridden, so a test notices any unexpected access.
 *
 * @param overrides What the test provides.
 * @returns The context.
 */
export function toolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  const unexpected = (what: string) => () => Promise.reject(new Error(`Unexpected ${what}`));
  return {
    signal: new AbortController().signal,
    config: {},
    env: () => undefined,
    fetch: unexpected("fetch"),
    readTextFile: unexpected("readTextFile"),
    writeTextFile: unexpected("writeTextFile"),
    ...overrides,
  };
}

/**
 * Every string an error carries: message, stack, hint and its causes', for leak checks.
 *
 * @param error A thrown value.
 * @returns The text.
 */
export function everythingIn(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? "", JSON.stringify(current));
      const hint = (current as { hint?: unknown }).hint;
      if (typeof hint === "string") parts.push(hint);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join("\n");
}

/**
 * Awaits a promise that must reject and returns what it rejected with.
 *
 * @param promise The promise.
 * @returns The rejection value.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected the promise to reject");
}

/** What {@linkcode abortMidFetch} observed. */
export interface AbortedCall {
  /** What the call rejected with. */
  thrown: unknown;
  /** The abort reason used. */
  reason: Error;
  /** The hanging fetch, with the one request it received. */
  fetch: FakeFetch;
  /** The caller's signal. */
  signal: AbortSignal;
}

/**
 * Starts a call on a fetch that never answers, aborts the caller's signal once the request
 * is out, and reports what the call rejected with.
 *
 * @param start Starts the call with the caller's signal and the fetch.
 * @returns The rejection, the reason, the fetch and the signal.
 */
export async function abortMidFetch(
  start: (signal: AbortSignal, fetch: FakeFetch) => Promise<unknown>,
): Promise<AbortedCall> {
  const controller = new AbortController();
  const fetch = hangingFetch();
  const reason = new Error("aborted by the caller");
  const pending = start(controller.signal, fetch);
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (fetch.requests.length !== 1) throw new Error("Expected one request before the abort");
  controller.abort(reason);
  return { thrown: await rejectionOf(pending), reason, fetch, signal: controller.signal };
}
