/**
 * The tracer used when tracking is off: spans run their function and record nothing.
 *
 * @module
 */
import type { RunRecordIds, RunTrace, SpanScope, Tracer } from "../tracking/tracer.ts";

const NOOP_SCOPE: SpanScope = {
  traceparent: undefined,
  setOutputs() {},
  setLlmCall() {},
  setAttributes() {},
};

const NOOP_TRACE: RunTrace = {
  traceId: undefined,
  span: (_options, fn) => fn(NOOP_SCOPE),
  snapshot() {},
  finish: (): Promise<RunRecordIds> => Promise.resolve({ traceId: undefined, runId: undefined }),
};

/** A tracer that records nothing. */
export const NOOP_TRACER: Tracer = { startRun: () => NOOP_TRACE };
