/**
 * The one token estimate of the toolkit, used where no provider counts tokens (the mock model).
 *
 * @module
 */

/** Characters per token of the estimate: the usual rule of thumb for English text and JSON. */
export const CHARS_PER_TOKEN = 4;

/**
 * Estimates how many tokens a text is: `ceil(length / 4)`, counted in UTF-16 code units, so an
 * empty text is 0 tokens and any other text at least 1. It is a heuristic of the size of
 * English prose and JSON under the tokenizers of current OpenAI, Anthropic and Google models
 * (which average 3.5 to 4.5 characters a token), not a tokenizer.
 *
 * @example Usage
 * ```ts
 * import { estimateTokens } from "./estimate_tokens.ts";
 * if (estimateTokens("") !== 0 || estimateTokens("tide pools") !== 3) throw new Error();
 * ```
 *
 * @param text Any text.
 * @returns The estimated number of tokens.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
