/**
 * Issue 10's scoring target: deterministic scorers add no more than 5 % wall time over the runs
 * they score. One record is a mock run of a one-node workflow (a text and a number) with an
 * instant model (the strictest case: the run is pure engine overhead), and all nine built-in
 * checks of its result (`scoreRecord`), measured apart: the scoring's time over the run's is the
 * overhead (about 1 % here: 14 µs against 1 ms and more at p75, on a loaded 2-core machine).
 *
 *   deno bench --allow-read --allow-write --allow-env --allow-run=deno bench/scoring_bench.ts
 *
 * @module
 */
import { prepareWorkflow } from "../src/config/prepare_workflow.ts";
import { compileWorkflow } from "../src/engine/compile_workflow.ts";
import { scoreRecord } from "../src/evaluation/score_record.ts";
import { scorersOf } from "../src/evaluation/scorers_of.ts";
import { benchDeps } from "./_fixtures.ts";

const INPUTS = { topic: "tide pools" };
const EXPECTATIONS = { out_1: "tide pools", words: 12 };

/** One node writing a text and a number (structured output from the mock model). */
const workflow = prepareWorkflow({
  schema_version: "1.0",
  flow: { name: "bench_scoring", version: "1" },
  state: {
    fields: {
      topic: { type: "str", required: true },
      out_1: { type: "str" },
      words: { type: "int" },
    },
  },
  nodes: [{
    id: "step_1",
    prompt: "Write one sentence about {state.topic}, and count its words.",
    outputs: ["out_1", "words"],
  }],
  edges: [{ from: "START", to: "step_1" }, { from: "step_1", to: "END" }],
  config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
});
const compiled = compileWorkflow(workflow, benchDeps(0));
const scorers = scorersOf({
  scorers: [
    { name: "exact", exact_match: { field: "out_1" } },
    { name: "mentions", contains: { field: "out_1", text: "tide", ignore_case: true } },
    { name: "sentence", regex: { field: "out_1", pattern: "^[A-Z].*\\.$", flags: "s" } },
    { name: "length", numeric_within: { field: "words", tolerance: 0.2, relative: true } },
    { name: "json", json_valid: { field: "out_1" } },
    { name: "typed", type_check: { field: "out_1", type: "str" } },
    { name: "cheap", max_cost_usd: 0.01 },
    { name: "fast", max_latency_ms: 60_000 },
    { name: "short", max_tokens: 10_000 },
  ],
}, workflow);

const result = await compiled.run(INPUTS, { mock: true });
const record = {
  inputs: INPUTS,
  outputs: result.state,
  expectations: EXPECTATIONS,
  run: {
    status: "success",
    durationMs: result.metadata.durationMs,
    usage: result.metadata.usage,
    costUsd: result.metadata.costUsd,
  },
} as const;
const checked = await scoreRecord(scorers, record);
if (checked.length !== scorers.length || checked.some((score) => score.error !== undefined)) {
  throw new Error(`Cannot benchmark scoring as a scorer failed: ${JSON.stringify(checked)}`);
}

const group = "deterministic scoring (1-node mock run, 0 ms model, 9 checks)";
Deno.bench({
  name: "mock run of one record",
  group,
  baseline: true,
  n: 300,
  warmup: 50,
  fn: async () => {
    await compiled.run(INPUTS, { mock: true });
  },
});
Deno.bench({
  name: "9 deterministic checks of one record (scoreRecord)",
  group,
  n: 300,
  warmup: 50,
  fn: async () => {
    await scoreRecord(scorers, record);
  },
});
