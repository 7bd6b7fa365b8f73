/**
 * The summary of `run --input-file`: cost, tokens and the 429s a batch absorbed, for people
 * and with `--json`, from a real `@langchain/openai` client against a loopback server.
 */
import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertMatch } from "../_helpers/assert.ts";
import { openAIError, startFakeOpenAIServer } from "../_helpers/fake_openai_server.ts";
import { answerWith } from "../faults/_fixtures/provider_harness.ts";
import { tempDir, testIO } from "../runtime/_helpers.ts";

function workflow(baseUrl: string): string {
  return [
    'schema_version: "1.0"',
    "flow: { name: summarized }",
    "state:",
    "  fields:",
    "    message: { type: str, required: true }",
    "    reply: { type: str }",
    "nodes:",
    '  - { id: draft, prompt: "Reply to {state.message}", outputs: [reply] }',
    "edges:",
    "  - { from: START, to: draft }",
    "  - { from: draft, to: END }",
    "config:",
    "  llm: { provider: openai, model: gpt-4o-mini, base_url: " + JSON.stringify(baseUrl) + " }",
    "",
  ].join("\n");
}

/** Runs a 3-record batch whose first two requests are refused with 429. */
async function refusedTwice(...args: string[]) {
  await using server = startFakeOpenAIServer({
    responses: [
      openAIError(429, "Rate limit reached", { "retry-after-ms": "1" }),
      openAIError(429, "Rate limit reached", { "retry-after-ms": "1" }),
    ],
    fallback: answerWith("hello"),
  });
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/flow.yaml`, workflow(server.baseUrl));
  await Deno.writeTextFile(
    `${dir.path}/items.jsonl`,
    ['{"message": "a"}', '{"message": "b"}', '{"message": "c"}', ""].join("\n"),
  );
  const io = testIO({ cwd: dir.path, env: { OPENAI_API_KEY: "sk-test" } });
  const code = await main([
    "run",
    `${dir.path}/flow.yaml`,
    "--input-file",
    `${dir.path}/items.jsonl`,
    "--concurrency",
    "1",
    "--no-tracking",
    ...args,
  ], io);
  return { code, out: io.out(), err: io.err(), requests: server.requests.length };
}

Deno.test("run of a batch sums up its cost, tokens and the 429s it absorbed", async () => {
  const { code, err, requests } = await refusedTwice();
  assertEquals(code, 0, err);
  assertEquals(requests, 5);
  // Each answer uses 10 prompt and 5 answer tokens; gpt-4o-mini costs $0.15 / $0.60 a million.
  assertMatch(
    err,
    /Batch of summarized: 3 items · 3 succeeded · 0 failed · [^·]+ · 45 tokens · \$0\.0000135 · 2 rate limits absorbed · 2 retries/,
  );
});

Deno.test("run --json of a batch ends with a summary holding its cost, tokens and 429s", async () => {
  const { code, out, err } = await refusedTwice("--json");
  assertEquals(code, 0, err);
  const summary = JSON.parse(out.trimEnd().split("\n").at(-1)!).summary;
  assertEquals([summary.items, summary.succeeded, summary.failed], [3, 3, 0]);
  assertEquals(summary.usage, { input_tokens: 30, output_tokens: 15, total_tokens: 45 });
  assert(Math.abs(summary.costUsd - 0.0000135) < 1e-12, String(summary.costUsd));
  assertEquals([summary.rateLimited, summary.retries], [2, 2]);
});
