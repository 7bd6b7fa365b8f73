/**
 * OpenTelemetry where it pays: a run nests under a caller's span (a `traceparent`, the
 * `TRACEPARENT` variable, or the caller's active OpenTelemetry span), and with the standard
 * `OTEL_EXPORTER_OTLP_ENDPOINT` its spans also reach an OTLP collector, alongside MLflow.
 */
import { context, trace, TraceFlags } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { runWorkflow } from "../../src/runtime/run_workflow.ts";
import { runBatch } from "../../src/runtime/run_batch.ts";
import { flushTracking } from "../../src/runtime/flush_tracking.ts";
import { hexIdToBase64 } from "../../src/tracking/stored_span_json.ts";
import { FakeOtlpCollector } from "../_helpers/fake_otlp_collector.ts";
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import { GREETING, loaded, queryRows, tempDir } from "./_helpers.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

Deno.test("runWorkflow() nests under a traceparent and sends the same spans to an OTLP collector as to MLflow", async () => {
  await using dir = await tempDir();
  const collector = await FakeOtlpCollector.start();
  try {
    const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
    const warnings: string[] = [];
    const result = await runWorkflow(loaded(GREETING, { async_logging: false }), { name: "Ada" }, {
      mock: true,
      trackingUri: `sqlite:///${dir.path}/mlflow.db`,
      traceparent: TRACEPARENT,
      deps: { env: (name) => env[name], cwd: dir.path },
      warn: (message) => warnings.push(message),
    });
    assertEquals(warnings, []);
    assertEquals(result.metadata.traceId, `tr-${TRACE_ID}`);

    const db = `${dir.path}/mlflow.db`;
    const stored = queryRows(db, "SELECT span_id, parent_span_id, name FROM spans");
    const root = stored.find((row) => row.parent_span_id === null);
    assertEquals(root?.name, "workflow_greeting");
    assertEquals(queryRows(db, "SELECT request_id FROM trace_info"), [
      { request_id: `tr-${TRACE_ID}` },
    ]);

    assertEquals(collector.requests.length, 1);
    assertEquals(collector.requests[0]?.path, "/v1/traces");
    const spans = collector.spans;
    assertEquals(spans.length, stored.length);
    for (const span of spans) assertEquals(span.traceId, hexIdToBase64(TRACE_ID));
    const exportedRoot = spans.find((span) => span.name === "workflow_greeting");
    // In the collector the root hangs under the caller's span.
    assertEquals(exportedRoot?.parentSpanId, hexIdToBase64(SPAN_ID));
    assertEquals(exportedRoot?.spanId, hexIdToBase64(String(root?.span_id)));
  } finally {
    await collector.stop();
  }
});

Deno.test("runWorkflow() nests under the caller's active OpenTelemetry span", async () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  await using dir = await tempDir();
  try {
    const caller = trace.setSpanContext(context.active(), {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
    });
    const result = await context.with(
      caller,
      () =>
        runWorkflow(loaded(GREETING, { async_logging: false }), { name: "Ada" }, {
          mock: true,
          trackingUri: `sqlite:///${dir.path}/mlflow.db`,
          deps: { env: () => undefined, cwd: dir.path },
          warn: (message) => {
            throw new Error(`unexpected warning: ${message}`);
          },
        }),
    );
    assertEquals(result.metadata.traceId, `tr-${TRACE_ID}`);
    // Outside the caller's span, a run starts a trace of its own.
    const alone = await runWorkflow(loaded(GREETING, { async_logging: false }), { name: "Bo" }, {
      mock: true,
      trackingUri: `sqlite:///${dir.path}/mlflow.db`,
      deps: { env: () => undefined, cwd: dir.path },
    });
    assert(alone.metadata.traceId !== `tr-${TRACE_ID}`);
  } finally {
    context.disable();
    manager.disable();
  }
});

Deno.test("runWorkflow() follows TRACEPARENT, warns about a malformed one, and refuses a malformed option", async () => {
  await using dir = await tempDir();
  const run = (env: Record<string, string>, warnings: string[], traceparent?: string) =>
    runWorkflow(loaded(GREETING, { async_logging: false }), { name: "Ada" }, {
      mock: true,
      trackingUri: `sqlite:///${dir.path}/mlflow.db`,
      deps: { env: (name) => env[name], cwd: dir.path },
      warn: (message) => warnings.push(message),
      ...(traceparent === undefined ? {} : { traceparent }),
    });
  const inherited = await run({ TRACEPARENT }, []);
  assertEquals(inherited.metadata.traceId, `tr-${TRACE_ID}`);

  const warnings: string[] = [];
  const bad = await run({ TRACEPARENT: "00-nonsense" }, warnings);
  assert(bad.metadata.traceId?.startsWith("tr-") && bad.metadata.traceId !== `tr-${TRACE_ID}`);
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0]!, "the run does not nest under TRACEPARENT");

  await assertRejects(() => run({}, [], "01-abc"), SyntaxError);
});

Deno.test("runWorkflow() keeps recording in MLflow when the OTLP collector fails, with one warning", async () => {
  await using dir = await tempDir();
  const collector = await FakeOtlpCollector.start();
  collector.fail({ status: 400, body: "bad request", times: 10 });
  try {
    const env: Record<string, string> = {
      // Used as it is: nothing is appended to a traces endpoint.
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.tracesUrl,
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=collector-secret-42",
    };
    const warnings: string[] = [];
    for (const name of ["Ada", "Bo"]) {
      await runWorkflow(loaded(GREETING, { async_logging: false }), { name }, {
        mock: true,
        trackingUri: `sqlite:///${dir.path}/mlflow.db`,
        deps: { env: (key) => env[key], cwd: dir.path },
        warn: (message) => warnings.push(message),
      });
    }
    assertEquals(collector.requests.map((request) => request.path), ["/v1/traces", "/v1/traces"]);
    assertEquals(collector.requests[0]?.headers["x-api-key"], "collector-secret-42");
    assertEquals(queryRows(`${dir.path}/mlflow.db`, "SELECT COUNT(*) AS n FROM trace_info"), [
      { n: 2 },
    ]);
    // One warning per run's tracker, naming the collector and never its headers.
    assertEquals(warnings.length, 2);
    for (const warning of warnings) {
      assertStringIncludes(warning, "answered 400");
      assert(!warning.includes("collector-secret-42"));
    }
  } finally {
    await collector.stop();
  }
});

Deno.test("runWorkflow() twice under one traceparent: both runs' spans in the caller's trace, usage summed", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const run = (name: string) =>
    runWorkflow(loaded(GREETING, { async_logging: false }), { name }, {
      mock: true,
      trackingUri: `sqlite:///${db}`,
      traceparent: TRACEPARENT,
      deps: { env: () => undefined, cwd: dir.path },
      warn: (message) => {
        throw new Error(`unexpected warning: ${message}`);
      },
    });
  const first = await run("Ada");
  const usageAfterFirst = queryRows(
    db,
    "SELECT value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'",
  );
  const spansAfterFirst = queryRows(db, "SELECT span_id FROM spans").length;
  const second = await run("Bo");
  assertEquals([first.metadata.traceId, second.metadata.traceId], [
    `tr-${TRACE_ID}`,
    `tr-${TRACE_ID}`,
  ]);
  assertEquals(queryRows(db, "SELECT request_id FROM trace_info").length, 1);
  // Each run keeps its own root and every span of it (the second was dropped before).
  const roots = queryRows(db, "SELECT name FROM spans WHERE parent_span_id IS NULL");
  assertEquals(roots.map((row) => row.name), ["workflow_greeting", "workflow_greeting"]);
  assertEquals(queryRows(db, "SELECT span_id FROM spans").length, 2 * spansAfterFirst);
  const once = JSON.parse(String(usageAfterFirst[0]?.value));
  const [usage] = queryRows(
    db,
    "SELECT value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'",
  );
  const both = JSON.parse(String(usage?.value));
  assert(both.total_tokens > once.total_tokens, `${both.total_tokens} <= ${once.total_tokens}`);
  assertEquals(
    queryRows(db, "SELECT value FROM trace_metrics WHERE key = 'total_tokens'"),
    [{ value: both.total_tokens }],
  );
  // The trace's time range covers both runs.
  const [info] = queryRows(db, "SELECT timestamp_ms, execution_time_ms FROM trace_info");
  const [range] = queryRows(
    db,
    "SELECT min(start_time_unix_nano) / 1000000 AS start, max(end_time_unix_nano) / 1000000 AS end FROM spans",
  );
  assertEquals(info?.timestamp_ms, range?.start);
  // Durations are whole milliseconds, cut down: the end may fall 1 ms short.
  const shortBy = Number(range?.end) -
    (Number(info?.timestamp_ms) + Number(info?.execution_time_ms));
  assert(shortBy === 0 || shortBy === 1, `the trace ends ${shortBy} ms before its last span`);
});

Deno.test("runWorkflow() twice under one traceparent onto a tracking server: both runs' spans in the caller's trace", async () => {
  await using dir = await tempDir();
  const server = await FakeMlflowServer.start();
  try {
    const run = (name: string) =>
      runWorkflow(loaded(GREETING, { async_logging: false }), { name }, {
        mock: true,
        trackingUri: server.url,
        traceparent: TRACEPARENT,
        deps: { env: () => undefined, cwd: dir.path },
        warn: (message) => {
          throw new Error(`unexpected warning: ${message}`);
        },
      });
    await run("Ada");
    const spansOfOne = server.traces.get(`tr-${TRACE_ID}`)?.spans.length ?? 0;
    assert(spansOfOne > 0);
    await run("Bo");
    assertEquals([...server.traces.keys()], [`tr-${TRACE_ID}`]);
    const spans = server.traces.get(`tr-${TRACE_ID}`)!.spans;
    // The second run's spans joined the trace (they were dropped as already present before).
    assertEquals(spans.length, 2 * spansOfOne);
    assertEquals(new Set(spans.map((span) => span.spanId)).size, spans.length);
    const roots = spans.filter((span) => span.name === "workflow_greeting");
    assertEquals(roots.length, 2);
  } finally {
    await server.stop();
  }
});

Deno.test("runBatch() under TRACEPARENT and the caller's active span records each record as a trace of its own", async () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  try {
    const caller = trace.setSpanContext(context.active(), {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
    });
    const env: Record<string, string> = { TRACEPARENT };
    const items = [1, 2, 3].map((line) => ({ line, inputs: { name: `person ${line}` } }));
    const summary = await context.with(caller, () =>
      runBatch(loaded(GREETING), items, {
        mock: true,
        concurrency: 2,
        trackingUri: `sqlite:///${db}`,
        deps: { cwd: dir.path, env: (name) => env[name] },
        warn: (message) => {
          throw new Error(`unexpected warning: ${message}`);
        },
      }));
    await flushTracking();
    assertEquals(summary.succeeded, 3);
    const traces = queryRows(db, "SELECT request_id FROM trace_info");
    // Three traces, none of them the caller's (they would have merged into one before).
    assertEquals(traces.length, 3);
    assert(traces.every((row) => row.request_id !== `tr-${TRACE_ID}`));
  } finally {
    context.disable();
  }
});
