/**
 * The chat model one node uses: the workflow's `config.llm` with the node's `llm` overrides.
 *
 * @module
 */
import type { LlmConfig, LlmOverride, ProviderName, RateLimitConfig } from "../config/schema.ts";

/** Everything needed to build the chat model of one node. */
export interface ModelSpec {
  /** Provider the model is built for. */
  provider: ProviderName;
  /** Model name as the provider knows it. */
  model: string;
  /** Sampling temperature (0..2); the provider's default when absent. */
  temperature?: number;
  /** Most tokens the model may generate; the provider's default when absent. */
  maxTokens?: number;
  /** Endpoint of an openai-compatible or ollama server, or a proxy of the others. */
  baseUrl?: string;
  /** Requests and tokens per minute allowed for this provider and model; unlimited when absent. */
  rateLimit?: RateLimitConfig;
}

/**
 * Resolves the model of a node: each field the node sets overrides the workflow's, one by
 * one. `api_base` is an alias of `base_url` (`base_url` wins when both are set at one level).
 * A workflow-level endpoint and rate limit are inherited only while the node keeps the
 * workflow's provider: a node that switches to another provider never sends its requests to the
 * other provider's server, nor takes its limits. A node's `rate_limit` replaces the workflow's
 * whole.
 *
 * @example Usage
 * ```ts
 * import { resolveModelSpec } from "./model_spec.ts";
 * const spec = resolveModelSpec(
 *   { provider: "openai", model: "gpt-4o-mini", temperature: 0.2 },
 *   { model: "gpt-4o" },
 * );
 * if (spec.model !== "gpt-4o" || spec.temperature !== 0.2) throw new Error("not overridden");
 * ```
 *
 * @param workflowLlm The workflow's `config.llm`, defaults applied.
 * @param nodeLlm The node's `llm` overrides, when it has any.
 * @returns The model spec of the node.
 */
export function resolveModelSpec(workflowLlm: LlmConfig, nodeLlm?: LlmOverride): ModelSpec {
  const provider = nodeLlm?.provider ?? workflowLlm.provider;
  const keepsProvider = provider === workflowLlm.provider;
  const spec: ModelSpec = { provider, model: nodeLlm?.model ?? workflowLlm.model };
  const temperature = nodeLlm?.temperature ?? workflowLlm.temperature;
  if (temperature !== undefined) spec.temperature = temperature;
  const maxTokens = nodeLlm?.max_tokens ?? workflowLlm.max_tokens;
  if (maxTokens !== undefined) spec.maxTokens = maxTokens;
  const baseUrl = endpointOf(nodeLlm) ?? (keepsProvider ? endpointOf(workflowLlm) : undefined);
  if (baseUrl !== undefined) spec.baseUrl = baseUrl;
  const rateLimit = nodeLlm?.rate_limit ?? (keepsProvider ? workflowLlm.rate_limit : undefined);
  if (rateLimit !== undefined) spec.rateLimit = rateLimit;
  return spec;
}

function endpointOf(llm: LlmOverride | undefined): string | undefined {
  return llm?.base_url ?? llm?.api_base;
}
