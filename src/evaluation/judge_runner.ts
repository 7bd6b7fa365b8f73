/**
 * `createJudgeRunner`: runs judge workflows with the engine, for `ScoreContext.runJudge`.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { type CompiledWorkflow, compileWorkflow } from "../engine/compile_workflow.ts";
import type { EngineDeps } from "../engine/engine_types.ts";
import type { Tracer } from "../tracking/tracer.ts";
import type { JudgeRun, JudgeWorkflow, RunJudgeOptions } from "./scorer.ts";

/** Options of {@linkcode createJudgeRunner}: those of every judge run. */
export interface JudgeRunnerOptions {
  /**
   * Answer with the mock model (priced as the judge's model), as `evaluate --mock` does.
   *
   * @default {false}
   */
  readonly mock?: boolean | undefined;
  /**
   * Seed of the mock model: the same seed and judge prompt give the same verdict.
   *
   * @default {0}
   */
  readonly seed?: number | undefined;
  /**
   * Records each judge run (a trace per judge call); none by default.
   *
   * @default {undefined}
   */
  readonly tracer?: Tracer | undefined;
}

/** Runs a judge workflow: what `ScoreContext.runJudge` is. */
export type JudgeRunner = (
  judge: JudgeWorkflow,
  inputs: Record<string, unknown>,
  options?: RunJudgeOptions,
) => Promise<JudgeRun>;

/**
 * Makes the judge runner of an evaluation from the collaborators of its runs: each judge's
 * workflow is compiled once, then run like any workflow — its provider and credentials, retries
 * of retryable errors and of invalid answers, timeouts, prices, and under `mock` the mock model
 * with a fixed seed, so verdicts are deterministic. Scripted mock answers (`deps.mockAnswers`)
 * belong to the evaluated workflow's nodes and never reach a judge.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, scorersOf } from "@configurable-agents/core";
 * import { createJudgeRunner } from "./judge_runner.ts";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * config: {llm: {provider: openai, model: gpt-4o-mini}}
 * `);
 * const [polite] = scorersOf({ scorers: [{ name: "polite", guidelines: "Be polite" }] }, workflow);
 * const runJudge = createJudgeRunner(
 *   { env: () => undefined, now: () => 0, fetch: () => Promise.reject(new Error("offline")),
 *     readTextFile: () => Promise.reject(new Error("no files")),
 *     writeTextFile: () => Promise.reject(new Error("no files")) },
 *   { mock: true },
 * );
 * const result = await polite?.score({
 *   inputs: { question: "Where is Paris?" },
 *   outputs: { question: "Where is Paris?", answer: "In France, of course." },
 *   expectations: {},
 *   run: { status: "success", durationMs: 3, usage: { input_tokens: 5, output_tokens: 5, total_tokens: 10 }, costUsd: 0 },
 * }, { runJudge });
 * if (result?.value !== "yes" && result?.value !== "no") throw new Error(JSON.stringify(result));
 * if (result.source.id !== "openai:/gpt-4o-mini" || !result.judge) throw new Error();
 * ```
 *
 * @param deps The collaborators of the evaluation's runs (providers, clock, prices, ...).
 * @param options Mock mode, seed and tracer of every judge run.
 * @returns The runner.
 */
export function createJudgeRunner(deps: EngineDeps, options: JudgeRunnerOptions = {}): JudgeRunner {
  const { mock = false, seed = 0, tracer } = options;
  const judgeDeps: EngineDeps = { ...deps, mockAnswers: undefined };
  const compiled = new WeakMap<LoadedWorkflow, CompiledWorkflow>();
  return async (judge, inputs, runOptions = {}) => {
    let workflow = compiled.get(judge.workflow);
    if (!workflow) {
      workflow = compileWorkflow(judge.workflow, judgeDeps);
      compiled.set(judge.workflow, workflow);
    }
    return await workflow.run(inputs, {
      mock,
      seed,
      ...(tracer ? { tracer } : {}),
      ...(runOptions.signal ? { signal: runOptions.signal } : {}),
    });
  };
}
