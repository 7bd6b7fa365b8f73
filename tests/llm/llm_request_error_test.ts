import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { LlmRequestError } from "../../src/llm/llm_request_error.ts";

Deno.test("LlmRequestError records attempts, kind and status as a LLM_REQUEST_FAILED WorkflowError", () => {
  const cause = new Error("Rate limit reached for gpt-4o\n\nTroubleshooting URL: https://x/");
  const error = new LlmRequestError({
    attempts: 4,
    kind: "rate_limit",
    status: 429,
    cause,
    nodeId: "n1",
  });
  assert(isWorkflowError(error));
  assertEquals([error.code, error.phase, error.nodeId, error.attempts, error.kind, error.status], [
    "LLM_REQUEST_FAILED",
    "execute",
    "n1",
    4,
    "rate_limit",
    429,
  ]);
  assertEquals(
    error.message,
    'Cannot complete the model request as it failed after 4 attempts (rate limit, HTTP 429): "Rate limit reached for gpt-4o"',
  );
  assertEquals(error.cause, cause);
});

Deno.test("LlmRequestError masks keys and tokens quoted by the provider", () => {
  const texts = [
    "Incorrect API key provided: sk-proj-abc123********************xyz9",
    "invalid x-api-key sk-ant-api03-AAAAAAAAAAAAAAAA",
    "API key not valid: AIzaSyA-1234567890abcdefghij",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature",
    "GET https://host/v1/models?key=supersecretvalue&alt=json failed",
  ];
  for (const text of texts) {
    const error = new LlmRequestError({
      attempts: 1,
      kind: "auth",
      status: 401,
      cause: new Error(text),
    });
    assertStringIncludes(error.message, "[REDACTED]");
    for (
      const secret of ["sk-proj-abc", "sk-ant-api03", "AIzaSyA", "eyJhbGci", "supersecretvalue"]
    ) {
      assert(!error.message.includes(secret), error.message);
    }
  }
});

Deno.test("LlmRequestError shortens a long provider message", () => {
  const error = new LlmRequestError({ attempts: 1, kind: "other", cause: "x".repeat(1000) });
  assert(error.message.length < 420, String(error.message.length));
  assertStringIncludes(error.message, '..."');
});

Deno.test("LlmRequestError quotes the causes and names a denied Deno permission", () => {
  const denied = new Error(
    'Requires net access to "api.openai.com:443", run again with the --allow-net flag',
  );
  denied.name = "NotCapable";
  const cause = new Error("Connection error.", { cause: denied });
  const error = new LlmRequestError({ attempts: 1, kind: "other", cause });
  assertEquals(
    error.message,
    'Cannot complete the model request as Deno did not grant a permission the provider call needs: "Connection error: Requires net access to "api.openai.com:443", run again with the --allow-net flag"',
  );
  assertStringIncludes(error.hint ?? "", "--allow-net=<host>");

  const refused = new Error("Connection error.", {
    cause: new TypeError(
      "error sending request: tcp connect error: Connection refused (os error 111)",
    ),
  });
  assertStringIncludes(
    new LlmRequestError({ attempts: 4, kind: "connection", cause: refused }).message,
    'after 4 attempts (connection): "Connection error: error sending request: tcp connect error: Connection refused (os error 111)"',
  );
});
