/**
 * The HTTP part of `MlflowClient`: one request with auth headers, a timeout, an abort signal,
 * MLflow's error bodies turned into {@linkcode MlflowRequestError} and answers checked against
 * a zod schema.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import type { z } from "zod";
import { MlflowRequestError } from "./mlflow_request_error.ts";
import { ErrorBody } from "./_mlflow_schemas.ts";

/** The HTTP methods MLflow's REST API uses. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One request. */
export interface RequestSpec<T> {
  /** What the request does, for messages: "Cannot <action> as ...". */
  action: string;
  /** HTTP method. */
  method: Method;
  /** Path below the base URL, with a leading slash. */
  path: string;
  /** Query parameters. */
  query?: Record<string, string>;
  /** A JSON body (sent as `application/json`). */
  json?: unknown;
  /** A raw body, when there is no `json`. */
  body?: BodyInit;
  /** `Content-Type` of a raw body. */
  contentType?: string;
  /** Checks the JSON answer and turns it into `T`; the JSON as it is without one. */
  schema?: z.ZodType<T>;
  /** Return the answer as text, unchecked. */
  text?: boolean;
  /** Return `undefined` for a 404 instead of throwing. */
  notFound?: "undefined";
}

/** Where requests go and how. */
export interface RestTransportOptions {
  /** Base URL without credentials or trailing slash. */
  base: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Headers of every request (auth). */
  headers: Record<string, string>;
  /** Timeout of each request. */
  timeoutMs: number;
  /** Aborts every request. */
  signal: AbortSignal | undefined;
}

/** Sends requests to one server. */
export class RestTransport {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;

  /**
   * Creates a transport; it sends nothing yet.
   *
   * @param options Base URL, fetch, headers, timeout and abort signal.
   */
  constructor(options: RestTransportOptions) {
    this.#base = options.base;
    this.#fetch = options.fetch;
    this.#headers = options.headers;
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
  }

  /**
   * Sends one request with the auth headers, bounded by the timeout and the abort signal.
   *
   * @param spec What to send and how to read the answer.
   * @returns The answer: text with `text`, `undefined` for a 404 with `notFound`, else the
   * JSON checked by `schema`.
   * @throws {MlflowRequestError} The server is unreachable, too slow, answered an error or
   * answered something that does not have MLflow's shape; the request was aborted.
   */
  async request<T>(spec: RequestSpec<T> & { text: true }): Promise<string>;
  async request<T>(spec: RequestSpec<T> & { notFound: "undefined" }): Promise<T | undefined>;
  async request<T>(spec: RequestSpec<T>): Promise<T>;
  async request<T>(spec: RequestSpec<T>): Promise<T | string | undefined> {
    const query = spec.query ? `?${new URLSearchParams(spec.query)}` : "";
    const url = `${this.#base}${spec.path}${query}`;
    const headers: Record<string, string> = { ...this.#headers };
    let body = spec.body;
    if (spec.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(spec.json);
    } else if (spec.contentType) {
      headers["Content-Type"] = spec.contentType;
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = () => controller.abort();
    this.#signal?.addEventListener("abort", onAbort, { once: true });
    if (this.#signal?.aborted) controller.abort();
    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(url, {
        method: spec.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      throw this.#transportError(spec.action, cause, timedOut);
    } finally {
      clearTimeout(timer);
      this.#signal?.removeEventListener("abort", onAbort);
    }
    if (status < 200 || status > 299) {
      if (spec.notFound && status === 404) return undefined;
      throw this.#httpError(spec.action, status, text);
    }
    if (spec.text) return text;
    return this.#parse(spec, text);
  }

  #parse<T>(spec: RequestSpec<T>, text: string): T {
    let json: unknown = {};
    if (text.trim() !== "") {
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new MlflowRequestError(
          `Cannot ${spec.action} as the MLflow tracking server at "${this.#base}" answered with a body that is not JSON`,
          { kind: "invalid_response", cause },
        );
      }
    }
    if (!spec.schema) return json as T;
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at "${issue.path.join(".")}"` : "";
      throw new MlflowRequestError(
        `Cannot ${spec.action} as the answer of the MLflow tracking server at "${this.#base}" does not have MLflow's shape: ${
          issue?.message ?? "unexpected body"
        }${where}`,
        { kind: "invalid_response", cause: parsed.error },
      );
    }
    return parsed.data;
  }

  #httpError(action: string, status: number, text: string): MlflowRequestError {
    let errorCode: string | undefined;
    let message: string | undefined;
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) ({ error_code: errorCode, message } = parsed.data);
    } catch {
      message = text.trim().slice(0, 200) || undefined;
    }
    const code = errorCode ? ` ${errorCode}` : "";
    const detail = message ? `: ${message}` : "";
    return new MlflowRequestError(
      `Cannot ${action} as the MLflow tracking server at "${this.#base}" answered ${status}${code}${detail}`,
      {
        kind: "http",
        status,
        errorCode,
        hint: status === 401 || status === 403
          ? "set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
          : undefined,
      },
    );
  }

  #transportError(action: string, cause: unknown, timedOut: boolean): MlflowRequestError {
    if (timedOut) {
      return new MlflowRequestError(
        `Cannot ${action} as the MLflow tracking server at "${this.#base}" did not answer within ${
          this.#timeoutMs / 1000
        } s`,
        { kind: "timeout", cause, hint: "raise MLFLOW_HTTP_REQUEST_TIMEOUT (seconds)" },
      );
    }
    if (this.#signal?.aborted) {
      return new MlflowRequestError(
        `Cannot ${action} as the request to "${this.#base}" was cancelled`,
        { kind: "aborted", cause },
      );
    }
    const reason = errorMessage(cause);
    return new MlflowRequestError(
      `Cannot ${action} as the MLflow tracking server at "${this.#base}" is unreachable: ${reason}`,
      { kind: "network", cause },
    );
  }
}
