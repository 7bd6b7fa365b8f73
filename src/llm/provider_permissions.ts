/**
 * The Deno permissions a provider needs: the hosts for `--allow-net` and the variables for
 * `--allow-env`.
 *
 * @module
 */
import type { ProviderName } from "../config/schema.ts";
import type { ModelSpec } from "./model_spec.ts";
import {
  ENDPOINT_VARIABLES,
  type EnvReader,
  hostOf,
  KEY_VARIABLES,
} from "./_provider_endpoints.ts";
import { providerEndpoint } from "./provider_endpoint.ts";

/**
 * The hosts a model talks to, as `--allow-net` entries (`host`, or `host:port` for a port
 * that is not the scheme's default): the host of `base_url` when one is set, else of
 * `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL` or `OLLAMA_HOST` when set, else `api.openai.com`,
 * `api.anthropic.com`, `generativelanguage.googleapis.com` or `localhost:11434`; none for
 * `mock` and none for an `openai-compatible` model without `base_url` (it cannot run;
 * validation reports it).
 *
 * @example Usage
 * ```ts
 * import { providerHosts } from "./provider_permissions.ts";
 * const hosts = providerHosts({ provider: "ollama", model: "llama3.2" }, () => undefined);
 * if (hosts.join() !== "localhost:11434") throw new Error(hosts.join());
 * ```
 *
 * @param spec The model.
 * @param env Reads the endpoint variables.
 * @returns The hosts.
 * @throws {WorkflowError} `CONFIG_INVALID` when `base_url` or an endpoint variable is not a
 * URL.
 */
export function providerHosts(spec: ModelSpec, env: EnvReader): string[] {
  const endpoint = providerEndpoint(spec, env);
  return endpoint === undefined ? [] : [hostOf(endpoint.url, endpoint.setting)];
}

/**
 * The environment variables a provider reads, for `--allow-env`: its key variables
 * (`OPENAI_API_KEY`; `OPENAI_COMPATIBLE_API_KEY`; `ANTHROPIC_API_KEY`; `GOOGLE_API_KEY` and
 * `GEMINI_API_KEY`) and its endpoint variable (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`,
 * `OLLAMA_HOST`); none for `mock`.
 *
 * @example Usage
 * ```ts
 * import { providerEnvVars } from "./provider_permissions.ts";
 * if (providerEnvVars("google").join() !== "GOOGLE_API_KEY,GEMINI_API_KEY") throw new Error();
 * ```
 *
 * @param provider A provider name.
 * @returns The variable names.
 */
export function providerEnvVars(provider: ProviderName): string[] {
  const endpoint = ENDPOINT_VARIABLES[provider];
  return [...KEY_VARIABLES[provider], ...(endpoint === undefined ? [] : [endpoint])];
}
