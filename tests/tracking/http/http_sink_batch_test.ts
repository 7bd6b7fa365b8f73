/**
 * `HttpSink.deliverMany()`: traces of one experiment share one OTLP export and one run link,
 * fresh traces are not looked up, servers that take one trace per export get one export per
 * trace, and finalizing servers get StartTraceV3 before the spans, with a delivery that stopped
 * in between completed exactly once.
 */
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import { type TraceBundle, WORKFLOW_TAG } from "../../../src/tracking/trace_bundle.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assertEquals } from "../../_helpers/assert.ts";
import { spansOf } from "../../fixtures/otlp/otlp_decoder.ts";
import { goldenBundle, withTraceId } from "./_golden_bundle.ts";

const noEnv = () => undefined;

/** Traces without runs of their own, in one group run (a batch's). */
async function batchBundles(trackingUri: string, count: number): Promise<TraceBundle[]> {
  const { run: _run, ...golden } = await goldenBundle(trackingUri);
  const bundle: TraceBundle = {
    ...golden,
    trace: { ...golden.trace, tags: { ...golden.trace.tags, [WORKFLOW_TAG]: "demo" } },
    group: {
      key: "0123456789abcdef0123456789abcdef",
      runName: "batch-demo",
      startTimeMs: golden.trace.requestTimeMs,
      tags: { "mlflow.runType": "batch" },
    },
  };
  return Array.from(
    { length: count },
    (_, index) => withTraceId(bundle, (index + 1).toString(16).padStart(32, "a")),
  );
}

async function withServer(
  options: Parameters<typeof FakeMlflowServer.start>[0],
  fn: (server: FakeMlflowServer, sink: HttpSink) => Promise<void>,
): Promise<void> {
  const server = await FakeMlflowServer.start(options);
  const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
  try {
    await fn(server, sink);
  } finally {
    await sink.close();
    await server.stop();
  }
}

function traceIdsOfExport(server: FakeMlflowServer, index: number): string[] {
  const request = server.requestsTo("/v1/traces", "POST")[index];
  const ids = spansOf(request!.otlp!).map((span) => span.traceId);
  return [...new Set(ids)];
}

Deno.test("HttpSink.deliverMany() sends fresh traces in one OTLP export and one run link, without looking them up", async () => {
  await withServer({}, async (server, sink) => {
    const bundles = await batchBundles(server.url, 3);
    const results = await sink.deliverMany(bundles, { fresh: true });

    assertEquals(results.map((result) => result.ok), [true, true, true]);
    assertEquals(server.requestsTo(/^\/api\/3\.0\/mlflow\/traces\/tr-/, "GET").length, 0);
    assertEquals(server.requestsTo("/v1/traces", "POST").length, 1);
    assertEquals(traceIdsOfExport(server, 0).length, 3);
    const links = server.requestsTo("/api/2.0/mlflow/traces/link-to-run", "POST");
    assertEquals(links.map((link) => (link.body as { trace_ids: string[] }).trace_ids.length), [3]);
    assertEquals(server.requestsTo("/api/3.0/mlflow/traces", "POST").length, 3);
    for (const bundle of bundles) {
      const trace = server.traces.get(bundle.trace.traceId);
      assertEquals(trace?.spans.length, bundle.trace.spans.length);
      assertEquals(trace?.info.tags[WORKFLOW_TAG], "demo");
    }
  });
});

Deno.test("HttpSink.deliverMany() looks up spooled traces and leaves complete ones alone", async () => {
  await withServer({}, async (server, sink) => {
    const bundles = await batchBundles(server.url, 2);
    await sink.deliverMany(bundles, { fresh: true });
    const before = server.requests.length;
    const again = await sink.deliverMany(bundles, { fresh: false });

    assertEquals(
      again.map((result) => result.ok && result.receipt.alreadyPresent),
      [true, true],
    );
    const after = server.requests.slice(before).map((r) => `${r.method} ${r.path.split("?")[0]}`);
    assertEquals(after.filter((call) => !call.startsWith("GET /api/3.0/mlflow/traces/tr-")), []);
  });
});

Deno.test("HttpSink.deliverMany() sends one export per trace to a server that refuses spans of several traces", async () => {
  await withServer({}, async (server, sink) => {
    // MLflow before 3.6 stores the spans of one trace per request and answers an error otherwise.
    server.fail({ path: "/v1/traces", status: 400, times: 1 });
    const first = await sink.deliverMany(await batchBundles(server.url, 3), { fresh: true });
    assertEquals(first.map((result) => result.ok), [true, true, true]);
    const exports = server.requestsTo("/v1/traces", "POST");
    assertEquals(exports.map((request) => request.status), [400, 200, 200, 200]);

    const more = (await batchBundles(server.url, 6)).slice(3);
    const second = await sink.deliverMany(more, { fresh: true });
    assertEquals(second.map((result) => result.ok), [true, true, true]);
    assertEquals(server.requestsTo("/v1/traces", "POST").length, 7);
    assertEquals(traceIdsOfExport(server, 4).length, 1);
    for (const bundle of more) {
      assertEquals(
        server.traces.get(bundle.trace.traceId)?.spans.length,
        bundle.trace.spans.length,
      );
    }
  });
});

Deno.test("HttpSink.deliverMany() records the trace before its spans on a finalizing server, and after them on 3.9", async () => {
  const cases = [["3.11.2.dev0", "start-first"], ["3.9.0", "spans-first"]] as const;
  for (const [version, order] of cases) {
    await withServer({ version }, async (server, sink) => {
      await sink.deliverMany(await batchBundles(server.url, 2), { fresh: true });
      const writes = server.requests
        .map((r) => `${r.method} ${r.path.split("?")[0]}`)
        .filter((call) => call === "POST /v1/traces" || call === "POST /api/3.0/mlflow/traces");
      assertEquals(
        writes,
        order === "start-first"
          ? ["POST /api/3.0/mlflow/traces", "POST /api/3.0/mlflow/traces", "POST /v1/traces"]
          : ["POST /v1/traces", "POST /api/3.0/mlflow/traces", "POST /api/3.0/mlflow/traces"],
        version,
      );
    });
  }
});

Deno.test("HttpSink completes exactly once a trace a finalizing server recorded without its spans", async () => {
  await withServer({}, async (server, sink) => {
    const bundles = await batchBundles(server.url, 2);
    // The export of both and the export of each (a 400 is not retried) fail.
    server.fail({ path: "/v1/traces", status: 400, times: 3 });
    const first = await sink.deliverMany(bundles, { fresh: true });
    assertEquals(first.map((result) => result.ok), [false, false]);
    assertEquals(server.traces.get(bundles[0]!.trace.traceId)?.spans.length, 0);

    // The spooled traces are pushed later: looked up, their spans sent, nothing recorded twice.
    const pushed = await sink.deliverMany(bundles, { fresh: false });
    assertEquals(pushed.map((result) => result.ok && result.receipt.alreadyPresent), [
      false,
      false,
    ]);
    assertEquals(server.requestsTo("/api/3.0/mlflow/traces", "POST").length, 2);
    for (const bundle of bundles) {
      assertEquals(
        server.traces.get(bundle.trace.traceId)?.spans.length,
        bundle.trace.spans.length,
      );
    }
    const again = await sink.deliverMany(bundles, { fresh: false });
    assertEquals(again.map((result) => result.ok && result.receipt.alreadyPresent), [true, true]);
  });
});
