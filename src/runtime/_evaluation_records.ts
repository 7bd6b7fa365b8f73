/**
 * What an evaluation writes to MLflow besides its traces, as `mlflow.genai.evaluate` writes
 * it: each record's tags and assessments, and the evaluation run's params, metrics and dataset.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { aggregateScores } from "../evaluation/aggregate_scores.ts";
import {
  canonicalJson,
  type EvaluationDataset,
  type EvaluationRecord,
} from "../evaluation/parse_dataset.ts";
import type { Scorer, ScoreResult } from "../evaluation/scorer.ts";
import { judgeSpends, totalSpend } from "../evaluation/total_spend.ts";
import {
  type AssessmentRecord,
  type DatasetRecord,
  EVAL_RECORD_KEY_TAG,
  EVAL_REQUEST_ID_TAG,
} from "../tracking/trace_bundle.ts";
import type { TraceAnnotations } from "../tracking/tracker_options.ts";
import { type JsonValue, pythonJsonDumps } from "../tracking/python_json.ts";
import type { RecordEvaluation } from "./evaluate_workflow.ts";

/** Assessment metadata of a judge's spend, kept apart from the run's cost. */
export const JUDGE_METADATA = {
  model: "configurable_agents.judge.model",
  inputTokens: "configurable_agents.judge.input_tokens",
  outputTokens: "configurable_agents.judge.output_tokens",
  totalTokens: "configurable_agents.judge.total_tokens",
  costUsd: "configurable_agents.judge.cost_usd",
} as const;

/**
 * The key of each record: the first 16 hex digits of the SHA-256 of its inputs (keys sorted),
 * with `#2`, `#3`, ... on repeats of the same inputs.
 */
export async function recordKeys(records: readonly EvaluationRecord[]): Promise<string[]> {
  const seen = new Map<string, number>();
  const keys: string[] = [];
  for (const record of records) {
    const bytes = new TextEncoder().encode(JSON.stringify(canonicalJson(record.inputs)));
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = [...hash.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const count = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, count);
    keys.push(count === 1 ? hex : `${hex}#${count}`);
  }
  return keys;
}

/** What a scored record adds to its trace: its tags and its assessments. */
export function recordAnnotations(
  evaluation: RecordEvaluation,
  context: { user: string; now: () => number },
): TraceAnnotations {
  const createdMs = Math.floor(context.now());
  const feedback = evaluation.scores.map((score) => feedbackOf(score, createdMs));
  const expectations = Object.entries(evaluation.record.expectations).map((
    [name, value],
  ): AssessmentRecord => ({
    assessmentId: assessmentId(),
    name,
    kind: "expectation",
    value: value as JsonValue,
    source: { type: "HUMAN", id: context.user },
    createdMs,
    metadata: {},
  }));
  return {
    tags: {
      ...evaluation.record.tags,
      [EVAL_REQUEST_ID_TAG]: crypto.randomUUID(),
      [EVAL_RECORD_KEY_TAG]: evaluation.key,
    },
    assessments: [...feedback, ...expectations],
  };
}

function feedbackOf(score: ScoreResult, createdMs: number): AssessmentRecord {
  const { judge } = score;
  return {
    assessmentId: assessmentId(),
    name: score.name,
    kind: "feedback",
    value: score.value,
    ...(score.error ? { error: score.error } : {}),
    ...(score.rationale !== undefined ? { rationale: score.rationale } : {}),
    source: score.source,
    createdMs,
    metadata: judge
      ? {
        [JUDGE_METADATA.model]: judge.model,
        [JUDGE_METADATA.inputTokens]: String(judge.usage.input_tokens),
        [JUDGE_METADATA.outputTokens]: String(judge.usage.output_tokens),
        [JUDGE_METADATA.totalTokens]: String(judge.usage.total_tokens),
        ...(judge.costUsd === undefined ? {} : { [JUDGE_METADATA.costUsd]: String(judge.costUsd) }),
      }
      : {},
  };
}

function assessmentId(): string {
  return `a-${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The evaluation run's params: the workflow, the dataset and its digest, the scorers. */
export function evaluationParams(
  workflow: LoadedWorkflow,
  dataset: EvaluationDataset,
  scorers: readonly Scorer[],
): Record<string, string> {
  return {
    workflow: workflow.file ?? workflow.config.flow.name,
    dataset: dataset.source,
    dataset_digest: dataset.digest,
    scorers: JSON.stringify(scorers.map((scorer) => scorer.name)),
  };
}

/**
 * The evaluation run's metrics: `<scorer>/mean` (scorers with a mean), the records that ran,
 * and the judges' tokens and cost (`judge_cost_usd` NaN when a judge was unpriced).
 */
export function evaluationMetrics(
  evaluations: readonly RecordEvaluation[],
): Record<string, number> {
  const scores = evaluations.flatMap((evaluation) => evaluation.scores);
  const metrics: Record<string, number> = {};
  for (const [name, aggregate] of Object.entries(aggregateScores(scores))) {
    if (aggregate.mean !== null) metrics[`${name}/mean`] = aggregate.mean;
  }
  const judges = totalSpend(judgeSpends(scores));
  metrics.judge_calls = judges.count;
  metrics.judge_input_tokens = judges.usage.input_tokens;
  metrics.judge_output_tokens = judges.usage.output_tokens;
  metrics.judge_total_tokens = judges.usage.total_tokens;
  metrics.judge_cost_usd = judges.costUsd ?? Number.NaN;
  return metrics;
}

/** The dataset as the evaluation run's input (MLflow's `datasets` and `inputs` rows). */
export function evaluationDatasetRecord(dataset: EvaluationDataset): DatasetRecord {
  return {
    name: dataset.name,
    digest: dataset.digest,
    sourceType: "local",
    source: pythonJsonDumps({ uri: dataset.source }),
    profile: pythonJsonDumps({ num_rows: dataset.records.length }),
  };
}
