/**
 * What MLflow's own client reads from the environment to talk to a tracking server:
 * credentials (`MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`, else
 * `MLFLOW_TRACKING_TOKEN`) and the request timeout (`MLFLOW_HTTP_REQUEST_TIMEOUT`, seconds).
 *
 * @module
 */

/** Reads one environment variable; `undefined` when unset or not permitted. */
export type EnvReader = (name: string) => string | undefined;

/** MLflow's default request timeout (`MLFLOW_HTTP_REQUEST_TIMEOUT`): 120 seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/**
 * The `Authorization` header MLflow's client would send: `Basic` from
 * `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` when both are set, else `Bearer`
 * from `MLFLOW_TRACKING_TOKEN`, else none.
 *
 * @example Usage
 * ```ts
 * import { authHeaders } from "./mlflow_auth.ts";
 * const env = (name: string) => ({ MLFLOW_TRACKING_TOKEN: "t0k" } as Record<string, string>)[name];
 * if (authHeaders(env).Authorization !== "Bearer t0k") throw new Error();
 * ```
 *
 * @param env Reads environment variables.
 * @returns `{ Authorization }`, or an empty object without credentials.
 */
export function authHeaders(env: EnvReader): Record<string, string> {
  const username = env("MLFLOW_TRACKING_USERNAME");
  const password = env("MLFLOW_TRACKING_PASSWORD");
  if (username && password !== undefined) {
    return { Authorization: `Basic ${base64Utf8(`${username}:${password}`)}` };
  }
  const token = env("MLFLOW_TRACKING_TOKEN");
  if (token) return { Authorization: `Bearer ${token}` };
  return {};
}

/**
 * The request timeout from `MLFLOW_HTTP_REQUEST_TIMEOUT` (seconds, as MLflow reads it).
 *
 * @param env Reads environment variables.
 * @param fallbackMs Used when the variable is unset or not a positive number.
 * @returns Milliseconds.
 */
export function requestTimeoutMs(
  env: EnvReader,
  fallbackMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
): number {
  const raw = env("MLFLOW_HTTP_REQUEST_TIMEOUT");
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs;
}

/**
 * A URI fit for a message: user name and password removed.
 *
 * @example Usage
 * ```ts
 * import { redactUri } from "./mlflow_auth.ts";
 * if (redactUri("http://bob:secret@host:5000/x") !== "http://host:5000/x") throw new Error();
 * ```
 *
 * @param uri Any URI.
 * @returns The URI without user info.
 */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

/**
 * Reads the real environment where Deno permits it, never prompting.
 *
 * @returns An {@linkcode EnvReader} over `Deno.env`.
 */
export function denoEnv(): EnvReader {
  return (name) => {
    try {
      if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        return undefined;
      }
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
}

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
