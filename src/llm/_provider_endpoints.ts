/**
 * Where each provider is reached and which variables hold its key: shared by the model factory
 * and the permission report, so both always name the same hosts and variables.
 *
 * @module
 */
import type { ProviderName } from "../config/schema.ts";
import { WorkflowError } from "../errors.ts";

/** Reads an environment variable; `undefined` when unset or not permitted. */
export type EnvReader = (name: string) => string | undefined;

/** Endpoints used when the workflow sets no `base_url`. */
export const DEFAULT_BASE_URLS = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  google: "https://generativelanguage.googleapis.com",
  ollama: "http://localhost:11434",
} as const;

/**
 * Variables that hold each provider's key, in the order they are read. An openai-compatible
 * server gets its own variable: the OpenAI key is never sent to a server other than OpenAI's.
 */
export const KEY_VARIABLES: Readonly<Record<ProviderName, readonly string[]>> = {
  openai: ["OPENAI_API_KEY"],
  "openai-compatible": ["OPENAI_COMPATIBLE_API_KEY"],
  anthropic: ["ANTHROPIC_API_KEY"],
  google: ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
  ollama: [],
  mock: [],
};

/** The variable that locates the Ollama server when no `base_url` is set. */
export const OLLAMA_HOST_VARIABLE = "OLLAMA_HOST";

/**
 * Variables that name a provider's endpoint when the workflow sets no `base_url`, as the
 * provider's own SDK or CLI reads them. `openai-compatible` needs its `base_url` in the file.
 */
export const ENDPOINT_VARIABLES: Readonly<Partial<Record<ProviderName, string>>> = {
  openai: "OPENAI_BASE_URL",
  anthropic: "ANTHROPIC_BASE_URL",
  ollama: OLLAMA_HOST_VARIABLE,
};

const OLLAMA_DEFAULT_PORT = "11434";

/**
 * The first non-empty value among `names`.
 *
 * @param env Reads a variable.
 * @param names Variables to try, in order.
 * @returns The value, or `undefined` when none is set.
 */
export function firstSet(env: EnvReader, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env(name)?.trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * The Ollama endpoint: `base_url`, else `OLLAMA_HOST`, else `http://localhost:11434`. A value
 * without a scheme gets `http://`, and one without a port (and without a scheme) gets 11434,
 * as the Ollama CLI reads `OLLAMA_HOST`.
 *
 * @param baseUrl The workflow's `base_url`, when set.
 * @param env Reads `OLLAMA_HOST`.
 * @returns The endpoint URL with an explicit port and no trailing slash.
 * @throws {WorkflowError} `CONFIG_INVALID` when the value is not a URL.
 */
export function ollamaBaseUrl(baseUrl: string | undefined, env: EnvReader): string {
  const raw = baseUrl ?? firstSet(env, [OLLAMA_HOST_VARIABLE]) ?? DEFAULT_BASE_URLS.ollama;
  const explicitScheme = raw.includes("://");
  const withScheme = raw.startsWith(":")
    ? `http://localhost${raw}`
    : explicitScheme
    ? raw
    : `http://${raw}`;
  const url = parseUrl(withScheme, baseUrl === undefined ? OLLAMA_HOST_VARIABLE : "base_url");
  if (url.port === "" && !explicitScheme) url.port = OLLAMA_DEFAULT_PORT;
  return url.href.replace(/\/+$/, "");
}

/**
 * The `--allow-net` entry of a URL: `host` for a default port, `host:port` otherwise.
 *
 * @param value A URL.
 * @param setting The setting it came from, for the error message.
 * @returns The host, with the port when it is not the scheme's default.
 * @throws {WorkflowError} `CONFIG_INVALID` when the value is not a URL.
 */
export function hostOf(value: string, setting: string): string {
  return parseUrl(value, setting).host;
}

function parseUrl(value: string, setting: string): URL {
  try {
    return new URL(value);
  } catch (error) {
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot reach the model server as ${setting} "${value}" is not a URL`,
      { phase: "execute", hint: "Write it as http://host:port or https://host", cause: error },
    );
  }
}
