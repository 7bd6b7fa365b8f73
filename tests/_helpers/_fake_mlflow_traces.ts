/**
 * The trace state of the fake MLflow server: trace infos built from OTLP spans the way
 * MLflow's `log_spans` does (trace name, state, token usage summed into metadata, the
 * `TRACKING_STORE` spans location) and merged with StartTraceV3.
 *
 * @module
 */
import type { z } from "zod";
import { attributesToNative, base64ToHex, type OtlpSpan } from "../fixtures/otlp/otlp_decoder.ts";
import type { Schemas } from "./_fake_mlflow_schemas.ts";

/** A stored trace. */
export interface FakeTrace {
  /** Trace info V3 as MLflow answers it. */
  info: Record<string, unknown> & {
    trace_id: string;
    trace_location: { type: string; mlflow_experiment: { experiment_id: string } };
    trace_metadata: Record<string, string>;
    tags: Record<string, string>;
  };
  /** Decoded OTLP spans, in arrival order. */
  spans: OtlpSpan[];
}

/** Traces by id. */
export class FakeTraceStore {
  /** Traces by id. */
  readonly traces = new Map<string, FakeTrace>();
  readonly #artifactLocation: (experimentId: string) => string;

  /** @param artifactLocation The artifact location of an experiment. */
  constructor(artifactLocation: (experimentId: string) => string) {
    this.#artifactLocation = artifactLocation;
  }

  #trace(traceId: string, experimentId: string): FakeTrace {
    const trace = this.traces.get(traceId) ?? {
      info: {
        trace_id: traceId,
        trace_location: {
          type: "MLFLOW_EXPERIMENT",
          mlflow_experiment: { experiment_id: experimentId },
        },
        trace_metadata: {},
        tags: {},
      },
      spans: [],
    };
    this.traces.set(traceId, trace);
    trace.info.tags["mlflow.artifactLocation"] = `${
      this.#artifactLocation(experimentId)
    }/traces/${traceId}/artifacts`;
    return trace;
  }

  /**
   * Stores one span received over OTLP.
   *
   * @throws {Error} `mlflow.traceRequestId` or `mlflow.spanType` not plain strings.
   */
  logSpan(experimentId: string, span: OtlpSpan): void {
    const traceId = `tr-${base64ToHex(span.traceId)}`;
    const attributes = attributesToNative(span.attributes);
    // MLflow reads these as plain strings; a JSON-quoted value ("\"LLM\"") would be kept as is.
    const requestId = attributes["mlflow.traceRequestId"];
    if (requestId !== undefined && requestId !== traceId) {
      throw new Error(`mlflow.traceRequestId ${JSON.stringify(requestId)} is not "${traceId}"`);
    }
    const spanType = attributes["mlflow.spanType"];
    if (spanType !== undefined && (typeof spanType !== "string" || spanType.startsWith('"'))) {
      throw new Error(`mlflow.spanType ${JSON.stringify(spanType)} is not a plain string`);
    }
    const trace = this.#trace(traceId, experimentId);
    trace.info.trace_metadata["mlflow.trace_schema.version"] ??= "3";
    trace.info.tags["mlflow.trace.spansLocation"] = "TRACKING_STORE";
    trace.spans.push(span);
    if (!span.parentSpanId) {
      const start = BigInt(span.startTimeUnixNano);
      trace.info.request_time = new Date(Number(start / 1_000_000n)).toISOString();
      trace.info.execution_duration = `${Number(BigInt(span.endTimeUnixNano) - start) / 1e9}s`;
      trace.info.state = span.status?.code === "STATUS_CODE_ERROR" ? "ERROR" : "OK";
      trace.info.tags["mlflow.traceName"] = span.name;
    }
    const usage = attributes["mlflow.chat.tokenUsage"];
    if (usage && typeof usage === "object") {
      const sum = JSON.parse(
        trace.info.trace_metadata["mlflow.trace.tokenUsage"] ?? "{}",
      ) as Record<string, number>;
      for (const [key, value] of Object.entries(usage)) sum[key] = (sum[key] ?? 0) + Number(value);
      trace.info.trace_metadata["mlflow.trace.tokenUsage"] = JSON.stringify(sum);
    }
  }

  /**
   * Records StartTraceV3's trace info, merged into what the spans created.
   *
   * @returns The stored trace info.
   */
  start(info: z.infer<typeof Schemas.startTrace>["trace"]["trace_info"]): FakeTrace["info"] {
    const trace = this.#trace(info.trace_id, info.trace_location.mlflow_experiment.experiment_id);
    const { trace_metadata, tags, ...rest } = info;
    Object.assign(trace.info, rest);
    Object.assign(trace.info.trace_metadata, trace_metadata ?? {});
    const location = trace.info.tags["mlflow.artifactLocation"];
    Object.assign(trace.info.tags, tags ?? {}, { "mlflow.artifactLocation": location });
    return trace.info;
  }

  /**
   * Trace infos of some experiments, newest first, filtered as MLflow does by conditions joined
   * with `AND`: ``metadata.`key` = 'value'``, ``tags.`key` = 'value'``, `attribute.run_id = 'id'`
   * (a trace of the run by its `mlflow.sourceRun`, or linked to it), `attributes.status = 'OK'`
   * and `attributes.timestamp_ms` compared with `>=`, `>`, `<=` or `<`.
   *
   * @returns Infos.
   * @throws {Error} A filter of another form.
   */
  search(
    experimentIds: string[],
    filter?: string,
    links: ReadonlySet<string> = new Set(),
  ): FakeTrace["info"][] {
    const tests = (filter?.trim() ? filter.trim().split(/\s+AND\s+/) : []).map((clause) =>
      traceCondition(clause, links)
    );
    return [...this.traces.values()].map((trace) => trace.info)
      .filter((info) => experimentIds.includes(info.trace_location.mlflow_experiment.experiment_id))
      .filter((info) => tests.every((test) => test(info)))
      .sort((a, b) => String(b.request_time ?? "").localeCompare(String(a.request_time ?? "")));
  }
}

/** One condition of a trace search filter, as a test of a trace info. */
function traceCondition(
  clause: string,
  links: ReadonlySet<string>,
): (info: FakeTrace["info"]) => boolean {
  const time = /^(?:attributes?|trace)\.timestamp_ms\s*(>=|>|<=|<)\s*(\d+)$/.exec(clause);
  if (time) {
    const bound = Number(time[2]);
    const compare = {
      ">=": (ms: number) => ms >= bound,
      ">": (ms: number) => ms > bound,
      "<=": (ms: number) => ms <= bound,
      "<": (ms: number) => ms < bound,
    }[time[1] as ">=" | ">" | "<=" | "<"];
    return (info) => compare(Date.parse(String(info.request_time ?? "")));
  }
  const condition = /^(metadata|tags|attributes?|trace)\.(?:`([^`]+)`|([\w.]+))\s*=\s*'([^']*)'$/
    .exec(clause);
  if (!condition) throw new Error(`Unsupported trace filter '${clause}'`);
  const [, scope, quoted, plain, value] = condition;
  const key = quoted ?? plain ?? "";
  if (scope === "metadata") return (info) => info.trace_metadata[key] === value;
  if (scope === "tags") return (info) => info.tags[key] === value;
  if (key === "status") return (info) => info.state === value;
  if (key === "run_id") {
    return (info) =>
      info.trace_metadata["mlflow.sourceRun"] === value ||
      links.has(`${info.trace_id} ${value}`);
  }
  throw new Error(`Unsupported trace filter '${clause}'`);
}

/**
 * An OTLP JSON value with snake_case field names, as MLflow's `message_to_json` writes spans
 * in `GET /api/3.0/mlflow/traces/get` (`trace_id`, `string_value`, ...).
 *
 * @param value Decoded OTLP JSON (camelCase).
 * @returns The same with snake_case keys.
 */
export function snakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCase);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      snakeCase(item),
    ]),
  );
}
