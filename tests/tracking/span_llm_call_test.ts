import { llmCallOf } from "../../src/tracking/span_llm_call.ts";
import type { SpanRecord } from "../../src/tracking/trace_bundle.ts";
import { assertEquals } from "../_helpers/assert.ts";

function chatSpan(code: "OK" | "ERROR", attributes: Record<string, unknown>): SpanRecord {
  return {
    traceId: "ab".repeat(16),
    spanId: "1".repeat(16),
    parentSpanId: null,
    name: "ChatGoogleGenerativeAI",
    startTimeUnixNano: 0n,
    endTimeUnixNano: 1n,
    status: { code, message: code === "ERROR" ? "LlmRequestError: 400" : "" },
    attributes: { "mlflow.spanType": "CHAT_MODEL", ...attributes },
    events: [],
  };
}

Deno.test("llmCallOf() reads a failed call of an older trace as its node's model at zero cost", () => {
  const older = chatSpan("ERROR", {
    provider: "google",
    model: "gemini-2.5-flash-lite",
    attempt: 1,
  });
  assertEquals(llmCallOf(older), {
    provider: "google",
    model: "gemini-2.5-flash-lite",
    pricedAs: "google/gemini-2.5-flash-lite",
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    cost: { input_cost: 0, output_cost: 0, total_cost: 0 },
  });
});

Deno.test("llmCallOf() keeps the cost unknown for a finished call without a price", () => {
  const unpriced = chatSpan("OK", {
    "mlflow.llm.provider": "openai",
    "mlflow.llm.model": "gpt-x",
    "mlflow.chat.tokenUsage": { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
  });
  assertEquals(llmCallOf(unpriced)?.cost, undefined);
  assertEquals(llmCallOf(chatSpan("OK", {}))?.cost, undefined);
  assertEquals(llmCallOf(chatSpan("OK", {}))?.pricedAs, "unknown/ChatGoogleGenerativeAI");
});
