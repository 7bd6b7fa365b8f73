/**
 * Names and value sets of the workflow file that several parts of the toolkit share.
 *
 * @module
 */

/** Name of the graph's entry point; edges start there and it is not a node. */
export const START = "START";
/** Name of the graph's exit point; edges end there and it is not a node. */
export const END = "END";

/** Providers the engine can build a chat model for. */
export const PROVIDERS = [
  "openai",
  "anthropic",
  "google",
  "ollama",
  "openai-compatible",
  "mock",
] as const;

/** A provider name. */
export type ProviderName = (typeof PROVIDERS)[number];

/** Default provider, kept from configurable-agents v0.1. */
export const DEFAULT_PROVIDER = "google";
/** Default model, kept from configurable-agents v0.1. */
export const DEFAULT_MODEL = "gemini-2.5-flash-lite";

/** Artifact levels of the MLflow run. */
export const ARTIFACT_LEVELS = ["minimal", "standard", "full"] as const;

/** Log levels, upper-cased on input as v0.1 did. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;

/** Schemes a `tracking_uri` may use. */
export const TRACKING_URI_SCHEMES = ["sqlite", "http", "https"] as const;

/**
 * Most bytes a workflow file, prompt file or `--input-file` may hold (4 MiB), and most
 * characters a workflow text given directly may have. Far above any real workflow (one with
 * 40,000 state fields is about 1 MB), and small enough that reading and parsing stay quick.
 */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
