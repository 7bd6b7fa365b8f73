/**
 * Builds the LangChain chat model of a {@linkcode ModelSpec}.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelSpec } from "./model_spec.ts";
import type { MockChatModelOptions } from "./mock_chat_model.ts";
import { ensureLangsmithOffline } from "./ensure_langsmith_offline.ts";
import { PROVIDER_FACTORIES } from "./_provider_factories.ts";

/** Options of {@linkcode createChatModel}. */
export interface CreateChatModelOptions {
  /** Reads an environment variable (the provider's key, `OLLAMA_HOST`); `undefined` when unset. */
  env: (name: string) => string | undefined;
  /**
   * HTTP client of the provider SDK: used by openai, openai-compatible, anthropic and ollama;
   * the Google integration has no way to take one and uses the global fetch.
   * @default the global fetch
   */
  fetch?: typeof fetch;
  /**
   * Time limit of each request in milliseconds, a positive number: enforced by the OpenAI and
   * Anthropic SDKs and by a fetch wrapper for Ollama; the Google integration takes none (bound
   * its calls with the call's `signal`).
   * @default undefined (no limit besides the call's signal)
   */
  timeoutMs?: number;
  /**
   * Seed, latency and sleep of the mock model (its model name is `spec.model`).
   * @default {}
   */
  mock?: Omit<MockChatModelOptions, "modelName">;
}

/**
 * Builds the chat model of `spec` from the provider's LangChain.js integration, imported only
 * when used: `ChatOpenAI` (openai, key `OPENAI_API_KEY`), `ChatOpenAI` with `base_url`
 * (openai-compatible, key `OPENAI_COMPATIBLE_API_KEY` when set, else a placeholder, as local
 * servers need none; the OpenAI key is never sent to another server), `ChatAnthropic`
 * (`ANTHROPIC_API_KEY`), `ChatGoogleGenerativeAI` (`GOOGLE_API_KEY` or `GEMINI_API_KEY`),
 * `ChatOllama` (`base_url`, `OLLAMA_HOST` or `http://localhost:11434`) and
 * {@linkcode MockChatModel} (`mock`). A `base_url` wins, else `OPENAI_BASE_URL` (openai) or
 * `ANTHROPIC_BASE_URL` (anthropic) when set, else the provider's public API: the provider's key
 * goes to that endpoint.
 *
 * Every built-in retry of the LangChain classes and their SDK clients is off (`maxRetries: 0`):
 * wrap calls in {@linkcode retryWithBackoff}. Building makes no request. It first calls
 * {@linkcode ensureLangsmithOffline}.
 *
 * @example Usage
 * ```ts
 * import { createChatModel } from "./create_chat_model.ts";
 * const model = await createChatModel({ provider: "mock", model: "gpt-4o-mini" }, {
 *   env: () => undefined,
 * });
 * const reply = await model.invoke("Say something about tide pools");
 * if (typeof reply.content !== "string" || !reply.content.includes("tide pools")) throw new Error();
 * ```
 *
 * @param spec The model.
 * @param options Environment, fetch, request timeout and mock settings.
 * @returns The chat model.
 * @throws {WorkflowError} `MISSING_CREDENTIALS` (phase `execute`) when the provider's key
 *   variable is unset, naming the variable; `CONFIG_INVALID` when `openai-compatible` has no
 *   `base_url` or an endpoint is not a URL.
 * @throws {RangeError} When `timeoutMs` is not a positive number.
 */
export async function createChatModel(
  spec: ModelSpec,
  options: CreateChatModelOptions,
): Promise<BaseChatModel> {
  const { env, fetch, timeoutMs, mock = {} } = options;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(
      `Cannot create the model as timeoutMs must be a positive number: received "${timeoutMs}"`,
    );
  }
  ensureLangsmithOffline();
  return await PROVIDER_FACTORIES[spec.provider]({ spec, env, fetch, timeoutMs, mock });
}
