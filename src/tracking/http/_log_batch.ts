/**
 * Splits what a run logs into `runs/log-batch` bodies within MLflow's limits
 * (`mlflow/utils/validation.py`): at most 1000 metrics and 100 params plus tags per call, keys
 * of at most 250 characters, param values of at most 6000 and tag values of at most 8000
 * characters (longer values are cut, as MLflow does with `MLFLOW_TRUNCATE_LONG_VALUES`).
 *
 * @module
 */
import { MAX_KEY_CHARS, MAX_PARAM_VALUE_CHARS, MAX_TAG_VALUE_CHARS } from "../mlflow_limits.ts";

/** Most metrics in one `log-batch`. */
const MAX_METRICS_PER_BATCH = 1000;
/** Most params and tags together in one `log-batch`. */
const MAX_PARAMS_TAGS_PER_BATCH = 100;

/** One metric value to log. */
export interface MetricInput {
  /** Metric key. */
  key: string;
  /** Value; `NaN` and infinities are sent the way MLflow's REST API reads them. */
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Step, 0 unless given. */
  step?: number;
}

/** What to log in one call of `MlflowClient.logBatch`. */
export interface LogBatchInput {
  /** Metric values. */
  metrics?: readonly MetricInput[];
  /** Params (logged once; the same value again is allowed). */
  params?: Readonly<Record<string, string>>;
  /** Run tags. */
  tags?: Readonly<Record<string, string>>;
}

type KeyValue = { key: string; value: string };
type MetricBody = { key: string; value: number | string; timestamp: number; step: number };

/** One `runs/log-batch` request body. */
export interface LogBatchBody {
  /** The run. */
  run_id: string;
  /** Metrics, when any. */
  metrics?: (MetricBody & { run_id: string })[];
  /** Params, when any. */
  params?: KeyValue[];
  /** Tags, when any. */
  tags?: KeyValue[];
}

/**
 * Plans the request bodies: params and tags first (100 per call), then metrics (1000 per call).
 *
 * @param runId The run.
 * @param input Metrics, params and tags.
 * @returns Bodies in the order to send; empty when there is nothing to log.
 * @throws {RangeError} A key longer than 250 characters.
 */
export function planLogBatches(runId: string, input: LogBatchInput): LogBatchBody[] {
  const params = entries(input.params, "param", MAX_PARAM_VALUE_CHARS);
  const tags = entries(input.tags, "tag", MAX_TAG_VALUE_CHARS);
  const metrics = (input.metrics ?? []).map((metric) => {
    checkKey(metric.key, "metric");
    return {
      key: metric.key,
      value: encodeMetricValue(metric.value),
      timestamp: Math.trunc(metric.timestamp),
      step: metric.step ?? 0,
      run_id: runId,
    };
  });
  const bodies: LogBatchBody[] = [];
  const keyed = [
    ...params.map((entry) => ({ kind: "params" as const, entry })),
    ...tags.map((entry) => ({ kind: "tags" as const, entry })),
  ];
  for (const chunk of chunks(keyed, MAX_PARAMS_TAGS_PER_BATCH)) {
    const body: LogBatchBody = { run_id: runId };
    const chunkParams = chunk.filter((item) => item.kind === "params").map((item) => item.entry);
    const chunkTags = chunk.filter((item) => item.kind === "tags").map((item) => item.entry);
    if (chunkParams.length) body.params = chunkParams;
    if (chunkTags.length) body.tags = chunkTags;
    bodies.push(body);
  }
  for (const chunk of chunks(metrics, MAX_METRICS_PER_BATCH)) {
    bodies.push({ run_id: runId, metrics: chunk });
  }
  return bodies;
}

/**
 * A metric value as MLflow's REST API (protobuf JSON) reads it: finite numbers as numbers,
 * `NaN`, `Infinity` and `-Infinity` as those strings.
 *
 * @param value The metric value.
 * @returns A number or one of the three strings.
 */
export function encodeMetricValue(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return value;
}

function entries(
  record: Readonly<Record<string, string>> | undefined,
  what: string,
  maxValueLength: number,
): KeyValue[] {
  return Object.entries(record ?? {}).map(([key, value]) => {
    checkKey(key, what);
    return { key, value: value.length > maxValueLength ? value.slice(0, maxValueLength) : value };
  });
}

function checkKey(key: string, what: string): void {
  if (key.length > MAX_KEY_CHARS) {
    throw new RangeError(
      `Cannot log ${what} "${
        key.slice(0, 40)
      }..." as MLflow keys are at most ${MAX_KEY_CHARS} characters: it has ${key.length}`,
    );
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}
