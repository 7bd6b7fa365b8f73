/**
 * The error a model request ends in once retrying is over.
 *
 * @module
 */
import { WorkflowError } from "../errors.ts";
import type { ProviderErrorKind } from "./classify_provider_error.ts";
import { isPermissionDenied } from "./_permission_denied.ts";
import { redactSecrets } from "./_redact_secrets.ts";

/** What {@linkcode LlmRequestError} records besides its message. */
export interface LlmRequestErrorOptions {
  /** Attempts made, the first included. */
  attempts: number;
  /** Kind of the last failure. */
  kind: ProviderErrorKind;
  /** HTTP status of the last failure, when there was one. */
  status?: number | undefined;
  /** The node whose request failed. */
  nodeId?: string | undefined;
  /** The last error the provider call threw. */
  cause: unknown;
  /** Why retrying stopped, when not for the plain reasons (not retryable, or out of attempts). */
  reason?: string | undefined;
}

const PERMISSION_HINT =
  "Grant the permission named above (for a provider host, --allow-net=<host>); the permissions command prints every flag the workflow needs";

const HINTS: Record<ProviderErrorKind, string> = {
  rate_limit: "The provider limits the request rate: wait and run again, or raise max_retries",
  server: "The provider had an internal error: run again later, or raise max_retries",
  timeout: "The request took too long: raise the node or run timeout, or max_retries",
  connection: "The provider could not be reached: check the network, base_url and --allow-net",
  auth: "The provider refused the key: check the API key variable and the account's access",
  bad_request: "The provider rejected the request: check the model name and the llm settings",
  aborted: "The request was cancelled by a timeout or a signal",
  other: "Run again with --verbose to see the cause",
};

/**
 * A model request that failed for good: a `WorkflowError` with code `LLM_REQUEST_FAILED` that
 * also records the attempts made and the kind of the last failure. Its message quotes the
 * provider's message with keys and tokens masked; the unmasked error is its `cause`.
 *
 * @example Usage
 * ```ts
 * import { LlmRequestError } from "./llm_request_error.ts";
 * const error = new LlmRequestError({ attempts: 4, kind: "server", status: 500, cause: new Error("boom") });
 * if (error.code !== "LLM_REQUEST_FAILED" || !error.message.includes("4 attempts")) throw new Error();
 * ```
 */
export class LlmRequestError extends WorkflowError {
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** Kind of the last failure. */
  readonly kind: ProviderErrorKind;
  /** HTTP status of the last failure, when there was one. */
  readonly status: number | undefined;

  /**
   * Creates the error from the last failure.
   *
   * @param options Attempts, kind, status, node, the last error and why retrying stopped.
   */
  constructor(options: LlmRequestErrorOptions) {
    super("LLM_REQUEST_FAILED", describe(options), {
      phase: "execute",
      nodeId: options.nodeId,
      hint: findDenied(options.cause) ? PERMISSION_HINT : HINTS[options.kind],
      cause: options.cause,
    });
    this.attempts = options.attempts;
    this.kind = options.kind;
    this.status = options.status;
  }
}

function describe(options: LlmRequestErrorOptions): string {
  const attempts = `${options.attempts} ${options.attempts === 1 ? "attempt" : "attempts"}`;
  const status = options.status === undefined ? "" : `, HTTP ${options.status}`;
  const denied = findDenied(options.cause);
  const reason = options.reason ??
    (denied
      ? "Deno did not grant a permission the provider call needs"
      : `it failed after ${attempts} (${options.kind.replace("_", " ")}${status})`);
  return `Cannot complete the model request as ${reason}: "${providerMessage(options.cause)}"`;
}

/** A Deno permission error in the cause chain, if any. */
function findDenied(cause: unknown): Error | undefined {
  return causes(cause).find(isPermissionDenied);
}

/**
 * The messages of the error and its causes (first lines, trailing periods dropped), joined;
 * secrets masked; at most 300 characters.
 */
function providerMessage(cause: unknown): string {
  const parts: string[] = [];
  for (const error of causes(cause)) {
    const line = error.message.split("\n").find((text) => text.trim() !== "")?.trim()
      .replace(/\.$/, "");
    if (line && !parts.some((part) => part.includes(line))) parts.push(line);
  }
  const text = parts.length > 0 ? parts.join(": ") : String(cause);
  const masked = redactSecrets(text);
  return masked.length > 300 ? `${masked.slice(0, 297)}...` : masked;
}

/** The error and its causes, outermost first, at most four. */
function causes(cause: unknown): Error[] {
  const chain: Error[] = [];
  let current = cause;
  while (current instanceof Error && chain.length < 4 && !chain.includes(current)) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}
