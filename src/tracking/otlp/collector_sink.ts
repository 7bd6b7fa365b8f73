/**
 * `withCollector`: a sink that also sends every trace's spans to an OTLP collector (Jaeger, an
 * OpenTelemetry Collector, Tempo, ...), alongside MLflow. The collector gets the spans as
 * OpenTelemetry sees them: a run that nests under a caller's span has that span as the root's
 * parent there. The collector is best effort: its failures are warned about once and never
 * keep a trace from MLflow, nor put it in the spool.
 *
 * @module
 */
import { redactUri } from "../http/mlflow_auth.ts";
import {
  type DeliveryReceipt,
  isRunBundle,
  type SpanRecord,
  type TraceBundle,
  type TraceSink,
  type TrackingBundle,
} from "../trace_bundle.ts";
import { encodeOtlp } from "./encode_otlp.ts";
import type { OtlpCollectorConfig } from "./otlp_env.ts";
import { exportOtlp } from "./otlp_export.ts";

/** What {@linkcode withCollector} needs besides the collector. */
export interface WithCollectorOptions {
  /** Receives the one warning about a failing collector. */
  warn: (message: string) => void;
  /**
   * The fetch to send with.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
}

/**
 * The spans of a trace as the collector should see them: the root's parent is the remote span
 * the run nests under, when it has one.
 *
 * @param bundle A finished run.
 * @returns Its spans.
 */
export function collectorSpans(bundle: TraceBundle): SpanRecord[] {
  const remote = bundle.trace.remoteParentSpanId;
  if (remote === undefined) return bundle.trace.spans;
  return bundle.trace.spans.map((span) =>
    span.parentSpanId === null ? { ...span, parentSpanId: remote } : span
  );
}

/**
 * Wraps a sink so that each delivered trace also goes to an OTLP collector, at the same time.
 *
 * @example Usage
 * ```ts
 * import { withCollector } from "./collector_sink.ts";
 * const sink = withCollector(
 *   { deliver: () => Promise.reject(new Error("unused")), close: () => Promise.resolve() },
 *   {
 *     endpoint: "http://127.0.0.1:4318/v1/traces", headers: {}, timeoutMs: 1000,
 *     protocol: "http/protobuf", compression: "none",
 *     resourceAttributes: { "service.name": "configurable-agents" },
 *   },
 *   { warn: () => {} },
 * );
 * await sink.close();
 * ```
 *
 * @param sink The MLflow sink; its outcome is the delivery's.
 * @param collector Where the spans also go (see `readOtlpEnv`).
 * @param options The warning sink and fetch.
 * @returns The sink.
 */
export function withCollector(
  sink: TraceSink,
  collector: OtlpCollectorConfig,
  options: WithCollectorOptions,
): TraceSink {
  const controller = new AbortController();
  let warned = false;
  const send = async (bundle: TraceBundle): Promise<void> => {
    const result = await exportOtlp(
      encodeOtlp(collectorSpans(bundle), {
        protocol: collector.protocol,
        resourceAttributes: collector.resourceAttributes,
      }),
      {
        url: collector.endpoint,
        headers: collector.headers,
        timeoutMs: collector.timeoutMs,
        compression: collector.compression,
        signal: controller.signal,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
    );
    if (result.ok || warned || controller.signal.aborted) return;
    warned = true;
    options.warn(
      `${result.error.message}: the OTLP collector "${
        redactUri(collector.endpoint)
      }" misses this trace and maybe others; MLflow still gets them`,
    );
  };
  return {
    async deliver(bundle: TrackingBundle): Promise<DeliveryReceipt> {
      // A group run's end has no spans: only MLflow gets it.
      if (isRunBundle(bundle)) return await sink.deliver(bundle);
      const [receipt] = await Promise.all([sink.deliver(bundle), send(bundle)]);
      return receipt;
    },
    async close(): Promise<void> {
      controller.abort();
      await sink.close();
    },
  };
}
