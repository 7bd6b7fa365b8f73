/**
 * The llm area: chat models of every provider (and the mock), their token usage, and the
 * classification and retrying of provider errors.
 *
 * @module
 */
export { resolveModelSpec } from "./model_spec.ts";
export type { ModelSpec } from "./model_spec.ts";
export { createChatModel } from "./create_chat_model.ts";
export type { CreateChatModelOptions } from "./create_chat_model.ts";
export { providerEnvVars, providerHosts } from "./provider_permissions.ts";
export { MockChatModel } from "./mock_chat_model.ts";
export { MAX_MOCK_LATENCY_MS } from "./mock_latency.ts";
export type {
  MockChatModelCallOptions,
  MockChatModelOptions,
  MockScript,
} from "./mock_chat_model.ts";
export { CHARS_PER_TOKEN, estimateTokens } from "./estimate_tokens.ts";
export { readTokenUsage } from "./read_token_usage.ts";
export { classifyProviderError } from "./classify_provider_error.ts";
export type {
  ClassifyProviderErrorOptions,
  ProviderErrorInfo,
  ProviderErrorKind,
} from "./classify_provider_error.ts";
export { retryWithBackoff } from "./retry_with_backoff.ts";
export type { RetryInfo, RetryWithBackoffOptions } from "./retry_with_backoff.ts";
export { LlmRequestError } from "./llm_request_error.ts";
export type { LlmRequestErrorOptions } from "./llm_request_error.ts";
export { ensureLangsmithOffline } from "./ensure_langsmith_offline.ts";
export type { Sleep } from "./_abortable_sleep.ts";
export type { EnvReader } from "./_provider_endpoints.ts";
export { RateLimits, withRateLimit } from "./rate_limits.ts";
export type {
  RateLimit,
  RateLimitedCall,
  RateLimiter,
  RateLimitOutcome,
  RateLimitPermit,
  RateLimitsOptions,
} from "./rate_limits.ts";
