/**
 * The Deno permissions a provider needs: the hosts for `--allow-net` and the variables for
 * `--allow-env`.
 *
 * @module
 */
import type { ProviderName } from "../config/schema.ts";
import type { ModelSpec } from "./model_spec.ts";
import {
  DEFAULT_BASE_URLS,
  type EnvReader,
  hostOf,
  KEY_VARIABLES,
  OLLAMA_HOST_VARIABLE,
  ollamaBaseUrl,
} from "./_provider_endpoints.ts";

/**
 * The hosts a model talks to, as `--allow-net` entries (`host`, or `host:port` for a port
 * that is not the scheme's default): `api.openai.com`, `api.anthropic.com`,
 * `generativelanguage.googleapis.com`, the host of `base_url` when one is set, the Ollama
 * server (`base_url`, `OLLAMA_HOST` or `localhost:11434`), none for `mock` and none for an
 * `openai-compatible` model without `base_url` (it cannot run; validation reports it).
 *
 * @example Usage
 * ```ts
 * import { providerHosts } from "./mod.ts";
 * const hosts = providerHosts({ provider: "ollama", model: "llama3.2" }, () => undefined);
 * if (hosts.join() !== "localhost:11434") throw new Error(hosts.join());
 * ```
 *
 * @param spec The model.
 * @param env Reads `OLLAMA_HOST`.
 * @returns The hosts.
 * @throws {WorkflowError} `CONFIG_INVALID` when `base_url` or `OLLAMA_HOST` is not a URL.
 */
export function providerHosts(spec: ModelSpec, env: EnvReader): string[] {
  return PROVIDER_HOSTS[spec.provider](spec, env);
}

/** How each provider's hosts are found. */
const PROVIDER_HOSTS: Readonly<
  Record<ProviderName, (spec: ModelSpec, env: EnvReader) => string[]>
> = {
  openai: (spec) => [hostOf(spec.baseUrl ?? DEFAULT_BASE_URLS.openai, "base_url")],
  anthropic: (spec) => [hostOf(spec.baseUrl ?? DEFAULT_BASE_URLS.anthropic, "base_url")],
  google: (spec) => [hostOf(spec.baseUrl ?? DEFAULT_BASE_URLS.google, "base_url")],
  ollama: (spec, env) => [hostOf(ollamaBaseUrl(spec.baseUrl, env), "base_url")],
  "openai-compatible": (spec) =>
    spec.baseUrl === undefined ? [] : [hostOf(spec.baseUrl, "base_url")],
  mock: () => [],
};

/**
 * The environment variables a provider reads, for `--allow-env`: its key variables
 * (`OPENAI_API_KEY`; `OPENAI_COMPATIBLE_API_KEY`; `ANTHROPIC_API_KEY`; `GOOGLE_API_KEY` and
 * `GEMINI_API_KEY`), and `OLLAMA_HOST` for Ollama; none for `mock`.
 *
 * @example Usage
 * ```ts
 * import { providerEnvVars } from "./mod.ts";
 * if (providerEnvVars("google").join() !== "GOOGLE_API_KEY,GEMINI_API_KEY") throw new Error();
 * ```
 *
 * @param provider A provider name.
 * @returns The variable names.
 */
export function providerEnvVars(provider: ProviderName): string[] {
  return provider === "ollama" ? [OLLAMA_HOST_VARIABLE] : [...KEY_VARIABLES[provider]];
}
