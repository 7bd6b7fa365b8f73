/**
 * A span processor that keeps the finished spans of each trace in memory and hands them over
 * once the trace's root span has ended. Nothing is exported anywhere from here: the tracker
 * turns the spans into a `TraceBundle`.
 *
 * @module
 */
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";

/** Collects the spans of every trace until its root ends. */
export class SpanCollector implements SpanProcessor {
  readonly #open = new Map<string, ReadableSpan[]>();
  readonly #finished = new Map<string, ReadableSpan[]>();

  /**
   * Starts a trace's list when its root span starts.
   *
   * @param span The span that started.
   * @param _parentContext Its parent context (unused).
   */
  onStart(span: Span, _parentContext: Context): void {
    const traceId = span.spanContext().traceId;
    if (!this.#open.has(traceId) && span.parentSpanContext === undefined) {
      this.#open.set(traceId, []);
    }
  }

  /**
   * Records a finished span; when it is the root, the trace is complete.
   *
   * @param span The span that ended.
   */
  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const spans = this.#open.get(traceId);
    if (spans === undefined) return;
    spans.push(span);
    if (span.parentSpanContext === undefined) {
      this.#open.delete(traceId);
      this.#finished.set(traceId, spans);
    }
  }

  /**
   * Removes and returns the spans of a complete trace.
   *
   * @param traceId The 32-hex OpenTelemetry trace id.
   * @returns Its spans in the order they ended, or `undefined` when the root has not ended.
   */
  take(traceId: string): ReadableSpan[] | undefined {
    const spans = this.#finished.get(traceId);
    this.#finished.delete(traceId);
    return spans;
  }

  /**
   * Nothing is buffered for export.
   *
   * @returns A resolved promise.
   */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Drops whatever is still held.
   *
   * @returns A resolved promise.
   */
  shutdown(): Promise<void> {
    this.#open.clear();
    this.#finished.clear();
    return Promise.resolve();
  }
}
