/**
 * The `http_get` built-in: fetches a URL on an allow-list of hosts, redirects included.
 *
 * @module
 */
import { z } from "zod";
import { errorMessage } from "../errors.ts";
import { defineTool } from "./define_tool.ts";
import type { Tool } from "./tool.ts";
import { formatHostRule, type HostRule, isHostAllowed, parseHostRule } from "./_host_allow_list.ts";
import { toolFailed, toolRefused } from "./_tool_errors.ts";
import { decodePrefix, readLimited } from "./_utf8.ts";

/** Redirects `http_get` follows before giving up. */
export const HTTP_GET_MAX_REDIRECTS = 5;
/** Default `max_bytes` of `http_get`. */
export const HTTP_GET_DEFAULT_MAX_BYTES = 100_000;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const hostRule = z.string().transform((entry, ctx): HostRule => {
  const rule = parseHostRule(entry);
  if (typeof rule === "string") {
    ctx.addIssue({ code: "custom", message: rule });
    return z.NEVER;
  }
  return rule;
});

const configSchema = z.strictObject({
  allowed_hosts: z.array(hostRule, {
    error: (issue) =>
      issue.input === undefined
        ? 'Required: list the hosts http_get may fetch, such as ["example.com"]'
        : "Expected a list of hosts",
  }).min(1, { error: "List at least one host" }).describe(
    'Hosts http_get may fetch: "example.com" (any port), "example.com:8080", or "*.example.com" (its subdomains)',
  ),
  max_bytes: z.int().positive().default(HTTP_GET_DEFAULT_MAX_BYTES).describe(
    "Most bytes of the body returned; the rest is cut and flagged",
  ),
  timeout_seconds: z.number().positive().optional().describe("Seconds a fetch may take"),
});

const parameters = z.object({
  url: z.string().describe("Absolute http or https URL to fetch"),
});

/** What `http_get` returns. */
export interface HttpGetResult {
  /** The URL finally fetched (after redirects). */
  url: string;
  /** HTTP status of the final response (any status; a 404 is a result, not a failure). */
  status: number;
  /** The `Content-Type` header, or `null`. */
  content_type: string | null;
  /** The body as text, at most `max_bytes` bytes of it. */
  body: string;
  /** `true` when the body was longer than `max_bytes` and was cut. */
  truncated: boolean;
}

/**
 * The `http_get` tool. Arguments `{ url }`; config `{ allowed_hosts, max_bytes?,
 * timeout_seconds? }` (`allowed_hosts` required). A URL whose host is not allowed is refused
 * with `PERMISSION_DENIED` before any request, and so is a redirect to one: redirects are
 * followed by the tool itself (at most {@linkcode HTTP_GET_MAX_REDIRECTS}), each target checked.
 * An entry `host` allows any port, `host:port` that port only, `*.domain` every subdomain of
 * `domain` but not `domain` itself. Returns `{ url, status, content_type, body, truncated }`.
 * Permissions: net, the allowed hosts.
 *
 * @example Usage
 * ```ts
 * import { httpGetTool } from "@configurable-agents/core";
 *
 * const result = await httpGetTool.invoke({ url: "https://example.com/page" }, {
 *   signal: new AbortController().signal,
 *   config: { allowed_hosts: ["example.com"] },
 *   env: () => undefined,
 *   fetch: () => Promise.resolve(new Response("hello", { headers: { "content-type": "text/plain" } })),
 *   readTextFile: () => Promise.reject(new Error("unused")),
 *   writeTextFile: () => Promise.reject(new Error("unused")),
 * });
 * if ((result as { body: string }).body !== "hello") throw new Error();
 * ```
 */
export const httpGetTool: Tool = defineTool({
  name: "http_get",
  description:
    "Fetches a web page or API response by URL (GET) and returns its status, content type and text; only some hosts are allowed",
  parameters,
  configSchema,
  async invoke(args, context): Promise<HttpGetResult> {
    const { allowed_hosts: rules, max_bytes: maxBytes, timeout_seconds: timeoutSeconds } =
      context.config;
    let url = parseHttpUrl(args.url);
    checkHost(url, rules, undefined);

    const controller = new AbortController();
    const abort = () => controller.abort(context.signal.reason);
    context.signal.addEventListener("abort", abort, { once: true });
    const timer = timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error("timeout")), timeoutSeconds * 1000);
    const failed = (action: string, error: unknown) => {
      context.signal.throwIfAborted();
      if (controller.signal.aborted) {
        return toolFailed(
          `Cannot fetch "${
            display(url)
          }" as it took longer than timeout_seconds (${timeoutSeconds})`,
        );
      }
      return toolFailed(
        `Cannot fetch "${display(url)}" as ${action}: ${errorMessage(error)}`,
        error,
      );
    };
    try {
      let response = await fetchOnce(url, context, controller.signal).catch((error) => {
        throw failed("the request failed", error);
      });
      for (let redirects = 0; isRedirect(response); redirects++) {
        await response.body?.cancel().catch(() => {});
        if (redirects === HTTP_GET_MAX_REDIRECTS) {
          throw toolFailed(
            `Cannot fetch "${
              display(url)
            }" as it redirected more than ${HTTP_GET_MAX_REDIRECTS} times`,
          );
        }
        const next = redirectTarget(response, url);
        checkHost(next, rules, url);
        url = next;
        response = await fetchOnce(url, context, controller.signal).catch((error) => {
          throw failed("the request failed", error);
        });
      }
      const { bytes, truncated } = await readLimited(response.body, maxBytes).catch((error) => {
        throw failed("its body could not be read", error);
      });
      const contentType = response.headers.get("content-type");
      return {
        url: url.href,
        status: response.status,
        content_type: contentType,
        body: decodePrefix(bytes, truncated, charsetOf(contentType)),
        truncated,
      };
    } finally {
      clearTimeout(timer);
      context.signal.removeEventListener("abort", abort);
    }
  },
  permissions: (config) => ({ net: config.allowed_hosts.map(formatHostRule) }),
  mock: (args): HttpGetResult => ({
    url: args.url,
    status: 200,
    content_type: "text/plain; charset=utf-8",
    body: `[mock] Placeholder content of ${args.url}; no request was made`,
    truncated: false,
  }),
});

function fetchOnce(
  url: URL,
  context: { readonly fetch: typeof fetch; readonly traceparent?: string | undefined },
  signal: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = context.traceparent === undefined
    ? {}
    : { traceparent: context.traceparent };
  return context.fetch(url.href, { method: "GET", redirect: "manual", signal, headers });
}

function isRedirect(response: Response): boolean {
  return REDIRECT_STATUSES.has(response.status) && response.headers.has("location");
}

function parseHttpUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw toolFailed(`Cannot fetch "${text}" as it is not an absolute http or https URL`);
  }
  return url;
}

function redirectTarget(response: Response, from: URL): URL {
  const location = response.headers.get("location") ?? "";
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw toolFailed(
      `Cannot follow the redirect from "${
        display(from)
      }" as its location "${location}" is not a URL`,
    );
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw toolRefused(
      `Cannot follow the redirect from "${
        display(from)
      }" to "${next.protocol}" as only http and https are allowed`,
      "http_get fetches http and https URLs only",
    );
  }
  return next;
}

function checkHost(url: URL, rules: readonly HostRule[], redirectedFrom: URL | undefined): void {
  if (isHostAllowed(url, rules)) return;
  const allowed = rules.map((rule) => `"${formatHostRule(rule)}"`).join(", ");
  const action = redirectedFrom === undefined
    ? `fetch "${display(url)}"`
    : `follow the redirect from "${display(redirectedFrom)}" to "${display(url)}"`;
  throw toolRefused(
    `Cannot ${action} as host "${url.host}" is not in allowed_hosts: allowed are ${allowed}`,
    `Add "${url.host}" to the allowed_hosts of http_get in the node's tools config if it should be reachable`,
  );
}

/** A URL for messages: no credentials, no query. */
function display(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function charsetOf(contentType: string | null): string | undefined {
  return /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
}
