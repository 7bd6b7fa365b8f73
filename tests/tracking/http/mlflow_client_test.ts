import { MlflowClient } from "../../../src/tracking/http/mlflow_client.ts";
import {
  authHeaders,
  redactUri,
  requestTimeoutMs,
} from "../../../src/tracking/http/mlflow_auth.ts";
import { MlflowRequestError } from "../../../src/tracking/http/mlflow_request_error.ts";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../_helpers/assert.ts";

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records requests and answers with `answer(request)`. */
function recordingFetch(answer: (sent: Sent) => Response = () => Response.json({})) {
  const sent: Sent[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const request: Sent = {
      method: init?.method ?? "GET",
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === "string" ? init.body : undefined,
    };
    sent.push(request);
    return Promise.resolve(answer(request));
  };
  return { sent, fetchFn };
}

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("authHeaders() prefers Basic from username and password, else Bearer from the token", () => {
  assertEquals(
    authHeaders(
      env({
        MLFLOW_TRACKING_USERNAME: "ada",
        MLFLOW_TRACKING_PASSWORD: "pw",
        MLFLOW_TRACKING_TOKEN: "t",
      }),
    ),
    { Authorization: `Basic ${btoa("ada:pw")}` },
  );
  assertEquals(authHeaders(env({ MLFLOW_TRACKING_TOKEN: "t" })), { Authorization: "Bearer t" });
  assertEquals(authHeaders(env({ MLFLOW_TRACKING_USERNAME: "ada" })), {});
  assertEquals(authHeaders(env({})), {});
});

Deno.test("requestTimeoutMs() reads MLFLOW_HTTP_REQUEST_TIMEOUT in seconds", () => {
  assertEquals(requestTimeoutMs(env({ MLFLOW_HTTP_REQUEST_TIMEOUT: "7" })), 7000);
  assertEquals(requestTimeoutMs(env({ MLFLOW_HTTP_REQUEST_TIMEOUT: "soon" })), 120_000);
  assertEquals(requestTimeoutMs(env({})), 120_000);
});

Deno.test("redactUri() removes user name and password", () => {
  assertEquals(redactUri("https://ada:pw@mlflow.example.com/x"), "https://mlflow.example.com/x");
  assertEquals(redactUri("sqlite:///mlflow.db"), "sqlite:///mlflow.db");
});

Deno.test("MlflowClient uses credentials from the URL only for requests, never in URLs or messages", async () => {
  const { sent, fetchFn } = recordingFetch(() =>
    Response.json({ error_code: "INTERNAL_ERROR", message: "boom" }, { status: 500 })
  );
  const client = new MlflowClient({
    baseUrl: "http://ada:pa55@127.0.0.1:5000/prefix/",
    fetch: fetchFn,
    env: env({}),
  });
  assertEquals(client.baseUrl, "http://127.0.0.1:5000/prefix");
  const error = await assertRejects(
    () => client.createExperiment("demo"),
    MlflowRequestError,
    "answered 500 INTERNAL_ERROR: boom",
  );
  assertEquals(sent[0]?.url, "http://127.0.0.1:5000/prefix/api/2.0/mlflow/experiments/create");
  assertEquals(sent[0]?.headers.authorization, `Basic ${btoa("ada:pa55")}`);
  assert(!error.message.includes("pa55"));
  assertEquals(client.otlpEndpoint().url, "http://127.0.0.1:5000/prefix/v1/traces");
});

Deno.test("MlflowClient turns MLflow error bodies into MlflowRequestError with status and error_code", async () => {
  const { fetchFn } = recordingFetch(() =>
    Response.json({
      error_code: "RESOURCE_ALREADY_EXISTS",
      message: "Experiment 'demo' already exists.",
    }, { status: 400 })
  );
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  const error = await assertRejects(() => client.createExperiment("demo"), MlflowRequestError);
  assertInstanceOf(error, MlflowRequestError);
  assertEquals([error.status, error.errorCode, error.code, error.phase], [
    400,
    "RESOURCE_ALREADY_EXISTS",
    "TRACKING_UNAVAILABLE",
    "track",
  ]);
  assertEquals(
    error.message,
    `Cannot create experiment "demo" as the MLflow tracking server at "http://mlflow:5000" answered 400 RESOURCE_ALREADY_EXISTS: Experiment 'demo' already exists.`,
  );
});

Deno.test("MlflowClient.getExperimentByName() returns undefined on 404 and typed data otherwise", async () => {
  const { sent, fetchFn } = recordingFetch((request) =>
    request.url.includes("missing")
      ? Response.json({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "no" }, { status: 404 })
      : Response.json({
        experiment: {
          experiment_id: "2",
          name: "a b",
          artifact_location: "mlflow-artifacts:/2",
          lifecycle_stage: "active",
        },
      })
  );
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  assertEquals(await client.getExperimentByName("missing"), undefined);
  assertEquals(await client.getExperimentByName("a b"), {
    experimentId: "2",
    name: "a b",
    artifactLocation: "mlflow-artifacts:/2",
    lifecycleStage: "active",
  });
  assertEquals(
    sent[1]?.url,
    "http://mlflow:5000/api/2.0/mlflow/experiments/get-by-name?experiment_name=a+b",
  );
});

Deno.test("MlflowClient rejects answers that do not have MLflow's shape", async () => {
  const { fetchFn } = recordingFetch(() => Response.json({ run: { info: { status: "RUNNING" } } }));
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  const error = await assertRejects(
    () => client.createRun({ experimentId: "1", runName: "r", startTime: 1, tags: {} }),
    MlflowRequestError,
    "does not have MLflow's shape",
  );
  assertEquals((error as MlflowRequestError).kind, "invalid_response");
});

Deno.test("MlflowClient.logBatch() respects MLflow's limits and sends NaN the way MLflow reads it", async () => {
  const { sent, fetchFn } = recordingFetch();
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  const params = Object.fromEntries(
    Array.from({ length: 150 }, (_, i) => [`p${i}`, i === 0 ? "x".repeat(7000) : "v"]),
  );
  const metrics = Array.from(
    { length: 2500 },
    (_, i) => ({ key: `m${i}`, value: i === 0 ? NaN : i === 1 ? -Infinity : i, timestamp: 5 }),
  );
  await client.logBatch("run1", { params, tags: { t: "1" }, metrics });
  const bodies = sent.map((request) => JSON.parse(request.body ?? "{}"));
  assertEquals(
    bodies.map((b) => [b.params?.length ?? 0, b.tags?.length ?? 0, b.metrics?.length ?? 0]),
    [
      [100, 0, 0],
      [50, 1, 0],
      [0, 0, 1000],
      [0, 0, 1000],
      [0, 0, 500],
    ],
  );
  assertEquals(bodies[0].params[0].value.length, 6000);
  assertEquals(bodies[2].metrics[0], {
    key: "m0",
    value: "NaN",
    timestamp: 5,
    step: 0,
    run_id: "run1",
  });
  assertEquals(bodies[2].metrics[1].value, "-Infinity");
  await assertRejects(
    () => client.logBatch("run1", { params: { ["k".repeat(251)]: "v" } }),
    RangeError,
    "at most 250 characters",
  );
});

Deno.test("MlflowClient.startTrace() sends StartTraceV3 with ISO time and protobuf duration", async () => {
  const { sent, fetchFn } = recordingFetch((request) => {
    const body = JSON.parse(request.body ?? "{}");
    body.trace.trace_info.tags["mlflow.artifactLocation"] =
      "mlflow-artifacts:/1/traces/tr-x/artifacts";
    return Response.json(body);
  });
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  const info = await client.startTrace({
    traceId: "tr-aacef014b86e5dbb8364939c5fc5e208",
    experimentId: "1",
    requestTimeMs: Date.UTC(2026, 10, 27, 5, 47, 35, 738),
    executionTimeMs: 57,
    state: "OK",
    requestPreview: "{}",
    metadata: { "mlflow.sourceRun": "r1" },
    tags: { "mlflow.traceName": "workflow_demo" },
  });
  const body = JSON.parse(sent[0]?.body ?? "{}");
  assertEquals(body.trace.trace_info.request_time, "2026-11-27T05:47:35.738Z");
  assertEquals(body.trace.trace_info.execution_duration, "0.057s");
  assertEquals(body.trace.trace_info.trace_location, {
    type: "MLFLOW_EXPERIMENT",
    mlflow_experiment: { experiment_id: "1" },
  });
  assertEquals(info.tags["mlflow.artifactLocation"], "mlflow-artifacts:/1/traces/tr-x/artifacts");
  assertEquals(info.metadata, { "mlflow.sourceRun": "r1" });
});

Deno.test("MlflowClient.uploadArtifact() PUTs through the artifact proxy with encoded segments", async () => {
  const { sent, fetchFn } = recordingFetch();
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  await client.uploadArtifact(
    "mlflow-artifacts:/2/abc/artifacts",
    "nodes/write up/prompt.txt",
    "hi",
  );
  await client.uploadArtifact("mlflow-artifacts://mlflow:5000/2/abc/artifacts", "a.json", "{}");
  assertEquals(sent.map((r) => [r.method, r.url, r.body]), [
    [
      "PUT",
      "http://mlflow:5000/api/2.0/mlflow-artifacts/artifacts/2/abc/artifacts/nodes/write%20up/prompt.txt",
      "hi",
    ],
    ["PUT", "http://mlflow:5000/api/2.0/mlflow-artifacts/artifacts/2/abc/artifacts/a.json", "{}"],
  ]);
  await assertRejects(
    () => client.uploadArtifact("s3://bucket/x", "a.json", "{}"),
    TypeError,
    "not an mlflow-artifacts: URI",
  );
  await assertRejects(
    () => client.uploadArtifact("mlflow-artifacts:/2", "../x", "{}"),
    TypeError,
    "stay below",
  );
});

Deno.test("MlflowClient reports a request that outlives its timeout as kind timeout", async () => {
  const fetchFn: typeof fetch = (_input, init) =>
    new Promise((_, reject) =>
      init?.signal?.addEventListener(
        "abort",
        () => reject(new DOMException("aborted", "AbortError")),
      )
    );
  const client = new MlflowClient({
    baseUrl: "http://mlflow:5000",
    fetch: fetchFn,
    env: env({}),
    timeoutMs: 1,
  });
  const error = await assertRejects(
    () => client.version(),
    MlflowRequestError,
    "did not answer within",
  );
  assertEquals((error as MlflowRequestError).kind, "timeout");
});

Deno.test("MlflowClient.health() and version() read the plain-text endpoints", async () => {
  const { fetchFn } = recordingFetch((request) =>
    new Response(request.url.endsWith("/health") ? "OK" : "3.11.1\n")
  );
  const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fetchFn, env: env({}) });
  assertEquals(await client.health(), "OK");
  assertEquals(await client.version(), "3.11.1");
});

Deno.test("MlflowClient refuses a base URL that is not http(s)", () => {
  assertThrows(
    () => new MlflowClient({ baseUrl: "sqlite:///x.db", env: env({}) }),
    TypeError,
    "is not http or https",
  );
  const error = assertThrows(() => new MlflowClient({ baseUrl: "nope", env: env({}) }), TypeError);
  assertStringIncludes(error.message, "is not a URL");
});
