/**
 * The `serper_search` built-in: Google results through the Serper API.
 *
 * @module
 */
import { z } from "zod";
import { errorMessage, WorkflowError } from "../errors.ts";
import { defineTool } from "./define_tool.ts";
import type { Tool } from "./tool.ts";
import { toolFailed } from "./_tool_errors.ts";

/** The Serper endpoint `serper_search` posts to. */
export const SERPER_SEARCH_URL = "https://google.serper.dev/search";
/** The environment variable holding the Serper API key. */
export const SERPER_API_KEY_VARIABLE = "SERPER_API_KEY";

const DEFAULT_RESULTS = 5;
const MAX_RESULTS = 20;
const ERROR_BODY_CHARS = 200;

const parameters = z.object({
  query: z.string().trim().min(1).describe("What to search the web for"),
  num_results: z.int().min(1).max(MAX_RESULTS).optional().describe(
    `How many results to return, 1 to ${MAX_RESULTS} (default ${DEFAULT_RESULTS})`,
  ),
});

const configSchema = z.strictObject({
  country: z.string().regex(/^[A-Za-z]{2}$/, {
    error: 'Expected a two-letter country code such as "us"',
  }).optional().describe("Country of the results (Serper's gl)"),
  language: z.string().regex(/^[A-Za-z]{2}(-[A-Za-z]{2})?$/, {
    error: 'Expected a language code such as "en" or "pt-br"',
  }).optional().describe("Language of the results (Serper's hl)"),
});

const SerperResponseSchema = z.object({
  organic: z.array(
    z.object({
      title: z.string().optional(),
      link: z.string().optional(),
      snippet: z.string().optional(),
    }),
  ).optional(),
});

/** One search result as `serper_search` returns it. */
export interface SearchResult {
  /** Page title. */
  title: string;
  /** Page URL. */
  link: string;
  /** Text around the match. */
  snippet: string;
}

/** What `serper_search` returns. */
export interface SerperSearchResult {
  /** The query searched. */
  query: string;
  /** The organic results, best first. */
  results: SearchResult[];
}

/**
 * The `serper_search` tool. Arguments `{ query, num_results? }` (default 5, at most 20);
 * config `{ country?, language? }`. It posts to {@linkcode SERPER_SEARCH_URL} with the key from
 * `SERPER_API_KEY` in the `X-API-KEY` header and returns `{ query, results: [{ title, link,
 * snippet }] }`. A missing key fails with `MISSING_CREDENTIALS` before any request; an HTTP
 * error fails with `TOOL_FAILED` naming the status. The key never appears in an error.
 * Permissions: net `google.serper.dev`, env `SERPER_API_KEY`.
 *
 * @example Usage
 * ```ts
 * import { serperSearchTool } from "@configurable-agents/core";
 *
 * const fakeFetch = () =>
 *   Promise.resolve(Response.json({ organic: [{ title: "T", link: "https://t.example", snippet: "S" }] }));
 * const result = await serperSearchTool.invoke({ query: "tide pools" }, {
 *   signal: new AbortController().signal,
 *   config: {},
 *   env: (name) => name === "SERPER_API_KEY" ? "test-key" : undefined,
 *   fetch: fakeFetch,
 *   readTextFile: () => Promise.reject(new Error("unused")),
 *   writeTextFile: () => Promise.reject(new Error("unused")),
 * });
 * if ((result as { results: unknown[] }).results.length !== 1) throw new Error();
 * ```
 */
export const serperSearchTool: Tool = defineTool({
  name: "serper_search",
  description:
    "Searches the web with Google (via Serper) and returns the top results as title, link and snippet",
  parameters,
  configSchema,
  async invoke(args, context): Promise<SerperSearchResult> {
    const key = context.env(SERPER_API_KEY_VARIABLE);
    if (key === undefined || key.trim() === "") {
      throw new WorkflowError(
        "MISSING_CREDENTIALS",
        `Cannot search with "serper_search" as ${SERPER_API_KEY_VARIABLE} is not set`,
        {
          phase: "execute",
          hint:
            `Set ${SERPER_API_KEY_VARIABLE} (an API key from serper.dev) and allow it with --allow-env=${SERPER_API_KEY_VARIABLE}, or run with --mock`,
        },
      );
    }
    const count = args.num_results ?? DEFAULT_RESULTS;
    const body: Record<string, unknown> = { q: args.query, num: count };
    if (context.config.country !== undefined) body.gl = context.config.country.toLowerCase();
    if (context.config.language !== undefined) body.hl = context.config.language.toLowerCase();

    let response: Response;
    try {
      response = await context.fetch(SERPER_SEARCH_URL, {
        method: "POST",
        headers: { "X-API-KEY": key, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: context.signal,
      });
    } catch (error) {
      context.signal.throwIfAborted();
      throw toolFailed(
        `Cannot search with "serper_search" as the request to google.serper.dev failed: ${
          scrub(errorMessage(error), key)
        }`,
      );
    }
    const text = await readText(response, context.signal, key);
    if (!response.ok) {
      const detail = text.trim().slice(0, ERROR_BODY_CHARS);
      throw toolFailed(
        `Cannot search with "serper_search" as google.serper.dev answered HTTP ${response.status}${
          detail === "" ? "" : `: ${detail}`
        }`,
      );
    }
    return { query: args.query, results: parseResults(text, count) };
  },
  permissions: () => ({ net: ["google.serper.dev"], env: [SERPER_API_KEY_VARIABLE] }),
  mock: (args): SerperSearchResult => ({
    query: args.query,
    results: [1, 2].map((n) => ({
      title: `[mock] Result ${n} about ${args.query}`,
      link: `https://example.com/mock/${n}?q=${encodeURIComponent(args.query)}`,
      snippet: `[mock] Placeholder snippet ${n} mentioning ${args.query}; no search was made`,
    })).slice(0, args.num_results ?? DEFAULT_RESULTS),
  }),
});

async function readText(response: Response, signal: AbortSignal, key: string): Promise<string> {
  try {
    return scrub(await response.text(), key);
  } catch (error) {
    signal.throwIfAborted();
    throw toolFailed(
      `Cannot search with "serper_search" as its answer could not be read: ${
        scrub(errorMessage(error), key)
      }`,
    );
  }
}

function parseResults(text: string, count: number): SearchResult[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw toolFailed(
      `Cannot search with "serper_search" as google.serper.dev answered with something other than JSON: ${
        text.slice(0, ERROR_BODY_CHARS)
      }`,
    );
  }
  const parsed = SerperResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw toolFailed(
      `Cannot search with "serper_search" as the answer of google.serper.dev has an unexpected shape`,
      parsed.error,
    );
  }
  return (parsed.data.organic ?? []).slice(0, count).map((item) => ({
    title: item.title ?? "",
    link: item.link ?? "",
    snippet: item.snippet ?? "",
  }));
}

/** Removes the API key from text that may reach an error message. */
function scrub(text: string, key: string): string {
  return text.replaceAll(key, "[REDACTED]");
}
