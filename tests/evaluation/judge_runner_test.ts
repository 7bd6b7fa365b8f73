import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import type { ScorerInput } from "../../src/config/workflow_types.ts";
import type { EngineDeps, PricedAs } from "../../src/engine/engine_types.ts";
import { createJudgeRunner } from "../../src/evaluation/judge_runner.ts";
import type { ScoreContext, ScoreInput, ScoreResult } from "../../src/evaluation/scorer.ts";
import { scorersOf } from "../../src/evaluation/scorers_of.ts";
import type { TokenUsage } from "../../src/tracking/tracer.ts";
import { answer, httpError, requestText, ScriptedChatModel, testDeps } from "../engine/_fakes.ts";
import { FAILED, QA, record } from "./_records.ts";

/** $1 per thousand tokens, whatever the model. */
function price(_pricedAs: PricedAs, usage: TokenUsage) {
  const input = usage.input_tokens / 1000;
  const output = usage.output_tokens / 1000;
  return { input_cost: input, output_cost: output, total_cost: input + output };
}

async function judge(
  scorer: ScorerInput,
  input: ScoreInput,
  context: ScoreContext,
): Promise<ScoreResult> {
  const [made] = scorersOf({ scorers: [scorer] }, QA);
  assert(made?.judge, "a judge");
  return await made.score(input, context);
}

const POLITE: ScorerInput = {
  name: "polite",
  guidelines: ["The answer is polite", "The answer is one sentence"],
  field: "answer",
};

Deno.test("a judge is a prepared one-node workflow answering a rationale and a yes/no verdict", () => {
  const [polite] = scorersOf({ scorers: [POLITE] }, QA);
  const judgeWorkflow = polite?.judge;
  assert(judgeWorkflow);
  assertStrictEquals(judgeWorkflow.kind, "guidelines");
  assertStrictEquals(judgeWorkflow.model, "openai:/gpt-4o-mini");
  const { config } = judgeWorkflow.workflow;
  assertEquals(config.nodes.map((node) => [node.id, node.outputs]), [["judge", [
    "rationale",
    "verdict",
  ]]]);
  assertEquals(
    config.nodes[0]?.output_schema?.fields?.map((field) => [field.name, field.type]),
    [["rationale", "str"], ["verdict", "enum[yes, no]"]],
  );
  assertEquals(Object.keys(config.state.fields), [
    "request",
    "response",
    "guidelines",
    "rationale",
    "verdict",
  ]);
  assertEquals(config.config.llm.provider, "openai");
  assertEquals(config.config.llm.model, "gpt-4o-mini");
  assertEquals(config.config.execution.max_retries, QA.config.config.execution.max_retries);
  assertEquals(config.config.execution.budget, undefined);
});

Deno.test("a judge runs through the engine with the mock model: deterministic, priced apart", async () => {
  const input = record({ outputs: { answer: "Paris, of course." } });
  const first = await judge(POLITE, input, {
    runJudge: createJudgeRunner(testDeps({ price }), { mock: true, seed: 0 }),
  });
  const again = await judge(POLITE, input, {
    runJudge: createJudgeRunner(testDeps({ price }), { mock: true, seed: 0 }),
  });
  assertEquals(again, first);
  // The mock's answer for this prompt and seed 0, pinned so that a change to it is seen.
  assertStrictEquals(first.value, "yes");
  assert(typeof first.rationale === "string" && first.rationale.length > 0, "a rationale");
  assertEquals(first.source, { type: "LLM_JUDGE", id: "openai:/gpt-4o-mini" });
  assertStrictEquals(first.error, undefined);
  const cost = first.judge;
  assert(cost, "the judge's own cost");
  assertStrictEquals(cost.model, "openai:/gpt-4o-mini");
  assert(cost.usage.input_tokens > 100, "tokens of the judge's real prompt");
  assertAlmostEquals(
    cost.costUsd ?? Number.NaN,
    (cost.usage.input_tokens + cost.usage.output_tokens) / 1000,
  );
});

Deno.test("a judge's verdict under the mock depends on the record, not only the seed", async () => {
  const runJudge = createJudgeRunner(testDeps(), { mock: true });
  const values = new Set<string>();
  for (const answer of ["Paris.", "Lyon!", "No idea.", "It is Paris, dear.", "Rome", "Berlin"]) {
    const result = await judge(POLITE, record({ outputs: { answer } }), { runJudge });
    values.add(String(result.value));
  }
  assertEquals([...values].sort(), ["no", "yes"]);
});

Deno.test("a judge reads a fixed verdict from a chat model, with the request, response and guidelines", async () => {
  const model = new ScriptedChatModel({
    steps: [
      answer({ rationale: "Polite, but two sentences.", verdict: "no" }, {
        input: 321,
        output: 12,
      }),
    ],
  });
  const result = await judge(
    POLITE,
    record({ outputs: { answer: "Paris. Obviously." } }),
    { runJudge: createJudgeRunner(testDeps({ model, price })) },
  );
  assertEquals(result, {
    name: "polite",
    value: "no",
    rationale: "Polite, but two sentences.",
    source: { type: "LLM_JUDGE", id: "openai:/gpt-4o-mini" },
    judge: {
      usage: { input_tokens: 321, output_tokens: 12, total_tokens: 333 },
      costUsd: 0.333,
      model: "openai:/gpt-4o-mini",
    },
  });
  const [request] = model.requests;
  assert(request);
  const prompt = requestText(request);
  assertStringIncludes(prompt, "<request>\nWhat is the capital of France?\n</request>");
  assertStringIncludes(prompt, "<response>\nParis. Obviously.\n</response>");
  assertStringIncludes(
    prompt,
    "<guideline>The answer is polite</guideline>\n<guideline>The answer is one sentence</guideline>",
  );
});

Deno.test("a judge is retried like any node, then scores", async () => {
  const model = new ScriptedChatModel({
    steps: [httpError(503), answer({ rationale: "Fine.", verdict: "yes" })],
  });
  const deps = testDeps({ model });
  const result = await judge(POLITE, record(), { runJudge: createJudgeRunner(deps) });
  assertStrictEquals(result.value, "yes");
  assertStrictEquals(model.requests.length, 2);
  assertStrictEquals(deps.sleeps.length, 1, "one back-off before the retry");
});

Deno.test("a judge whose model fails scores an error with the engine's code, never a throw", async () => {
  const model = new ScriptedChatModel({ steps: [httpError(400, "bad request")], repeatLast: true });
  const result = await judge(POLITE, record(), {
    runJudge: createJudgeRunner(testDeps({ model })),
  });
  assertStrictEquals(result.value, null);
  assertStrictEquals(result.error?.code, "LLM_REQUEST_FAILED");
  assertStringIncludes(
    result.error?.message ?? "",
    `Cannot judge "polite" as the judge's run failed: `,
  );
  assertEquals(result.source, { type: "LLM_JUDGE", id: "openai:/gpt-4o-mini" });
});

Deno.test("a judge without the provider's key scores MISSING_CREDENTIALS", async () => {
  const result = await judge(POLITE, record(), { runJudge: createJudgeRunner(testDeps()) });
  assertStrictEquals(result.value, null);
  assertStrictEquals(result.error?.code, "MISSING_CREDENTIALS");
  assertStringIncludes(result.error?.message ?? "", "OPENAI_API_KEY");
});

Deno.test("a judge without a runner, or of a failed run, asks no model", async () => {
  const unavailable = await judge(POLITE, record(), {});
  assertEquals(unavailable.error, {
    code: "JUDGE_UNAVAILABLE",
    message:
      `Cannot run the judge of "polite" as no judge runner was given: pass runJudge in the score context`,
  });
  const model = new ScriptedChatModel({ steps: [] });
  const failed = await judge(POLITE, record(FAILED), {
    runJudge: createJudgeRunner(testDeps({ model })),
  });
  assertStrictEquals(failed.value, "no");
  assertStrictEquals(
    failed.rationale,
    "The run failed: LLM_REQUEST_FAILED: 503 from the provider, so there is no answer to judge",
  );
  assertStrictEquals(failed.judge, undefined);
  assertStrictEquals(model.requests.length, 0);
});

Deno.test("correctness reads the expected facts (a list) or the answer the record names", async () => {
  const model = new ScriptedChatModel({
    steps: [answer({ rationale: "Both facts.", verdict: "yes" })],
    repeatLast: true,
  });
  const runJudge = createJudgeRunner(testDeps({ model }));
  const facts = await judge(
    { name: "correct", correctness: true, field: "answer" },
    record({ expectations: { expected_facts: ["Paris is the capital", "It is in France"] } }),
    { runJudge },
  );
  assertStrictEquals(facts.value, "yes");
  assertStringIncludes(
    requestText(model.requests[0] ?? []),
    "<expected_facts>\n- Paris is the capital\n- It is in France\n</expected_facts>",
  );
  await judge(
    { name: "correct", correctness: { expected: "gold" }, field: "answer" },
    record({ expectations: { gold: "Paris" } }),
    { runJudge },
  );
  assertStringIncludes(
    requestText(model.requests[1] ?? []),
    "<expected_facts>\nParis\n</expected_facts>",
  );
  const missing = await judge(
    { name: "correct", correctness: true },
    record({ expectations: { other: 1 } }),
    { runJudge },
  );
  assertStrictEquals(missing.error?.code, "EXPECTATION_MISSING");
  assertStringIncludes(missing.error?.message ?? "", `no expectation "expected_facts"`);
  assertStrictEquals(model.requests.length, 2, "no model call without expectations");
});

Deno.test("relevance reads the named input and field, else every input and every output", async () => {
  const model = new ScriptedChatModel({
    steps: [answer({ rationale: "On topic.", verdict: "yes" })],
    repeatLast: true,
  });
  const runJudge = createJudgeRunner(testDeps({ model }));
  const outputs = {
    question: "Capital?",
    answer: "Paris",
    total: 1,
    profile: null,
    tags: ["x"],
    raw: "",
  };
  await judge(
    { name: "rel", relevance: true, input: "question", field: "tags" },
    record({ inputs: { question: "Capital?", locale: "fr" }, outputs }),
    { runJudge },
  );
  const named = requestText(model.requests[0] ?? []);
  assertStringIncludes(named, "<request>\nCapital?\n</request>");
  assertStringIncludes(named, '<response>\n["x"]\n</response>');
  await judge(
    { name: "rel", relevance: true },
    record({ inputs: { question: "Capital?", locale: "fr" }, outputs }),
    { runJudge },
  );
  const all = requestText(model.requests[1] ?? []);
  assertStringIncludes(all, '<request>\n{"question":"Capital?","locale":"fr"}\n</request>');
  assertStringIncludes(
    all,
    '<response>\n{"answer":"Paris","total":1,"profile":null,"tags":["x"],"raw":""}\n</response>',
  );
});

Deno.test("a judge's model: its own settings, the workflow's provider otherwise, never its temperature", () => {
  const [own, inherited] = scorersOf({
    scorers: [
      { name: "a", relevance: true, model: { provider: "anthropic", model: "claude-haiku-4-5" } },
      { name: "b", relevance: true, model: { temperature: 0 } },
    ],
  }, QA);
  assertStrictEquals(own?.judge?.model, "anthropic:/claude-haiku-4-5");
  assertEquals(own?.judge?.workflow.config.config.llm.provider, "anthropic");
  assertStrictEquals(inherited?.judge?.model, "openai:/gpt-4o-mini");
  assertStrictEquals(inherited?.judge?.workflow.config.config.llm.temperature, 0);
});

Deno.test("createJudgeRunner() keeps the evaluated workflow's scripted mock answers from judges", async () => {
  const deps: EngineDeps = {
    ...testDeps(),
    mockAnswers: { judge: [{ rationale: "scripted", verdict: "yes" }] },
  };
  const result = await judge(POLITE, record(), {
    runJudge: createJudgeRunner(deps, { mock: true }),
  });
  assertNotEquals(result.rationale, "scripted");
});

Deno.test("createJudgeRunner() serves every record of an evaluation and passes the signal on", async () => {
  const model = new ScriptedChatModel({
    steps: [answer({ rationale: "ok", verdict: "yes" })],
    repeatLast: true,
  });
  const runJudge = createJudgeRunner(testDeps({ model }));
  const [polite] = scorersOf({ scorers: [POLITE] }, QA);
  for (let i = 0; i < 3; i++) await polite!.score(record(), { runJudge });
  assertStrictEquals(model.requests.length, 3);
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  const cancelled = await polite!.score(record(), { runJudge, signal: controller.signal });
  assertStrictEquals(cancelled.value, null);
  assertStrictEquals(cancelled.error?.code, "CANCELLED");
});
