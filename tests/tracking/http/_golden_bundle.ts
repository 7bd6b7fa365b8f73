/**
 * The golden wire capture (what MLflow's own Python client sent to a real server) and a
 * TraceBundle holding exactly that run and trace, so that what our sink sends can be compared
 * with what MLflow sent.
 *
 * @module
 */
import type { RunRecord, SpanRecord, TraceBundle } from "../../../src/tracking/trace_bundle.ts";

/** A bundle with an MLflow run of its own (one run per execution). */
export type BundleWithRun = TraceBundle & { run: RunRecord };
import {
  attributesToNative,
  base64ToHex,
  type OtlpExportRequest,
  type OtlpSpan,
  spansOf,
} from "../../fixtures/otlp/otlp_decoder.ts";

/** One request of the golden capture. */
export interface GoldenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  body_otlp_as_json?: OtlpExportRequest;
  response: { status: number; body: unknown };
}

/** Every request of `golden-http-wire.jsonl`, in order. */
export async function goldenWire(): Promise<GoldenRequest[]> {
  const text = await Deno.readTextFile(
    new URL("../../fixtures/otlp/golden-http-wire.jsonl", import.meta.url),
  );
  return text.trim().split("\n").map((line) => JSON.parse(line) as GoldenRequest);
}

/** The golden request to a path (the first, or the `index`th). */
export function goldenTo(wire: GoldenRequest[], path: string, index = 0): GoldenRequest {
  const found = wire.filter((request) => request.path.split("?")[0] === path)[index];
  if (!found) throw new Error(`The golden capture has no request ${index} to ${path}`);
  return found;
}

/** The golden OTLP spans. */
export function goldenSpans(wire: GoldenRequest[]): OtlpSpan[] {
  const body = goldenTo(wire, "/v1/traces").body_otlp_as_json;
  if (!body) throw new Error("The golden /v1/traces request has no decoded body");
  return spansOf(body);
}

const STATUS: Record<string, SpanRecord["status"]["code"]> = {
  STATUS_CODE_OK: "OK",
  STATUS_CODE_ERROR: "ERROR",
  STATUS_CODE_UNSET: "UNSET",
};

/**
 * The golden run and trace as a bundle (experiment `golden-http`), with a `cost_summary.json`
 * artifact like the golden rows' run.
 *
 * @param trackingUri Destination.
 * @returns The bundle.
 */
export async function goldenBundle(trackingUri: string): Promise<BundleWithRun> {
  const wire = await goldenWire();
  const spans = goldenSpans(wire).map((span): SpanRecord => ({
    traceId: base64ToHex(span.traceId),
    spanId: base64ToHex(span.spanId),
    parentSpanId: span.parentSpanId ? base64ToHex(span.parentSpanId) : null,
    name: span.name,
    startTimeUnixNano: BigInt(span.startTimeUnixNano),
    endTimeUnixNano: BigInt(span.endTimeUnixNano),
    status: {
      code: STATUS[span.status?.code ?? "STATUS_CODE_UNSET"] ?? "UNSET",
      message: span.status?.message ?? "",
    },
    attributes: attributesToNative(span.attributes),
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      timeUnixNano: BigInt(event.timeUnixNano),
      attributes: attributesToNative(event.attributes),
    })),
  }));
  const startTrace = goldenTo(wire, "/api/3.0/mlflow/traces").body as {
    trace: {
      trace_info: Record<string, unknown> & {
        trace_metadata: Record<string, string>;
        tags: Record<string, string>;
      };
    };
  };
  const info = startTrace.trace.trace_info;
  const { "mlflow.sourceRun": _run, ...metadata } = info.trace_metadata;
  const createRun = goldenTo(wire, "/api/2.0/mlflow/runs/create").body as {
    run_name: string;
    start_time: number;
    tags: { key: string; value: string }[];
  };
  const params = goldenTo(wire, "/api/2.0/mlflow/runs/log-batch", 0).body as {
    params: { key: string; value: string }[];
  };
  const metrics = goldenTo(wire, "/api/2.0/mlflow/runs/log-batch", 1).body as {
    metrics: { key: string; value: number; timestamp: number }[];
  };
  const update = goldenTo(wire, "/api/2.0/mlflow/runs/update").body as {
    status: "FINISHED";
    end_time: number;
  };
  const traceId = String(info.trace_id);
  return {
    version: 1,
    trackingUri,
    experimentName: "golden-http",
    trace: {
      traceId,
      requestTimeMs: Date.parse(String(info.request_time)),
      executionTimeMs: Math.round(Number(String(info.execution_duration).replace("s", "")) * 1000),
      state: info.state === "ERROR" ? "ERROR" : "OK",
      requestPreview: String(info.request_preview),
      responsePreview: String(info.response_preview),
      metadata,
      tags: info.tags,
      spans,
    },
    run: {
      runName: createRun.run_name,
      startTimeMs: createRun.start_time,
      endTimeMs: metrics.metrics[0]?.timestamp ?? update.end_time,
      status: update.status,
      params: Object.fromEntries(params.params.map((p) => [p.key, p.value])),
      metrics: Object.fromEntries(metrics.metrics.map((m) => [m.key, m.value])),
      tags: {
        ...Object.fromEntries(createRun.tags.map((t) => [t.key, t.value])),
        "configurable_agents.trace_id": traceId,
      },
      artifacts: [{ path: "cost_summary.json", content: '{"total_cost_usd": 1.98e-05}' }],
    },
  };
}

/** A copy of a bundle with another trace id (spans included), for tests that need several. */
export function withTraceId<T extends TraceBundle>(bundle: T, hex: string): T {
  const traceId = `tr-${hex}`;
  return {
    ...bundle,
    trace: {
      ...bundle.trace,
      traceId,
      spans: bundle.trace.spans.map((span) => ({ ...span, traceId: hex })),
    },
    ...(bundle.run
      ? {
        run: {
          ...bundle.run,
          tags: { ...bundle.run.tags, "configurable_agents.trace_id": traceId },
        },
      }
      : {}),
  };
}
