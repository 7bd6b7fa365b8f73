import { assertEquals } from "../_helpers/assert.ts";
import { CHARS_PER_TOKEN, estimateTokens } from "../../src/llm/estimate_tokens.ts";

Deno.test("estimateTokens() is ceil(length / 4)", () => {
  assertEquals(CHARS_PER_TOKEN, 4);
  assertEquals(estimateTokens(""), 0);
  assertEquals(estimateTokens("a"), 1);
  assertEquals(estimateTokens("abcd"), 1);
  assertEquals(estimateTokens("abcde"), 2);
  assertEquals(estimateTokens("x".repeat(4000)), 1000);
});
