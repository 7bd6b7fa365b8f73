/**
 * Where a model's requests go (`base_url`, an endpoint variable or the provider's public API),
 * and whether its key then leaves the provider: shared by the model factories, the permission
 * report and validation. Light: no LangChain import.
 *
 * @module
 */
import type { ProviderName } from "../config/schema.ts";
import {
  DEFAULT_BASE_URLS,
  ENDPOINT_VARIABLES,
  type EnvReader,
  firstSet,
  KEY_VARIABLES,
  OLLAMA_HOST_VARIABLE,
  ollamaBaseUrl,
} from "./_provider_endpoints.ts";

/** Where a model's requests go, and the setting that said so. */
export interface ProviderEndpoint {
  /** The endpoint URL. */
  readonly url: string;
  /** `base_url`, the variable it came from, or `default`. */
  readonly setting: string;
}

/**
 * The endpoint of a model: `base_url`, else the provider's variable (`OPENAI_BASE_URL`,
 * `ANTHROPIC_BASE_URL`, `OLLAMA_HOST`), else the provider's public API (Ollama: localhost).
 *
 * @example Usage
 * ```ts
 * import { providerEndpoint } from "./provider_endpoint.ts";
 * const env = (name: string) => name === "OPENAI_BASE_URL" ? "https://proxy.example.com/v1" : undefined;
 * const endpoint = providerEndpoint({ provider: "openai" }, env);
 * if (endpoint?.url !== "https://proxy.example.com/v1" || endpoint.setting !== "OPENAI_BASE_URL") {
 *   throw new Error();
 * }
 * ```
 *
 * @param spec The provider and the workflow's `base_url`.
 * @param env Reads the endpoint variables.
 * @returns The endpoint, or `undefined` for `mock` and for `openai-compatible` without
 * `base_url`.
 * @throws {WorkflowError} `CONFIG_INVALID` when an Ollama endpoint is not a URL.
 */
export function providerEndpoint(
  spec: { readonly provider: ProviderName; readonly baseUrl?: string | undefined },
  env: EnvReader,
): ProviderEndpoint | undefined {
  const { provider, baseUrl } = spec;
  if (provider === "ollama") {
    const variable = baseUrl === undefined && firstSet(env, [OLLAMA_HOST_VARIABLE]);
    return {
      url: ollamaBaseUrl(baseUrl, env),
      setting: baseUrl !== undefined ? "base_url" : variable ? OLLAMA_HOST_VARIABLE : "default",
    };
  }
  if (baseUrl !== undefined) return { url: baseUrl, setting: "base_url" };
  const variable = ENDPOINT_VARIABLES[provider];
  const fromEnv = variable === undefined ? undefined : firstSet(env, [variable]);
  if (fromEnv !== undefined && variable !== undefined) return { url: fromEnv, setting: variable };
  const fallback = (DEFAULT_BASE_URLS as Partial<Record<ProviderName, string>>)[provider];
  return fallback === undefined ? undefined : { url: fallback, setting: "default" };
}

/** Where a provider's key goes when that is not the provider's own API. */
export interface ForeignKeyDestination {
  /** The variables holding the key. */
  readonly keys: readonly string[];
  /** The host the key is sent to. */
  readonly host: string;
  /** The setting that chose it: `base_url` or a variable. */
  readonly setting: string;
  /** The provider's own host. */
  readonly ownHost: string;
}

/**
 * Tells when a provider's key (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GOOGLE_API_KEY`) would
 * be sent to a host other than the provider's own API, because `base_url` or an endpoint
 * variable points elsewhere: a proxy may be meant, but the key goes there with every call.
 *
 * @example Usage
 * ```ts
 * import { foreignKeyDestination } from "./provider_endpoint.ts";
 * const none = () => undefined;
 * const proxied = foreignKeyDestination({ provider: "openai", baseUrl: "https://llm.example.com/v1" }, none);
 * if (proxied?.host !== "llm.example.com" || proxied.keys[0] !== "OPENAI_API_KEY") throw new Error();
 * if (foreignKeyDestination({ provider: "openai" }, none) !== undefined) throw new Error();
 * ```
 *
 * @param spec The provider and the workflow's `base_url`.
 * @param env Reads the endpoint variables.
 * @returns The destination, or `undefined` when the key stays with its provider, the provider
 * has no key, or the endpoint is not a URL (reported elsewhere).
 */
export function foreignKeyDestination(
  spec: { readonly provider: ProviderName; readonly baseUrl?: string | undefined },
  env: EnvReader,
): ForeignKeyDestination | undefined {
  const own = (DEFAULT_BASE_URLS as Partial<Record<ProviderName, string>>)[spec.provider];
  const keys = KEY_VARIABLES[spec.provider];
  if (own === undefined || keys.length === 0) return undefined;
  const endpoint = providerEndpoint(spec, env);
  if (endpoint === undefined) return undefined;
  let host: string;
  try {
    host = new URL(endpoint.url).host;
  } catch {
    return undefined;
  }
  const ownHost = new URL(own).host;
  return host === ownHost ? undefined : { keys, host, setting: endpoint.setting, ownHost };
}
