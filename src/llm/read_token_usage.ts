/**
 * Reads the token usage of one model response, whatever provider answered.
 *
 * @module
 */
import type { TokenUsage } from "../tracking/tracer.ts";

type Dict = Record<string, unknown>;

/** Counts as read from one response shape, before they are made consistent. */
interface RawUsage {
  input: number;
  output: number;
  total?: number | undefined;
  cacheRead?: number | undefined;
  cacheCreation?: number | undefined;
}

/**
 * Reads the token usage of a model response (an `AIMessage`, or any object shaped like one).
 *
 * It reads LangChain's `usage_metadata` first (`input_tokens`, `output_tokens`, `total_tokens`,
 * `input_token_details.cache_read` and `.cache_creation`). When that is absent it falls back to
 * the provider shapes in `response_metadata`: OpenAI's `usage` (`prompt_tokens`,
 * `completion_tokens`, `prompt_tokens_details.cached_tokens`), Anthropic's `usage`
 * (`input_tokens` without the cache, `cache_read_input_tokens`,
 * `cache_creation_input_tokens`), Google's `usageMetadata` (`promptTokenCount`,
 * `candidatesTokenCount`, `thoughtsTokenCount`, `cachedContentTokenCount`), LangChain's older
 * `tokenUsage` and Ollama's `prompt_eval_count`/`eval_count`. Nothing reported is all zeros.
 *
 * The result keeps the contract of {@linkcode TokenUsage}: `input_tokens` includes cache reads
 * and writes, and `total_tokens` is `input_tokens + output_tokens`. A provider total larger
 * than that sum (Google counts thinking tokens only in the total) adds the difference to
 * `output_tokens`, as those tokens are billed as output.
 *
 * @example Usage
 * ```ts
 * import { readTokenUsage } from "./read_token_usage.ts";
 * const usage = readTokenUsage({
 *   usage_metadata: { input_tokens: 120, output_tokens: 30, total_tokens: 150,
 *     input_token_details: { cache_read: 100 } },
 * });
 * if (usage.total_tokens !== 150 || usage.cache_read_input_tokens !== 100) throw new Error();
 * ```
 *
 * @param message A model response.
 * @returns Its token usage; zeros when the response reports none.
 */
export function readTokenUsage(message: unknown): TokenUsage {
  if (!isDict(message)) return normalize(undefined);
  const raw = fromFields(message["usage_metadata"], LANGCHAIN_FIELDS) ??
    fromResponseMetadata(message["response_metadata"]);
  return normalize(raw);
}

/** Where one response shape keeps its counts. */
interface UsageFields {
  input: string;
  output: string;
  total?: string;
  details?: string;
  cacheRead?: string;
  cacheCreation?: string;
}

const LANGCHAIN_FIELDS: UsageFields = {
  input: "input_tokens",
  output: "output_tokens",
  total: "total_tokens",
  details: "input_token_details",
  cacheRead: "cache_read",
  cacheCreation: "cache_creation",
};

const OPENAI_FIELDS: UsageFields = {
  input: "prompt_tokens",
  output: "completion_tokens",
  total: "total_tokens",
  details: "prompt_tokens_details",
  cacheRead: "cached_tokens",
  cacheCreation: "cache_write_tokens",
};

const TOKEN_USAGE_FIELDS: UsageFields = {
  input: "promptTokens",
  output: "completionTokens",
  total: "totalTokens",
};

const OLLAMA_FIELDS: UsageFields = { input: "prompt_eval_count", output: "eval_count" };

function fromResponseMetadata(value: unknown): RawUsage | undefined {
  if (!isDict(value)) return undefined;
  return fromFields(value["usage"], OPENAI_FIELDS) ?? fromAnthropicUsage(value["usage"]) ??
    fromGoogleUsage(value["usageMetadata"]) ??
    fromFields(value["tokenUsage"], TOKEN_USAGE_FIELDS) ??
    fromFields(value, OLLAMA_FIELDS);
}

/** Counts kept under the names of `fields`; `undefined` when neither input nor output is there. */
function fromFields(value: unknown, fields: UsageFields): RawUsage | undefined {
  if (!isDict(value)) return undefined;
  const input = count(value[fields.input]);
  const output = count(value[fields.output]);
  if (input === undefined && output === undefined) return undefined;
  const nested = fields.details === undefined ? undefined : value[fields.details];
  const details = isDict(nested) ? nested : {};
  return {
    input: input ?? 0,
    output: output ?? 0,
    total: countAt(value, fields.total),
    cacheRead: countAt(details, fields.cacheRead),
    cacheCreation: countAt(details, fields.cacheCreation),
  };
}

function fromAnthropicUsage(value: unknown): RawUsage | undefined {
  if (!isDict(value)) return undefined;
  const uncached = count(value["input_tokens"]);
  const output = count(value["output_tokens"]);
  if (uncached === undefined && output === undefined) return undefined;
  const cacheRead = count(value["cache_read_input_tokens"]);
  const cacheCreation = count(value["cache_creation_input_tokens"]);
  return {
    input: (uncached ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0),
    output: output ?? 0,
    cacheRead,
    cacheCreation,
  };
}

function fromGoogleUsage(value: unknown): RawUsage | undefined {
  if (!isDict(value)) return undefined;
  const input = count(value["promptTokenCount"]);
  const candidates = count(value["candidatesTokenCount"]);
  const thoughts = count(value["thoughtsTokenCount"]);
  const total = count(value["totalTokenCount"]);
  if (input === undefined && candidates === undefined && total === undefined) return undefined;
  return {
    input: input ?? 0,
    output: (candidates ?? 0) + (thoughts ?? 0),
    total,
    cacheRead: count(value["cachedContentTokenCount"]),
  };
}

function normalize(raw: RawUsage | undefined): TokenUsage {
  if (raw === undefined) return { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  const hidden = raw.total !== undefined ? raw.total - raw.input - raw.output : 0;
  const output = raw.output + Math.max(0, hidden);
  const usage: TokenUsage = {
    input_tokens: raw.input,
    output_tokens: output,
    total_tokens: raw.input + output,
  };
  if (raw.cacheRead !== undefined) usage.cache_read_input_tokens = raw.cacheRead;
  if (raw.cacheCreation !== undefined) usage.cache_creation_input_tokens = raw.cacheCreation;
  return usage;
}

function countAt(dict: Dict, key: string | undefined): number | undefined {
  return key === undefined ? undefined : count(dict[key]);
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null;
}
