/**
 * Helpers of the evaluation tests: a workflow whose state has every kind of field scorers read,
 * and records of its runs.
 *
 * @module
 */
import { parseWorkflow } from "../../src/config/parse_workflow.ts";
import type { LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import type { ScoredRun, ScoreInput } from "../../src/evaluation/scorer.ts";

/** A question-answering workflow: `question` in; `answer`, `total`, `profile`, `tags` out. */
export const QA: LoadedWorkflow = parseWorkflow(`schema_version: "1.0"
flow: {name: qa}
state:
  fields:
    question: {type: str, required: true}
    answer: {type: str}
    total: {type: float}
    profile: {type: object, schema: {name: str, age: int}}
    tags: {type: "list[str]"}
    raw: {type: str}
nodes:
  - id: answer
    prompt: "Answer {state.question}"
    outputs: [answer, total, profile, tags, raw]
edges:
  - {from: START, to: answer}
  - {from: answer, to: END}
config: {llm: {provider: openai, model: gpt-4o-mini}}
`);

/** A successful run that took 120 ms, 30 tokens and $0.002. */
export const RUN: ScoredRun = {
  status: "success",
  durationMs: 120,
  usage: { input_tokens: 20, output_tokens: 10, total_tokens: 30 },
  costUsd: 0.002,
};

/**
 * A record of a run of {@linkcode QA}.
 *
 * @param parts What differs from a successful run answering "Paris".
 * @returns The score input.
 */
export function record(parts: {
  outputs?: Record<string, unknown>;
  expectations?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  run?: Partial<ScoredRun>;
} = {}): ScoreInput {
  const inputs = parts.inputs ?? { question: "What is the capital of France?" };
  return {
    inputs,
    outputs: parts.outputs ??
      { ...inputs, answer: "Paris", total: null, profile: null, tags: null },
    expectations: parts.expectations ?? {},
    run: { ...RUN, ...parts.run },
  };
}

/** A failed run: no state. */
export const FAILED = {
  outputs: {},
  run: { status: "failed", error: "LLM_REQUEST_FAILED: 503 from the provider" },
} as const;
