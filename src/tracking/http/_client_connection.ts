/**
 * How every client of one tracking server talks to it, decided once from its options: the base
 * URL without credentials, the auth headers (the environment's, else the URL's user info), the
 * request timeout and the transport that sends requests with them.
 *
 * @module
 */
import { authHeaders, denoEnv, redactUri, requestTimeoutMs } from "./mlflow_auth.ts";
import type { MlflowClientOptions } from "./mlflow_client.ts";
import { RestTransport } from "./_rest_transport.ts";

/** A server connection. */
export interface ClientConnection {
  /** Base URL without credentials or trailing slash. */
  base: string;
  /** Auth headers (secret: never log them). */
  headers: Record<string, string>;
  /** Timeout of each request, milliseconds. */
  timeoutMs: number;
  /** Sends the requests. */
  transport: RestTransport;
}

/**
 * Reads a client's options: credentials and the timeout come from the environment once, here.
 *
 * @param options Base URL, fetch, environment, timeout and an abort signal.
 * @returns The connection.
 * @throws {TypeError} A base URL that is not http(s).
 */
export function openConnection(options: MlflowClientOptions): ClientConnection {
  const { fetch: fetchFn = globalThis.fetch, env = denoEnv(), signal } = options;
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch (cause) {
    throw new TypeError(
      `Cannot use "${redactUri(options.baseUrl)}" as a tracking server URL as it is not a URL`,
      { cause },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `Cannot use "${
        redactUri(options.baseUrl)
      }" as a tracking server URL as its scheme is not http or https`,
    );
  }
  const userInfo = url.username
    ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  const base = url.href.replace(/\/+$/, "");
  const headers = authHeaders((name) => {
    const value = env(name);
    if (value !== undefined || !userInfo) return value;
    if (name === "MLFLOW_TRACKING_USERNAME") return userInfo.user;
    if (name === "MLFLOW_TRACKING_PASSWORD") return userInfo.password;
    return undefined;
  });
  const timeoutMs = options.timeoutMs ?? requestTimeoutMs(env);
  const transport = new RestTransport({ base, fetch: fetchFn, headers, timeoutMs, signal });
  return { base, headers, timeoutMs, transport };
}
