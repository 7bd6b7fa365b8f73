import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import { MlflowTracker } from "../../src/tracking/mlflow_tracker.ts";
import type { SpanRecord, TraceBundle } from "../../src/tracking/trace_bundle.ts";
import type { RunStart } from "../../src/tracking/tracer.ts";
import {
  fakeClock,
  GOLDEN_CALL,
  memorySink,
  ownRun,
  recordGoldenShapedRun,
  syncTracker,
} from "./_helpers.ts";

/**
 * A tracker giving each run an MLflow run of its own (the opt-in `run_per_execution`): most tests
 * here are about that run; the default (a trace without a run) is tested on its own below.
 */
function tracker(delivery = memorySink(), mlflow = {}) {
  return {
    delivery,
    tracker: syncTracker(delivery, {
      mlflow,
      now: fakeClock(),
      user: "tester",
      runPerExecution: true,
    }),
  };
}

function byName(bundle: TraceBundle, name: string): SpanRecord {
  const span = bundle.trace.spans.find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`No span named ${name}`);
  return span;
}

function start(name: string): RunStart {
  return {
    workflowName: name,
    workflowVersion: "2",
    nodeCount: 1,
    provider: "openai",
    model: "gpt-4o-mini",
    inputs: { name },
  };
}

Deno.test("MlflowTracker.startRun() records the span tree with MLflow's types and attributes", async () => {
  const { tracker: t, delivery } = tracker();
  const ids = await recordGoldenShapedRun(t);
  const bundle = delivery.bundles[0];
  assert(bundle !== undefined);
  assertEquals(ids.traceId, bundle.trace.traceId);
  assertEquals(bundle.trace.traceId, `tr-${bundle.trace.spans[0]?.traceId}`);
  const root = byName(bundle, "workflow_demo");
  const write = byName(bundle, "write");
  const chat = byName(bundle, "ChatOpenAI");
  const tool = byName(bundle, "serper_search");
  const review = byName(bundle, "review");
  assertEquals(root.parentSpanId, null);
  assertEquals([write.parentSpanId, review.parentSpanId], [root.spanId, root.spanId]);
  assertEquals([chat.parentSpanId, tool.parentSpanId], [write.spanId, write.spanId]);
  for (const span of bundle.trace.spans) {
    assertEquals(span.traceId, root.traceId);
    assertEquals(span.attributes["mlflow.traceRequestId"], bundle.trace.traceId);
    assert(/^[0-9a-f]{16}$/.test(span.spanId));
  }
  assertEquals(
    bundle.trace.spans.map((
      span,
    ) => [span.name, span.attributes["mlflow.spanType"], span.status.code]),
    [
      ["workflow_demo", "AGENT", "OK"],
      ["write", "CHAIN", "OK"],
      ["ChatOpenAI", "CHAT_MODEL", "OK"],
      ["serper_search", "TOOL", "OK"],
      ["review", "CHAIN", "ERROR"],
    ],
  );
  assertEquals(root.attributes["mlflow.spanInputs"], { topic: "tide pools" });
  assertEquals(root.attributes["mlflow.spanOutputs"], {
    draft: "Tide pools are...",
    approved: false,
  });
  assertEquals(root.attributes.workflow_name, "demo");
  assertEquals(root.attributes.workflow_version, "unversioned");
  assertEquals(root.attributes.node_count, 2);
  assertEquals(chat.attributes["mlflow.chat.tokenUsage"], {
    input_tokens: 12,
    output_tokens: 30,
    total_tokens: 42,
  });
  assertEquals(chat.attributes["mlflow.llm.model"], "gpt-4o-mini");
  assertEquals(chat.attributes["mlflow.llm.provider"], "openai");
  assertEquals(chat.attributes["mlflow.llm.cost"], GOLDEN_CALL.cost);
  assertEquals(chat.attributes["mlflow.message.format"], "langchain");
  assertEquals(tool.attributes["mlflow.spanOutputs"], { results: ["a", "b"] });
  assertEquals(review.status.message, "TypeError: model returned invalid JSON");
  assertEquals(review.events.length, 1);
  const event = review.events[0];
  assertEquals(event?.name, "exception");
  assertEquals(event?.attributes["exception.type"], "TypeError");
  assertEquals(event?.attributes["exception.message"], "model returned invalid JSON");
  assertStringIncludes(
    String(event?.attributes["exception.stacktrace"]),
    "TypeError: model returned",
  );
  assertEquals(bundle.trace.state, "OK");
  assertEquals(ownRun(bundle).status, "FINISHED");
});

Deno.test("MlflowTracker records the trace info, metadata and tags MLflow expects", async () => {
  const { tracker: t, delivery } = tracker();
  await recordGoldenShapedRun(t);
  const trace = delivery.bundles[0]?.trace;
  assert(trace !== undefined);
  assertEquals(trace.requestTimeMs, 1_795_758_413_000);
  assertEquals(trace.requestPreview, '{"topic": "tide pools"}');
  assertEquals(trace.responsePreview, '{"draft": "Tide pools are...", "approved": false}');
  assertEquals(trace.tags, {
    "mlflow.traceName": "workflow_demo",
    "configurable_agents.workflow": "demo",
  });
  assertEquals(trace.metadata["mlflow.trace_schema.version"], "3");
  assertEquals(trace.metadata["mlflow.user"], "tester");
  assertEquals(trace.metadata["mlflow.source.type"], "LOCAL");
  assertEquals(
    trace.metadata["mlflow.trace.tokenUsage"],
    '{"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}',
  );
  assertEquals(
    trace.metadata["mlflow.trace.cost"],
    '{"input_cost": 1.8e-06, "output_cost": 1.8e-05, "total_cost": 1.98e-05}',
  );
  assertEquals(trace.metadata["mlflow.traceInputs"], '{"topic": "tide pools"}');
  const stats = JSON.parse(trace.metadata["mlflow.trace.sizeStats"] ?? "{}");
  assertEquals(stats.num_spans, 5);
  assertEquals(String(stats.total_size_bytes), trace.metadata["mlflow.trace.sizeBytes"]);
});

Deno.test("MlflowTracker records one MLflow run with params, metrics and tags", async () => {
  const { tracker: t, delivery } = tracker();
  await recordGoldenShapedRun(t);
  const bundle = delivery.bundles[0];
  assert(bundle !== undefined);
  const run = ownRun(bundle);
  assertEquals(run.params, {
    workflow_name: "demo",
    workflow_version: "unversioned",
    provider: "openai",
    model: "gpt-4o-mini",
    schema_version: "1.0",
    node_count: "2",
  });
  assertEquals(run.metrics.total_cost_usd, 1.98e-5);
  assertEquals(run.metrics.total_input_tokens, 12);
  assertEquals(run.metrics.total_output_tokens, 30);
  assertEquals(run.metrics.total_tokens, 42);
  assertEquals(run.metrics.node_count, 2);
  assertEquals(run.metrics.status, 1);
  assertEquals(run.metrics.node_write_cost_usd, 1.98e-5);
  assertEquals(run.metrics.node_review_cost_usd, 0);
  const write = byName(bundle, "write");
  assertEquals(
    run.metrics.node_write_duration_ms,
    Number(write.endTimeUnixNano - write.startTimeUnixNano) / 1e6,
  );
  assertEquals(run.metrics.duration_seconds, (run.endTimeMs - run.startTimeMs) / 1000);
  assertEquals(run.tags["configurable_agents.trace_id"], bundle.trace.traceId);
  assertEquals(run.tags["mlflow.runName"], run.runName);
  assertEquals(run.runName, "demo-20261127-054653");
  assertEquals(run.tags["mlflow.user"], "tester");
  assertEquals(run.tags["configurable_agents.cost_unknown_models"], undefined);
});

Deno.test("MlflowTracker names the run from the run_name template", async () => {
  const { tracker: t, delivery } = tracker(memorySink(), {
    run_name: "{flow_name}@{version} {date}",
  });
  await t.startRun(start("named")).finish({ status: "success", outputs: {} });
  assertEquals(ownRun(delivery.bundles[0]).runName, "named@2 2026-11-27");
});

Deno.test("MlflowTracker marks cost unknown when a call has no price (NaN, tag, no trace cost)", async () => {
  const { tracker: t, delivery } = tracker();
  await recordGoldenShapedRun(t, {
    ...GOLDEN_CALL,
    model: "gpt-x",
    pricedAs: { provider: "openai", model: "gpt-x" },
    cost: undefined,
  });
  const bundle = delivery.bundles[0];
  assert(bundle !== undefined);
  assert(Number.isNaN(ownRun(bundle).metrics.total_cost_usd));
  assert(Number.isNaN(ownRun(bundle).metrics.node_write_cost_usd));
  assertEquals(ownRun(bundle).metrics.node_review_cost_usd, 0);
  assertEquals(ownRun(bundle).tags["configurable_agents.cost_unknown_models"], "openai/gpt-x");
  assertEquals(bundle.trace.metadata["mlflow.trace.cost"], undefined);
  assertEquals(byName(bundle, "ChatOpenAI").attributes["mlflow.llm.cost"], undefined);
  const summary = JSON.parse(
    ownRun(bundle).artifacts.find((file) => file.path === "cost_summary.json")?.content ?? "{}",
  );
  assertEquals(summary.complete, false);
  assertEquals(summary.unpriced_models, ["openai/gpt-x"]);
  assertEquals(summary.total.cost_usd, null);
  assertEquals(summary.by_node.write.cost_usd, null);
});

Deno.test("MlflowTracker prices a mock call as its real model and says so", async () => {
  const { tracker: t, delivery } = tracker();
  await recordGoldenShapedRun(t, { ...GOLDEN_CALL, provider: "mock" });
  const bundle = delivery.bundles[0];
  assert(bundle !== undefined);
  const chat = byName(bundle, "ChatOpenAI");
  assertEquals(chat.attributes["mlflow.llm.provider"], "mock");
  assertEquals(chat.attributes["configurable_agents.priced_as"], "openai/gpt-4o-mini");
  assertEquals(ownRun(bundle).metrics.total_cost_usd, 1.98e-5);
  const summary = JSON.parse(
    ownRun(bundle).artifacts.find((file) => file.path === "cost_summary.json")?.content ?? "{}",
  );
  assertEquals(Object.keys(summary.by_model), ["openai/gpt-4o-mini"]);
  assertEquals(summary.by_node.write.cost_usd, 1.98e-5);
  assertEquals(summary.by_node.review, {
    executions: 1,
    duration_ms: summary.by_node.review.duration_ms,
    calls: 0,
    input_tokens: 0,
    output_tokens: 0,
    total_tokens: 0,
    cost_usd: 0,
    cost: { input_cost: 0, output_cost: 0, total_cost: 0 },
    known_cost_usd: 0,
    unpriced_calls: 0,
  });
});

Deno.test("RunTrace.span() rethrows after recording the exception, and ends the run ERROR on failure", async () => {
  const { tracker: t, delivery } = tracker();
  const run = t.startRun(start("fails"));
  const error = new RangeError("budget exhausted");
  await assertRejects(
    () => run.span({ type: "CHAIN", name: "n", nodeId: "n" }, () => Promise.reject(error)),
    RangeError,
    "budget exhausted",
  );
  const ids = await run.finish({ status: "failed", error, reason: "budget_exceeded" });
  const bundle = delivery.bundles[0];
  assert(bundle !== undefined);
  assertEquals(ids.traceId, bundle.trace.traceId);
  assertEquals(bundle.trace.state, "ERROR");
  assertEquals(ownRun(bundle).status, "FAILED");
  assertEquals(ownRun(bundle).metrics.status, 0);
  const root = byName(bundle, "workflow_fails");
  assertEquals(root.status, { code: "ERROR", message: "RangeError: budget exhausted" });
  assertEquals(root.attributes["configurable_agents.stop_reason"], "budget_exceeded");
  assertEquals(bundle.trace.tags["configurable_agents.stop_reason"], "budget_exceeded");
  assertEquals(ownRun(bundle).tags["configurable_agents.stop_reason"], "budget_exceeded");
  const errorFile = ownRun(bundle).artifacts.find((file) => file.path === "error.json");
  assertEquals(JSON.parse(errorFile?.content ?? "{}"), {
    status: "failed",
    reason: "budget_exceeded",
    type: "RangeError",
    message: "budget exhausted",
    node_id: null,
  });
});

Deno.test("RunTrace.span() parents to the innermost open span of its own run only", async () => {
  const { tracker: t, delivery } = tracker();
  const a = t.startRun(start("a"));
  const b = t.startRun(start("b"));
  const aStarted = Promise.withResolvers<void>();
  const bStarted = Promise.withResolvers<void>();
  const bDone = Promise.withResolvers<void>();
  const runA = a.span({ type: "CHAIN", name: "a_node", nodeId: "a_node" }, async () => {
    aStarted.resolve();
    await bStarted.promise;
    await a.span({ type: "TOOL", name: "a_tool" }, async () => {
      // Called from inside run A's span: run B must not adopt run A's span as parent.
      await b.span({ type: "TOOL", name: "b_from_a" }, () => Promise.resolve());
    });
    await bDone.promise;
  });
  const runB = b.span({ type: "CHAIN", name: "b_node", nodeId: "b_node" }, async () => {
    await aStarted.promise;
    bStarted.resolve();
    await b.span({ type: "CHAT_MODEL", name: "b_model" }, () => Promise.resolve());
    bDone.resolve();
  });
  await Promise.all([runA, runB]);
  await Promise.all([a.finish({ status: "success" }), b.finish({ status: "success" })]);
  const [bundleA, bundleB] = delivery.bundles;
  assert(bundleA !== undefined && bundleB !== undefined);
  assertEquals(bundleA.trace.spans.map((s) => s.name).sort(), ["a_node", "a_tool", "workflow_a"]);
  assertEquals(
    bundleB.trace.spans.map((s) => s.name).sort(),
    ["b_from_a", "b_model", "b_node", "workflow_b"],
  );
  assertEquals(byName(bundleA, "a_tool").parentSpanId, byName(bundleA, "a_node").spanId);
  assertEquals(byName(bundleB, "b_from_a").parentSpanId, byName(bundleB, "workflow_b").spanId);
  assertEquals(byName(bundleB, "b_model").parentSpanId, byName(bundleB, "b_node").spanId);
  for (const span of bundleB.trace.spans) {
    assertEquals(span.traceId, byName(bundleB, "workflow_b").traceId);
  }
  assert(bundleA.trace.traceId !== bundleB.trace.traceId);
});

Deno.test("RunTrace.finish() with status cancelled ends every open span and the trace as ERROR", async () => {
  const { tracker: t, delivery } = tracker();
  const run = t.startRun(start("slow"));
  const release = Promise.withResolvers<void>();
  const entered = Promise.withResolvers<void>();
  const pending = run.span({ type: "CHAIN", name: "slow_node", nodeId: "slow_node" }, async () => {
    await run.span({ type: "CHAT_MODEL", name: "model" }, async () => {
      entered.resolve();
      await release.promise;
    });
  });
  await entered.promise;
  await run.finish({ status: "cancelled", reason: "sigint" });
  release.resolve();
  await pending;
  const bundle = delivery.bundles[0];
  assert(bundle !== undefined);
  assertEquals(bundle.trace.state, "ERROR");
  assertEquals(ownRun(bundle).status, "KILLED");
  for (const span of bundle.trace.spans) {
    assertEquals(span.status.code, "ERROR", span.name);
    assert(span.endTimeUnixNano >= span.startTimeUnixNano);
  }
  assertEquals(byName(bundle, "model").status.message, "Cancelled: The run was cancelled (sigint)");
  assertEquals(delivery.bundles.length, 1);
});

Deno.test("MlflowTracker.close() ends open runs as ERROR, waits for the sink, and records nothing after", async () => {
  const sink = memorySink();
  const t = syncTracker(sink, { now: fakeClock(), runPerExecution: true });
  const run = t.startRun(start("open"));
  const entered = Promise.withResolvers<void>();
  const never = Promise.withResolvers<void>();
  void run.span({ type: "CHAIN", name: "stuck", nodeId: "stuck" }, async () => {
    entered.resolve();
    await never.promise;
  });
  await entered.promise;
  assertEquals(t.openRuns, 1);
  await t.close({ timeoutMs: 1234 });
  assertEquals(t.openRuns, 0);
  assertEquals(sink.closed, 1);
  const bundle = sink.bundles[0];
  assert(bundle !== undefined);
  assertEquals(bundle.trace.state, "ERROR");
  assertEquals(ownRun(bundle).status, "KILLED");
  assertEquals(bundle.trace.tags["configurable_agents.stop_reason"], "interrupted");
  assertEquals(byName(bundle, "stuck").status.code, "ERROR");
  const later = await run.finish({ status: "success" });
  assertEquals(later.traceId, bundle.trace.traceId);
  assertEquals(sink.bundles.length, 1);
  assertEquals(t.startRun(start("after")).traceId, undefined);
  await t.close();
  assertEquals(sink.closed, 1);
  never.resolve();
});

Deno.test("MlflowTracker.close() waits at most its bound for a slow sink, then spools what is left", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const gate = Promise.withResolvers<void>();
    const warnings: string[] = [];
    const t = new MlflowTracker({
      trackingUri: "sqlite:///mlflow.db",
      experimentName: "tests",
      preflight: false,
      spool: { dir },
      warn: (message) => warnings.push(message),
      sink: {
        deliver: async () => {
          await gate.promise;
          return { experimentId: "1", runId: "r", alreadyPresent: false };
        },
        close: () => Promise.resolve(),
      },
    });
    const ids = await t.startRun(start("slow")).finish({ status: "success" });
    assertEquals(ids.runId, undefined);
    assertEquals(t.pending, 1);
    const started = performance.now();
    await t.close({ timeoutMs: 50 });
    assert(performance.now() - started < 5000);
    assertEquals(t.pending, 0);
    const files = [...Deno.readDirSync(dir)].map((entry) => entry.name);
    assertEquals(files, [`${ids.traceId}.json`]);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0]!, 'Cannot finish delivering 1 trace to "sqlite:///mlflow.db"');
    gate.resolve();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RunTrace.finish() never throws for a tracking problem and warns once", async () => {
  const warnings: string[] = [];
  const t = syncTracker({
    deliver: () => Promise.reject(new Error("disk full")),
    close: () => Promise.resolve(),
  }, {
    now: fakeClock(),
    warn: (message) => warnings.push(message),
    spool: {
      dir: "/nonexistent/read-only/spool",
      files: {
        mkdir: () => Promise.reject(new Deno.errors.NotCapable("Requires write access")),
        writeTextFile: () => Promise.reject(new Error("unused")),
        rename: () => Promise.reject(new Error("unused")),
        readTextFile: () => Promise.reject(new Error("unused")),
        readDir: () => Promise.resolve([]),
        remove: () => Promise.resolve(),
        modifiedAt: () => Promise.resolve(undefined),
        touch: () => Promise.resolve(),
      },
    },
  });
  const run = t.startRun(start("x"));
  const ids = await run.finish({ status: "success" });
  assertEquals(ids, { traceId: run.traceId, runId: undefined });
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0] ?? "", "disk full");
  assertStringIncludes(
    warnings[0] ?? "",
    "it is lost; add --allow-write=/nonexistent/read-only/spool",
  );
});

Deno.test("MlflowTracker logs artifacts per artifact_level and log_artifacts", async () => {
  const paths = async (
    mlflow: Record<string, unknown>,
    nodes: { id: string; log_artifacts?: boolean }[] = [],
  ) => {
    const sink = memorySink();
    const t = syncTracker(sink, { mlflow, nodes, now: fakeClock(), runPerExecution: true });
    await recordGoldenShapedRun(t);
    return ownRun(sink.bundles[0]).artifacts.map((file) => file.path);
  };
  assertEquals(await paths({ artifact_level: "minimal" }), [
    "inputs.json",
    "outputs.json",
    "cost_summary.json",
  ]);
  assertEquals(await paths({ artifact_level: "standard" }), [
    "inputs.json",
    "outputs.json",
    "cost_summary.json",
    "nodes/write/call_1_prompt.json",
    "nodes/write/call_1_response.json",
  ]);
  assertEquals(await paths({ artifact_level: "full" }), [
    "inputs.json",
    "outputs.json",
    "cost_summary.json",
    "nodes/write/call_1_prompt.json",
    "nodes/write/call_1_response.json",
    "snapshots/001_write.json",
  ]);
  assertEquals(await paths({ artifact_level: "full", log_artifacts: false }), []);
  assertEquals(await paths({ artifact_level: "full" }, [{ id: "write", log_artifacts: false }]), [
    "inputs.json",
    "outputs.json",
    "cost_summary.json",
  ]);
});
