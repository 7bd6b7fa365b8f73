import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import { MlflowRequestError } from "../../../src/tracking/http/mlflow_request_error.ts";
import { FakeMlflowServer, type RecordedRequest } from "../../_helpers/fake_mlflow_server.ts";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import {
  base64ToHex,
  type OtlpSpan,
  spansOf,
  valueKind,
} from "../../fixtures/otlp/otlp_decoder.ts";
import { goldenBundle, goldenSpans, goldenTo, goldenWire } from "./_golden_bundle.ts";

const noEnv = () => undefined;
/** Reads that our sink adds for idempotency; MLflow's client makes other reads. */
const READS =
  /^(GET \/api\/3\.0\/mlflow\/traces\/tr-|POST \/api\/2\.0\/mlflow\/runs\/search|GET \/health|GET \/version|GET \/api\/2\.0\/mlflow\/(experiments|runs)\/get$)/;

function calls(requests: { method: string; path: string }[]): string[] {
  return requests.map((r) => `${r.method} ${r.path.split("?")[0]}`).filter((call) =>
    !READS.test(call)
  );
}

function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]).sort());
  }
  return typeof value;
}

async function withServer(
  options: ConstructorParameters<typeof Object>[0],
  fn: (server: FakeMlflowServer) => Promise<void>,
): Promise<void> {
  const server = await FakeMlflowServer.start(options);
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

Deno.test("HttpSink.deliver() makes MLflow's calls in MLflow's order with the golden body shapes", async () => {
  await withServer({}, async (server) => {
    const wire = await goldenWire();
    const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
    const receipt = await sink.deliver(await goldenBundle(server.url));
    await sink.close();

    const ours = calls(server.requests).filter((call) => !call.startsWith("PUT "));
    assertEquals(ours, calls(wire));
    assertEquals(ours, [
      "GET /api/2.0/mlflow/experiments/get-by-name",
      "POST /api/2.0/mlflow/experiments/create",
      "POST /api/2.0/mlflow/runs/create",
      "POST /v1/traces",
      "POST /api/2.0/mlflow/runs/log-batch",
      "POST /api/3.0/mlflow/traces",
      "POST /api/2.0/mlflow/runs/log-batch",
      "POST /api/2.0/mlflow/runs/update",
    ]);
    for (
      const path of [
        "/api/2.0/mlflow/experiments/create",
        "/api/2.0/mlflow/runs/create",
        "/api/2.0/mlflow/runs/update",
        "/api/3.0/mlflow/traces",
      ]
    ) {
      const [mine] = server.requestsTo(path, "POST");
      assertEquals(shape(mine?.body), shape(goldenTo(wire, path).body), path);
      assertEquals(mine?.headers["content-type"], "application/json");
    }
    const batches = server.requestsTo("/api/2.0/mlflow/runs/log-batch");
    assertEquals(
      shape(batches[0]?.body),
      shape(goldenTo(wire, "/api/2.0/mlflow/runs/log-batch", 0).body),
    );
    assertEquals(
      shape(batches[1]?.body),
      shape(goldenTo(wire, "/api/2.0/mlflow/runs/log-batch", 1).body),
    );
    assertEquals(batches[1]?.body, {
      run_id: receipt.runId,
      metrics: [
        {
          key: "total_tokens",
          value: 42,
          timestamp: 1795758462962,
          step: 0,
          run_id: receipt.runId,
        },
        {
          key: "total_cost_usd",
          value: 1.98e-05,
          timestamp: 1795758462962,
          step: 0,
          run_id: receipt.runId,
        },
      ],
    });

    const golden = goldenTo(wire, "/api/3.0/mlflow/traces").body as {
      trace: { trace_info: { trace_metadata: Record<string, string> } };
    };
    const [startTrace] = server.requestsTo("/api/3.0/mlflow/traces", "POST");
    const sent = startTrace?.body as typeof golden;
    assertEquals(sent.trace.trace_info.trace_metadata, {
      ...golden.trace.trace_info.trace_metadata,
      "mlflow.sourceRun": receipt.runId,
    });
    assertEquals(receipt.alreadyPresent, false);
    assertEquals(server.runs.get(receipt.runId ?? "")?.info.status, "FINISHED");
    assertEquals(
      server.artifacts.get(`${receipt.experimentId}/${receipt.runId}/artifacts/cost_summary.json`),
      '{"total_cost_usd": 1.98e-05}',
    );
  });
});

Deno.test("HttpSink.deliver() sends spans as native OTLP values exactly like MLflow's client", async () => {
  await withServer({}, async (server) => {
    const wire = await goldenWire();
    const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
    const receipt = await sink.deliver(await goldenBundle(server.url));
    await sink.close();

    const [otlp] = server.requestsTo("/v1/traces");
    assertEquals(otlp?.headers["content-type"], "application/x-protobuf");
    assertEquals(otlp?.headers["x-mlflow-experiment-id"], receipt.experimentId);
    const ours = spansOf(otlp?.otlp ?? {});
    const golden = goldenSpans(wire);
    const view = (spans: OtlpSpan[]) => {
      const names = new Map(spans.map((span) => [span.spanId, span.name]));
      return spans.map((span) => ({
        name: span.name,
        traceId: base64ToHex(span.traceId),
        parent: span.parentSpanId ? names.get(span.parentSpanId) : null,
        start: span.startTimeUnixNano,
        end: span.endTimeUnixNano,
        status: span.status,
        attributes: (span.attributes ?? []).map((kv) => `${kv.key}=${valueKind(kv.value)}`).sort(),
        events: (span.events ?? []).map((e) => ({
          name: e.name,
          time: e.timeUnixNano,
          keys: (e.attributes ?? []).map((kv) => kv.key).sort(),
        })),
      }));
    };
    assertEquals(view(ours), view(golden));
    const root = ours.find((span) => !span.parentSpanId);
    assertEquals(root?.attributes?.find((kv) => kv.key === "mlflow.spanType")?.value, {
      stringValue: "AGENT",
    });
    assertEquals(root?.attributes?.find((kv) => kv.key === "mlflow.traceRequestId")?.value, {
      stringValue: "tr-aacef014b86e5dbb8364939c5fc5e208",
    });
  });
});

Deno.test("HttpSink.deliver() records the trace info with StartTraceV3 strictly after the spans", async () => {
  await withServer({}, async (server) => {
    const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
    await sink.deliver(await goldenBundle(server.url));
    const order = server.requests.map((r) => `${r.method} ${r.path}`);
    const spans = order.indexOf("POST /v1/traces");
    const startTrace = order.indexOf("POST /api/3.0/mlflow/traces");
    assert(spans >= 0 && startTrace > spans, order.join("\n"));
    const trace = server.traces.get("tr-aacef014b86e5dbb8364939c5fc5e208");
    assertEquals(
      trace?.info.trace_metadata["mlflow.trace.tokenUsage"],
      '{"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}',
    );
    assertEquals(trace?.info.tags["mlflow.trace.spansLocation"], "TRACKING_STORE");
  });
});

for (
  const [scheme, env, header] of [
    [
      "Basic",
      { MLFLOW_TRACKING_USERNAME: "ada", MLFLOW_TRACKING_PASSWORD: "s3cr3t-pw" },
      `Basic ${btoa("ada:s3cr3t-pw")}`,
    ],
    ["Bearer", { MLFLOW_TRACKING_TOKEN: "tok-98765" }, "Bearer tok-98765"],
  ] as const
) {
  Deno.test(`HttpSink.deliver() sends ${scheme} auth on every request, OTLP included, and never shows it`, async () => {
    await withServer({ requireAuthorization: header }, async (server) => {
      const warnings: string[] = [];
      const read = (name: string) => (env as Record<string, string>)[name];
      const sink = new HttpSink({
        trackingUri: server.url,
        env: read,
        warn: (m) => warnings.push(m),
      });
      await sink.deliver(await goldenBundle(server.url));
      assert(server.requests.length > 5);
      for (const request of server.requests) {
        assertEquals(request.headers.authorization, header, request.path);
      }

      server.fail({ path: "/api/2.0/mlflow/runs/search" });
      const bundle = await goldenBundle(server.url);
      const error = await assertRejects(
        () => sink.deliver(bundle),
        MlflowRequestError,
        "answered 500",
      );
      const secret = Object.values(env).at(-1) ?? "";
      for (const text of [error.message, String(error.stack), JSON.stringify(error), ...warnings]) {
        assert(!text.includes(secret) && !text.includes(header), text);
      }
    });
  });
}

Deno.test("HttpSink.deliver() falls back to StartTraceV3 and traces.json when /v1/traces is 404", async () => {
  await withServer({ otlp: false }, async (server) => {
    const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
    const receipt = await sink.deliver(await goldenBundle(server.url));
    const order = calls(server.requests);
    const otlp = order.indexOf("POST /v1/traces");
    const startTrace = order.indexOf("POST /api/3.0/mlflow/traces");
    const traceId = "tr-aacef014b86e5dbb8364939c5fc5e208";
    const path =
      `/api/2.0/mlflow-artifacts/artifacts/${receipt.experimentId}/traces/${traceId}/artifacts/traces.json`;
    const upload = order.indexOf(`PUT ${path}`);
    assert(otlp >= 0 && startTrace > otlp && upload > startTrace, order.join("\n"));
    assertEquals(server.requestsTo("/v1/traces")[0]?.status, 404);

    const stored = JSON.parse(server.requestsTo(path)[0]?.text ?? "") as {
      spans: Record<string, unknown>[];
    };
    assertEquals(stored.spans.length, 5);
    for (const span of stored.spans) {
      const attributes = span.attributes as Record<string, unknown>;
      assert(Object.values(attributes).every((value) => typeof value === "string"));
      assertEquals(attributes["mlflow.traceRequestId"], JSON.stringify(traceId));
      assertEquals(base64ToHex(String(span.trace_id)), traceId.slice(3));
    }
    const root = stored.spans.find((span) => span.parent_span_id === null);
    assertEquals((root?.attributes as Record<string, string>)["mlflow.spanType"], '"AGENT"');
    assertEquals(server.runs.get(receipt.runId ?? "")?.info.status, "FINISHED");
  });
});

Deno.test("HttpSink.deliver() writes nothing for a trace that is already complete on the server", async () => {
  await withServer({}, async (server) => {
    const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
    const first = await sink.deliver(await goldenBundle(server.url));
    const before = server.requests.length;
    const second = await sink.deliver(await goldenBundle(server.url));
    assertEquals(second, { ...first, alreadyPresent: true });
    const after = server.requests.slice(before).map((r: RecordedRequest) =>
      `${r.method} ${r.path.split("?")[0]}`
    );
    assertEquals(after, [
      "GET /api/3.0/mlflow/traces/tr-aacef014b86e5dbb8364939c5fc5e208",
      "POST /api/2.0/mlflow/runs/search",
    ]);
  });
});

Deno.test("HttpSink.deliver() completes a delivery that failed half-way without duplicates", async () => {
  await withServer({}, async (server) => {
    server.fail({ path: "/api/2.0/mlflow/runs/log-batch", bodyHas: "metrics", times: 1 });
    const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
    const error = await assertRejects(
      () => goldenBundle(server.url).then((b) => sink.deliver(b)),
      MlflowRequestError,
    );
    assertInstanceOf(error, MlflowRequestError);
    assertEquals(error.status, 500);
    assertStringIncludes(error.message, "log 2 metrics of run");

    const receipt = await sink.deliver(await goldenBundle(server.url));
    assertEquals(receipt.alreadyPresent, false);
    assertEquals(server.runs.size, 1);
    assertEquals(server.requestsTo("/v1/traces").length, 1);
    assertEquals(server.requestsTo("/api/3.0/mlflow/traces", "POST").length, 1);
    const run = server.runs.get(receipt.runId ?? "");
    assertEquals(run?.metrics.length, 2);
    assertEquals(run?.info.status, "FINISHED");
    assertEquals(server.traces.get("tr-aacef014b86e5dbb8364939c5fc5e208")?.spans.length, 5);
  });
});

Deno.test("HttpSink.deliver() writes artifacts into a local artifact location only where Deno may write", async () => {
  const root = await Deno.makeTempDir();
  try {
    await withServer({ artifacts: "local", localArtifactRoot: root }, async (server) => {
      const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
      const receipt = await sink.deliver(await goldenBundle(server.url));
      const file = `${root}/${receipt.experimentId}/${receipt.runId}/artifacts/cost_summary.json`;
      assertEquals(await Deno.readTextFile(file), '{"total_cost_usd": 1.98e-05}');
    });
    await withServer(
      { artifacts: "local", localArtifactRoot: "/srv/mlflow/artifacts" },
      async (server) => {
        const warnings: string[] = [];
        const written: string[] = [];
        const sink = new HttpSink({
          trackingUri: server.url,
          env: noEnv,
          warn: (message) => warnings.push(message),
          localFiles: {
            canWrite: () => Promise.resolve(false),
            writeTextFile: (path) => Promise.resolve(void written.push(path)),
          },
        });
        const receipt = await sink.deliver(await goldenBundle(server.url));
        assertEquals(written, []);
        assertEquals(warnings.length, 1);
        assertStringIncludes(warnings[0] ?? "", "--allow-write=/srv/mlflow/artifacts/");
        assertEquals(server.runs.get(receipt.runId ?? "")?.info.status, "FINISHED");
      },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("HttpSink.deliver() fails as unreachable when the server refuses connections", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  const sink = new HttpSink({ trackingUri: server.url, env: noEnv });
  const error = await assertRejects(
    () => goldenBundle(server.url).then((b) => sink.deliver(b)),
    MlflowRequestError,
    "is unreachable",
  );
  assertInstanceOf(error, MlflowRequestError);
  assert(error.unreachable);
});
