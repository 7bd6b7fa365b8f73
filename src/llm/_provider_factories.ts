/**
 * One factory per provider: each checks its settings, imports its LangChain integration lazily
 * (only the one used is loaded) and builds the chat model with every built-in retry off.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ProviderName } from "../config/schema.ts";
import { WorkflowError } from "../errors.ts";
import type { ModelSpec } from "./model_spec.ts";
import type { MockChatModelOptions } from "./mock_chat_model.ts";
import { type EnvReader, firstSet, KEY_VARIABLES } from "./_provider_endpoints.ts";
import { providerEndpoint } from "./provider_endpoint.ts";

/** What a provider factory builds from. */
export interface ProviderContext {
  /** The model. */
  spec: ModelSpec;
  /** Reads the key variables. */
  env: EnvReader;
  /** HTTP client for the SDK, where the integration accepts one. */
  fetch: typeof fetch | undefined;
  /** Per-request timeout, where the integration accepts one. */
  timeoutMs: number | undefined;
  /** Settings of the mock model. */
  mock: Omit<MockChatModelOptions, "modelName">;
}

/** Builds the chat model of one provider. */
export type ProviderFactory = (context: ProviderContext) => Promise<BaseChatModel>;

/** Placeholder key for openai-compatible servers that need none (the SDK insists on one). */
const NO_KEY = "not-needed";

/**
 * The factory of each provider. Retries are off everywhere (`maxRetries: 0` for LangChain's
 * caller; the SDK clients are built with `maxRetries: 0` by the integrations): retries are
 * `retryWithBackoff`'s. Every endpoint is resolved here (`base_url`, else `OPENAI_BASE_URL`,
 * `ANTHROPIC_BASE_URL` or `OLLAMA_HOST` read through `env`, else the public API) and passed
 * explicitly, so the endpoints are exactly those the permission report names.
 */
export const PROVIDER_FACTORIES: Readonly<Record<ProviderName, ProviderFactory>> = {
  openai: ({ spec, env, fetch, timeoutMs }) =>
    openAIModel(spec, requireKey("openai", env), endpointOf(spec, env), { fetch, timeoutMs }),

  "openai-compatible": ({ spec, env, fetch, timeoutMs }) => {
    if (spec.baseUrl === undefined) {
      throw new WorkflowError(
        "CONFIG_INVALID",
        `Cannot create model "${spec.model}" as provider "openai-compatible" needs a base_url`,
        {
          phase: "execute",
          hint: 'Set llm.base_url to the server\'s endpoint, such as "http://localhost:8000/v1"',
        },
      );
    }
    const key = firstSet(env, KEY_VARIABLES["openai-compatible"]) ?? NO_KEY;
    return openAIModel(spec, key, spec.baseUrl, { fetch, timeoutMs });
  },

  anthropic: async ({ spec, env, fetch, timeoutMs }) => {
    const apiKey = requireKey("anthropic", env);
    const { ChatAnthropic } = await import("@langchain/anthropic");
    return new ChatAnthropic({
      model: spec.model,
      apiKey,
      anthropicApiUrl: endpointOf(spec, env),
      maxRetries: 0,
      ...optional("temperature", spec.temperature),
      ...optional("maxTokens", spec.maxTokens),
      clientOptions: {
        maxRetries: 0,
        ...optional("fetch", fetch),
        ...optional("timeout", timeoutMs),
      },
    });
  },

  // The Google integration hands the SDK neither a fetch nor a timeout: requests use the global
  // fetch, and the call's AbortSignal (which LangChain races against the request) bounds them.
  google: async ({ spec, env }) => {
    const apiKey = requireKey("google", env);
    const { ChatGoogleGenerativeAI } = await import("@langchain/google-genai");
    return new ChatGoogleGenerativeAI({
      model: spec.model,
      apiKey,
      baseUrl: endpointOf(spec, env),
      maxRetries: 0,
      ...optional("temperature", spec.temperature),
      ...optional("maxOutputTokens", spec.maxTokens),
    });
  },

  ollama: async ({ spec, env, fetch, timeoutMs }) => {
    const baseUrl = endpointOf(spec, env);
    const { ChatOllama } = await import("@langchain/ollama");
    const client = fetch ?? ((input, init) => globalThis.fetch(input, init));
    return new ChatOllama({
      model: spec.model,
      baseUrl,
      maxRetries: 0,
      fetch: timeoutMs === undefined ? client : withTimeout(client, timeoutMs),
      ...optional("temperature", spec.temperature),
      ...optional("numPredict", spec.maxTokens),
    });
  },

  mock: async ({ spec, mock }) => {
    const { MockChatModel } = await import("./mock_chat_model.ts");
    return new MockChatModel({ ...mock, modelName: spec.model });
  },
};

/** The endpoint of a provider that always has one (openai, anthropic, google, ollama). */
function endpointOf(spec: ModelSpec, env: EnvReader): string {
  const endpoint = providerEndpoint(spec, env);
  if (endpoint === undefined) {
    throw new TypeError(`Cannot find the endpoint of provider "${spec.provider}"`);
  }
  return endpoint.url;
}

async function openAIModel(
  spec: ModelSpec,
  apiKey: string,
  baseURL: string,
  options: { fetch: typeof fetch | undefined; timeoutMs: number | undefined },
): Promise<BaseChatModel> {
  const { ChatOpenAI } = await import("@langchain/openai");
  return new ChatOpenAI({
    model: spec.model,
    apiKey,
    maxRetries: 0,
    ...optional("temperature", spec.temperature),
    ...optional("maxTokens", spec.maxTokens),
    ...optional("timeout", options.timeoutMs),
    configuration: { baseURL, maxRetries: 0, ...optional("fetch", options.fetch) },
  });
}

/**
 * The provider's key from the first of its variables that is set.
 *
 * @throws {WorkflowError} `MISSING_CREDENTIALS` naming the variables; never the key.
 */
function requireKey(provider: ProviderName, env: EnvReader): string {
  const variables = KEY_VARIABLES[provider];
  const key = firstSet(env, variables);
  if (key !== undefined) return key;
  const names = variables.map((name) => `"${name}"`).join(" or ");
  const first = variables[0] ?? "";
  throw new WorkflowError(
    "MISSING_CREDENTIALS",
    `Cannot call provider "${provider}" as its API key is missing: set ${names} in the environment`,
    {
      phase: "execute",
      hint: `Run "export ${first}=<your key>" in the shell, or put ${first}=<your key> in a .env ` +
        `file and pass --env-file; allow reading it with --allow-env=${variables.join(",")}`,
    },
  );
}

/**
 * `fetch` that aborts a request still running after `timeoutMs` (a `TimeoutError`). The timer
 * of `AbortSignal.timeout` never keeps the process alive.
 */
function withTimeout(client: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return client(input, { ...init, signal });
  };
}

/** `{ [key]: value }`, or `{}` when the value is undefined (for exact optional properties). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : { [key]: value } as { [P in K]?: V };
}
