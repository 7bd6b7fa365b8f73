import { AIMessage } from "@langchain/core/messages";
import { assertEquals } from "../_helpers/assert.ts";
import { readTokenUsage } from "../../src/llm/read_token_usage.ts";
import { GEMINI_USAGE, GEMINI_USAGE_READ } from "./_provider_fakes.ts";

/** Anthropic's 20 uncached, 100 cache-read and 50 cache-written prompt tokens, as read. */
const ANTHROPIC_USAGE_READ = {
  input_tokens: 170,
  output_tokens: 10,
  total_tokens: 180,
  cache_read_input_tokens: 100,
  cache_creation_input_tokens: 50,
};

/** An AIMessage with the given fields (cast: core 1.4 types `usage_metadata` as never). */
function aiMessage(fields: Record<string, unknown>): AIMessage {
  return new AIMessage(
    { content: "answer", ...fields } as ConstructorParameters<typeof AIMessage>[0],
  );
}

Deno.test("readTokenUsage() reads usage_metadata with cache details", () => {
  const message = aiMessage({
    usage_metadata: {
      input_tokens: 170,
      output_tokens: 10,
      total_tokens: 180,
      input_token_details: { cache_read: 100, cache_creation: 50 },
    },
    response_metadata: { usage: { prompt_tokens: 1, completion_tokens: 1 } },
  });
  assertEquals(readTokenUsage(message), ANTHROPIC_USAGE_READ);
});

Deno.test("readTokenUsage() falls back to OpenAI's usage in response_metadata", () => {
  const message = aiMessage({
    response_metadata: {
      model_name: "gpt-4o-mini",
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 80,
        total_tokens: 1280,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    },
  });
  assertEquals(readTokenUsage(message), {
    input_tokens: 1200,
    output_tokens: 80,
    total_tokens: 1280,
    cache_read_input_tokens: 1024,
  });
});

Deno.test("readTokenUsage() adds Anthropic's cache reads and writes to the input", () => {
  const message = aiMessage({
    response_metadata: {
      model: "claude-sonnet-4-5",
      usage: {
        input_tokens: 20,
        output_tokens: 10,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 50,
      },
    },
  });
  assertEquals(readTokenUsage(message), ANTHROPIC_USAGE_READ);
});

Deno.test("readTokenUsage() reads Google's usageMetadata, thinking tokens as output", () => {
  const message = aiMessage({ response_metadata: { usageMetadata: GEMINI_USAGE } });
  assertEquals(readTokenUsage(message), GEMINI_USAGE_READ);
});

Deno.test("readTokenUsage() adds a total beyond input and output to the output", () => {
  // How ChatGoogleGenerativeAI reports a thinking model: candidates only, thoughts in the total.
  const message = aiMessage({
    usage_metadata: { input_tokens: 200, output_tokens: 20, total_tokens: 250 },
  });
  assertEquals(readTokenUsage(message), {
    input_tokens: 200,
    output_tokens: 50,
    total_tokens: 250,
  });
});

Deno.test("readTokenUsage() reads LangChain's tokenUsage and Ollama's counts", () => {
  assertEquals(
    readTokenUsage({
      response_metadata: { tokenUsage: { promptTokens: 9, completionTokens: 3, totalTokens: 12 } },
    }),
    { input_tokens: 9, output_tokens: 3, total_tokens: 12 },
  );
  assertEquals(
    readTokenUsage({
      response_metadata: { model: "llama3.2", prompt_eval_count: 26, eval_count: 5 },
    }),
    { input_tokens: 26, output_tokens: 5, total_tokens: 31 },
  );
});

Deno.test("readTokenUsage() is all zeros when nothing is reported", () => {
  const zeros = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  assertEquals(readTokenUsage(aiMessage({})), zeros);
  assertEquals(readTokenUsage(undefined), zeros);
  assertEquals(readTokenUsage("text"), zeros);
  assertEquals(
    readTokenUsage({ usage_metadata: { input_tokens: "12", output_tokens: -1 } }),
    zeros,
  );
});
