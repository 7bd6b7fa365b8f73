/**
 * Masks values that look like API keys or tokens, for text taken from a provider's error.
 *
 * @module
 */

/** Shapes of provider keys and tokens that error texts are known to echo. */
const SECRET_PATTERNS: readonly RegExp[] = [
  // OpenAI and Anthropic keys (sk-..., sk-proj-..., sk-ant-...), also when partly masked.
  /\bsk-[A-Za-z0-9_*-]{6,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{10,}/g,
  // Bearer tokens and basic credentials.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // key=value query parameters.
  /([?&](?:key|api_key|apikey|token|access_token)=)[^&\s"']+/gi,
];

/**
 * Replaces every substring that looks like a secret with `[REDACTED]`.
 *
 * @param text Text that may contain a key, such as an SDK error message.
 * @returns The text with secrets masked.
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (_match: string, prefix: unknown) => {
      if (typeof prefix === "string" && /^(Bearer|Basic)$/i.test(prefix)) {
        return `${prefix} [REDACTED]`;
      }
      if (typeof prefix === "string" && prefix.endsWith("=")) return `${prefix}[REDACTED]`;
      return "[REDACTED]";
    });
  }
  return result;
}
