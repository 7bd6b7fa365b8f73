/**
 * The scenario of issue 10's `evaluate` target: the same 20 records of a one-node workflow (a
 * text and a number from the mock model, 5 ms per call: the floor of a real provider call, as in
 * the tracing benchmark) run as a batch (`runBatch`) and as an evaluation with six
 * deterministic checks (`evaluateWorkflow`: dataset check, runs on the same worker pool,
 * scoring, aggregates), both untracked at concurrency 4.
 *
 * @module
 */
import { prepareWorkflow } from "../src/config/prepare_workflow.ts";
import { parseDataset } from "../src/evaluation/parse_dataset.ts";
import { evaluateWorkflow } from "../src/runtime/evaluate_workflow.ts";
import { runBatch } from "../src/runtime/run_batch.ts";

/** Mock latency of each call, milliseconds. */
export const EVALUATION_LATENCY_MS = 5;
/** Records of the dataset. */
export const EVALUATION_RECORDS = 20;

const workflow = prepareWorkflow({
  schema_version: "1.0",
  flow: { name: "bench_evaluation", version: "1" },
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
  evaluation: {
    scorers: [
      { name: "mentions", contains: { field: "out_1", expected: "topic", ignore_case: true } },
      { name: "sentence", regex: { field: "out_1", pattern: "^[A-Z].*\\.$", flags: "s" } },
      { name: "length", numeric_within: { field: "words", expected: "words", tolerance: 5 } },
      { name: "typed", type_check: { field: "words", type: "int" } },
      { name: "cheap", max_cost_usd: 0.01 },
      { name: "fast", max_latency_ms: 60_000 },
    ],
  },
});

const topics = Array.from({ length: EVALUATION_RECORDS }, (_, i) => `tide pools ${i}`);
const options = {
  mock: true,
  mockLatencyMs: EVALUATION_LATENCY_MS,
  tracker: false,
  concurrency: 4,
  deps: { env: () => undefined },
} as const;

/** The two variants: the batch (baseline) and the evaluation of the same records. */
export interface EvaluationScenario {
  /** The records as a batch. */
  batch: () => Promise<void>;
  /** The records as an evaluation with six checks. */
  evaluate: () => Promise<void>;
}

/**
 * Builds the scenario and checks that every record scores without error.
 *
 * @returns The two variants.
 */
export async function evaluationScenario(): Promise<EvaluationScenario> {
  const dataset = await parseDataset(
    topics.map((topic) => JSON.stringify({ inputs: { topic }, expectations: { topic, words: 12 } }))
      .join("\n"),
    { file: "bench.jsonl" },
  );
  const check = await evaluateWorkflow(workflow, dataset, options);
  if (
    check.records.length !== EVALUATION_RECORDS ||
    check.records.some((record) => record.scores.some((score) => score.error !== undefined))
  ) {
    throw new Error(`Cannot benchmark the evaluation as a record failed: ${JSON.stringify(check)}`);
  }
  const items = topics.map((topic, i) => ({ line: i + 1, inputs: { topic } }));
  return {
    batch: async () => {
      await runBatch(workflow, items, options);
    },
    evaluate: async () => {
      await evaluateWorkflow(workflow, dataset, options);
    },
  };
}
