/**
 * `evaluateWorkflow`: runs a workflow once per record of a dataset, scores every run, and
 * records the whole as MLflow's own `mlflow.genai.evaluate` does.
 *
 * @module
 */
import type { Diagnostic } from "../config/diagnostic.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { EvaluationInput } from "../config/workflow_types.ts";
import { compileWorkflow } from "../engine/compile_workflow.ts";
import type { EngineEvent, RunResult } from "../engine/engine_types.ts";
import { errorMessage, WorkflowError } from "../errors.ts";
import { aggregateScores, type ScoreAggregate } from "../evaluation/aggregate_scores.ts";
import { checkDataset } from "../evaluation/check_dataset.ts";
import { createJudgeRunner, type JudgeRunner } from "../evaluation/judge_runner.ts";
import type { EvaluationDataset, EvaluationRecord } from "../evaluation/parse_dataset.ts";
import { scoreRecord } from "../evaluation/score_record.ts";
import type { ScoredRun, Scorer, ScoreResult } from "../evaluation/scorer.ts";
import { scorersOf } from "../evaluation/scorers_of.ts";
import { judgeSpends, type SpendTotal, totalSpend } from "../evaluation/total_spend.ts";
import { EVALUATION_RUN_TYPE } from "../tracking/trace_bundle.ts";
import type { TraceAnnotations } from "../tracking/tracker_options.ts";
import type { RunTrace, Tracer } from "../tracking/tracer.ts";
import { checkConcurrency, DEFAULT_CONCURRENCY } from "./batch_concurrency.ts";
import type { RunWorkflowOptions } from "./run_options.ts";
import { groupRunWorkflow, prepareRun, trackerForRun } from "./_run_setup.ts";
import { runWorkerPool } from "./_worker_pool.ts";
import { limitConcurrency } from "./_limit_concurrency.ts";
import {
  evaluationDatasetRecord,
  evaluationMetrics,
  evaluationParams,
  recordAnnotations,
  recordKeys,
} from "./_evaluation_records.ts";
import { loadDataset } from "./load_dataset.ts";

/** One record of an evaluation, run and scored. */
export interface RecordEvaluation {
  /** The record (its line, inputs, expectations and tags). */
  readonly record: EvaluationRecord;
  /** What identifies it across evaluations: a hash of its inputs (`#2` on a repeat). */
  readonly key: string;
  /** The run's final state (`{}` when it failed). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** How the run went. */
  readonly run: ScoredRun;
  /** The run's trace, when it was recorded. */
  readonly traceId: string | undefined;
  /** One score per scorer, in the scorers' order. */
  readonly scores: readonly ScoreResult[];
}

/** What {@linkcode evaluateWorkflow} gives back. */
export interface EvaluationResult {
  /** The dataset's name, source and digest, and how many records it has (invalid ones too). */
  readonly dataset: Pick<EvaluationDataset, "name" | "source" | "digest"> & {
    readonly records: number;
  };
  /** The scorers' names, in order. */
  readonly scorers: readonly string[];
  /** The records that did not run (unreadable, or inputs the workflow rejects), by line. */
  readonly problems: readonly Diagnostic[];
  /** The records that ran, in file order. */
  readonly records: readonly RecordEvaluation[];
  /** Per scorer: `mean` (MLflow's `<name>/mean`), pass rate, count and errors. */
  readonly aggregates: Readonly<Record<string, ScoreAggregate>>;
  /** Tokens and cost of the workflow's runs. */
  readonly runs: SpendTotal;
  /** Tokens and cost of the judges, apart from the runs'. */
  readonly judges: SpendTotal;
  /** The evaluation's MLflow run (its key: the run id in a SQLite file), when recorded. */
  readonly runKey: string | undefined;
  /** The evaluation's run name, when recorded. */
  readonly runName: string | undefined;
  /** Whether the signal stopped it before every record ran. */
  readonly cancelled: boolean;
}

/** Options of {@linkcode evaluateWorkflow}: those of `runWorkflow` plus scorers and concurrency. */
export interface EvaluateWorkflowOptions
  extends Omit<RunWorkflowOptions, "onEvent" | "runPerExecution"> {
  /**
   * The scorers: made ones (`scorersOf`, `defineScorer`), or an `evaluation` section / a
   * `--scorers` file's content.
   *
   * @default {the workflow's `evaluation.scorers`}
   */
  scorers?: readonly Scorer[] | EvaluationInput | undefined;
  /**
   * Records run at once, and judges asked at once, a whole number from 1 to
   * `MAX_CONCURRENCY` (256).
   *
   * @default {4}
   */
  concurrency?: number | undefined;
  /**
   * Receives each record once it is run and scored, in completion order.
   *
   * @default {no listener}
   */
  onRecord?: ((evaluation: RecordEvaluation) => void | Promise<void>) | undefined;
  /**
   * Told of the progress of each run, with its record's line.
   *
   * @default {no listener}
   */
  onEvent?: ((event: EngineEvent, line: number) => void) | undefined;
  /**
   * The evaluation run's name.
   *
   * @default {the `run_name` template with `-evaluation` after it}
   */
  runName?: string | undefined;
}

/**
 * Evaluates a workflow over a dataset, as `mlflow.genai.evaluate` evaluates an app. Every
 * record is checked against the workflow's inputs before anything runs (a rejected record is a
 * problem with its line; the others go on), then run as one workflow run, up to `concurrency`
 * at a time with the worker pool of `runBatch`, and scored by every scorer; judges are asked
 * at most `concurrency` at a time, and their tokens and cost are kept apart from the runs'.
 * A scorer that fails gives a result with its error, never a rejection.
 *
 * When tracked, the evaluation is one MLflow run (tag `mlflow.runType=genai_evaluate`, params
 * for the workflow, the dataset, its digest and the scorers, metrics `<scorer>/mean`, the
 * dataset as its input); each record's trace is linked to it, tagged `mlflow.eval.requestId`,
 * and carries a feedback assessment per scorer and an expectation assessment (`HUMAN`) per
 * expectation. Undeliverable data is spooled like any trace.
 *
 * @example Usage
 * ```ts
 * import { evaluateWorkflow, parseDataset, prepareWorkflow } from "@configurable-agents/core";
 * const workflow = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "echo" },
 *   state: { fields: { text: { type: "str", required: true }, reply: { type: "str" } } },
 *   nodes: [{ id: "say", prompt: "Repeat {state.text}", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "say" }, { from: "say", to: "END" }],
 *   evaluation: { scorers: [{ name: "answered", type_check: { field: "reply", type: "str" } }] },
 * });
 * const dataset = await parseDataset(
 *   '{"inputs": {"text": "hi"}}\n{"inputs": {"text": "yo"}}\n{"inputs": {"txt": "?"}}\n',
 *   { file: "echo.jsonl" },
 * );
 * const result = await evaluateWorkflow(workflow, dataset, { mock: true, tracker: false });
 * if (result.records.length !== 2 || result.problems[0]?.line !== 3) throw new Error();
 * if (result.aggregates.answered?.mean !== 1) throw new Error(JSON.stringify(result.aggregates));
 * ```
 *
 * @param workflow A loaded workflow, or the path of a workflow file.
 * @param dataset A dataset (`parseDataset`), or the path of a dataset file.
 * @param options Scorers, concurrency, callbacks, and the options of `runWorkflow`.
 * @returns Every record's scores, the aggregates, the spend of runs and of judges.
 * @throws {WorkflowError} `CONFIG_INVALID` when the workflow, the dataset file or the scorers
 * cannot be used (before anything runs).
 * @throws {RangeError} `concurrency` is not a whole number from 1 to `MAX_CONCURRENCY` (256).
 */
export async function evaluateWorkflow(
  workflow: LoadedWorkflow | string,
  dataset: EvaluationDataset | string,
  options: EvaluateWorkflowOptions = {},
): Promise<EvaluationResult> {
  const { concurrency = DEFAULT_CONCURRENCY, onRecord, onEvent, mock = false, seed = 0 } = options;
  checkConcurrency(concurrency, "evaluate the workflow");
  const { loaded, deps } = await prepareRun(workflow, options);
  const data = typeof dataset === "string"
    ? await loadDataset(dataset, { readTextFile: deps.readTextFile })
    : dataset;
  const scorers = scorersFor(options.scorers, loaded);
  const checked = checkDataset(data, loaded);
  const keys = await recordKeys(checked.records);
  const compiled = compileWorkflow(loaded, deps);
  const runJudge: JudgeRunner = limitConcurrency(
    createJudgeRunner(deps, { mock, seed }),
    concurrency,
  );
  const tracked = await trackerForRun(loaded, deps, {
    ...options,
    runPerExecution: false,
    sqliteWorker: true,
    ownTraces: true,
  });
  const { opened } = tracked;
  const group = opened?.startGroupRun({
    kind: "evaluation",
    workflow: groupRunWorkflow(loaded),
    tags: { "mlflow.runType": EVALUATION_RUN_TYPE },
    ...(options.runName ? { runName: options.runName } : {}),
  });
  const user = deps.env("USER") || deps.env("USERNAME") || "unknown";
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const evaluations: (RecordEvaluation | undefined)[] = checked.records.map(() => undefined);
  const backlog = Math.max(8, concurrency * 2);

  const evaluate = async (index: number): Promise<void> => {
    const record = checked.records[index] as EvaluationRecord;
    const key = keys[index] as string;
    const annotations = Promise.withResolvers<TraceAnnotations>();
    let trace: RunTrace | undefined;
    const tracer: Tracer | undefined = opened && group
      ? {
        startRun: (start) => (trace = opened.startRun(start, {
          group,
          annotations: annotations.promise,
        })),
      }
      : tracked.tracer;
    try {
      const { outputs, run, traceId } = await runRecord(record, tracer);
      const scores = await scoreRecord(scorers, {
        inputs: record.inputs,
        outputs,
        expectations: record.expectations,
        run,
      }, { signal, runJudge });
      const evaluation: RecordEvaluation = {
        record,
        key,
        outputs,
        run,
        traceId: traceId ?? trace?.traceId,
        scores,
      };
      annotations.resolve(recordAnnotations(evaluation, { user, now: deps.now }));
      evaluations[index] = evaluation;
      await onRecord?.(evaluation);
    } finally {
      annotations.resolve({});
    }
    if (opened) await opened.pendingAtMost(backlog);
  };

  const runRecord = async (record: EvaluationRecord, tracer: Tracer | undefined) => {
    const started = deps.now();
    try {
      const result: RunResult = await compiled.run(record.inputs, {
        mock,
        seed,
        signal,
        ...(tracer ? { tracer } : {}),
        ...(onEvent ? { onEvent: (event: EngineEvent) => onEvent(event, record.line) } : {}),
      });
      const { metadata } = result;
      const run: ScoredRun = {
        status: "success",
        durationMs: metadata.durationMs,
        usage: metadata.usage,
        costUsd: metadata.costUsd,
      };
      return { outputs: result.state, run, traceId: metadata.traceId };
    } catch (error) {
      const run: ScoredRun = {
        status: signal.aborted ? "cancelled" : "failed",
        error: errorMessage(error),
        durationMs: Math.max(0, deps.now() - started),
        usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
        costUsd: 0,
      };
      return { outputs: {}, run, traceId: undefined };
    }
  };

  let next = 0;
  let failed = false;
  const scored = () => evaluations.filter((e): e is RecordEvaluation => e !== undefined);
  try {
    await runWorkerPool(
      () =>
        Promise.resolve(
          next < checked.records.length
            ? { done: false, value: next++ }
            : { done: true, value: undefined },
        ),
      evaluate,
      { size: concurrency, signal, onFailure: () => stop.abort() },
    );
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const done = scored();
    await group?.finish({
      status: options.signal?.aborted ? "KILLED" : failed ? "FAILED" : "FINISHED",
      params: evaluationParams(loaded, data, scorers),
      metrics: evaluationMetrics(done),
      dataset: evaluationDatasetRecord(data),
    });
    // Every delivery is waited for, unless an interrupt stops the wait (the rest is spooled).
    // Once the signal has stopped the records, the finished ones and the KILLED run still get
    // the bounded wait of an interrupted `run`, rather than all going to the spool at once.
    if (opened) {
      await (options.signal?.aborted
        ? opened.close()
        : opened.close({ timeoutMs: Infinity, signal: options.signal }));
    }
  }
  const done = scored();
  return {
    dataset: {
      name: data.name,
      source: data.source,
      digest: data.digest,
      records: data.records.length + data.problems.length,
    },
    scorers: scorers.map((scorer) => scorer.name),
    problems: checked.problems,
    records: done,
    aggregates: aggregateScores(done.flatMap((evaluation) => evaluation.scores)),
    runs: totalSpend(done.map((evaluation) => evaluation.run)),
    judges: totalSpend(judgeSpends(done.flatMap((evaluation) => evaluation.scores))),
    runKey: group?.key,
    runName: group?.link.runName,
    cancelled: options.signal?.aborted ?? false,
  };
}

/** The scorers given, or those of the workflow's `evaluation` section. */
function scorersFor(
  given: EvaluateWorkflowOptions["scorers"],
  workflow: LoadedWorkflow,
): readonly Scorer[] {
  const config = given ?? workflow.config.evaluation;
  const scorers = config === undefined
    ? []
    : isScorerList(config)
    ? config
    : config.scorers.length === 0
    ? []
    : scorersOf(config, workflow);
  if (scorers.length === 0) {
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot evaluate "${workflow.config.flow.name}" as it has no scorers`,
      {
        phase: "validate",
        hint: "declare them under 'evaluation: scorers:' in the workflow, or give a scorers file",
      },
    );
  }
  return scorers;
}

function isScorerList(value: readonly Scorer[] | EvaluationInput): value is readonly Scorer[] {
  return Array.isArray(value);
}
