import { assertEquals } from "../_helpers/assert.ts";
import type { LlmConfig } from "../../src/config/schema.ts";
import { resolveModelSpec } from "../../src/llm/model_spec.ts";

const WORKFLOW: LlmConfig = {
  provider: "openai-compatible",
  model: "qwen2.5",
  temperature: 0.2,
  max_tokens: 800,
  base_url: "http://localhost:8000/v1",
};

Deno.test("resolveModelSpec() takes the workflow's settings when the node has none", () => {
  assertEquals(resolveModelSpec(WORKFLOW), {
    provider: "openai-compatible",
    model: "qwen2.5",
    temperature: 0.2,
    maxTokens: 800,
    baseUrl: "http://localhost:8000/v1",
  });
  assertEquals(resolveModelSpec({ provider: "google", model: "gemini-2.5-flash-lite" }, {}), {
    provider: "google",
    model: "gemini-2.5-flash-lite",
  });
});

Deno.test("resolveModelSpec() lets the node override field by field", () => {
  assertEquals(resolveModelSpec(WORKFLOW, { model: "llama3.2", temperature: 0 }), {
    provider: "openai-compatible",
    model: "llama3.2",
    temperature: 0,
    maxTokens: 800,
    baseUrl: "http://localhost:8000/v1",
  });
  assertEquals(resolveModelSpec(WORKFLOW, { max_tokens: 50, base_url: "http://gpu:9000/v1" }), {
    provider: "openai-compatible",
    model: "qwen2.5",
    temperature: 0.2,
    maxTokens: 50,
    baseUrl: "http://gpu:9000/v1",
  });
});

Deno.test("resolveModelSpec() reads api_base as an alias of base_url", () => {
  const v01: LlmConfig = { provider: "ollama", model: "llama3", api_base: "http://box:11434" };
  assertEquals(resolveModelSpec(v01).baseUrl, "http://box:11434");
  assertEquals(
    resolveModelSpec(v01, { api_base: "http://other:11434" }).baseUrl,
    "http://other:11434",
  );
  assertEquals(
    resolveModelSpec({ ...v01, base_url: "http://preferred:11434" }).baseUrl,
    "http://preferred:11434",
  );
});

Deno.test("resolveModelSpec() drops the workflow endpoint when the node switches provider", () => {
  assertEquals(resolveModelSpec(WORKFLOW, { provider: "anthropic", model: "claude-haiku-4-5" }), {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    temperature: 0.2,
    maxTokens: 800,
  });
  assertEquals(
    resolveModelSpec(WORKFLOW, { provider: "openai-compatible" }).baseUrl,
    "http://localhost:8000/v1",
  );
});

Deno.test("resolveModelSpec() inherits the workflow's rate limit while the node keeps its provider", () => {
  const workflow = { provider: "openai" as const, model: "gpt-4o-mini", rate_limit: { rpm: 500 } };
  assertEquals(resolveModelSpec(workflow).rateLimit, { rpm: 500 });
  assertEquals(resolveModelSpec(workflow, { model: "gpt-4o" }).rateLimit, { rpm: 500 });
  // A node's own limit replaces the workflow's whole.
  assertEquals(
    resolveModelSpec(workflow, { rate_limit: { tpm: 30_000 } }).rateLimit,
    { tpm: 30_000 },
  );
  assertEquals(resolveModelSpec(workflow, { provider: "anthropic" }).rateLimit, undefined);
});
