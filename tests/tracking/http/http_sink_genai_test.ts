/**
 * An evaluation and an agent version sent to a tracking server (the loopback fake, which checks
 * bodies strictly): the requests have the shapes MLflow's own client sends
 * (golden-wire-eval.jsonl, golden-wire-model.jsonl), the server ends up with one evaluation run,
 * one logged model and the traces linked to both with their assessments, and a second delivery
 * adds nothing.
 */
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { pushSpool } from "../../../src/tracking/delivery/push_spool.ts";
import { parseTrackingUri } from "../../../src/tracking/tracking_destination.ts";
import { FakeMlflowServer, type RecordedRequest } from "../../_helpers/fake_mlflow_server.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { fakeClock, syncTracker } from "../_helpers.ts";
import { AGENT_VERSION, recordEvaluation } from "../_genai_fixture.ts";

const noEnv = () => undefined;

interface GoldenRequest {
  method: string;
  path: string;
  body?: unknown;
}

function goldenWire(name: string): GoldenRequest[] {
  const text = Deno.readTextFileSync(new URL(`../../fixtures/mlflow/${name}`, import.meta.url));
  return text.trim().split("\n").map((line) => JSON.parse(line) as GoldenRequest);
}

/** The keys of a JSON value, recursively (arrays by their first element). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]).sort());
  }
  return typeof value;
}

function requestsTo(requests: readonly (RecordedRequest | GoldenRequest)[], pattern: RegExp) {
  return requests.filter((request) =>
    pattern.test(`${request.method} ${request.path.split("?")[0]}`)
  );
}

async function withServer(fn: (server: FakeMlflowServer) => Promise<void>): Promise<void> {
  const server = await FakeMlflowServer.start();
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

function trackerFor(server: FakeMlflowServer, spoolDir: string) {
  return syncTracker(new HttpSink({ trackingUri: server.url, env: noEnv }), {
    trackingUri: server.url,
    experimentName: "evalgold",
    now: fakeClock(),
    user: "root",
    agentVersion: AGENT_VERSION,
    spool: { dir: spoolDir },
  });
}

Deno.test("HttpSink sends an evaluation as mlflow.genai.evaluate does, with the golden body shapes", async () => {
  await withServer(async (server) => {
    const spoolDir = await Deno.makeTempDir();
    try {
      const tracker = trackerFor(server, spoolDir);
      const { key, traceIds } = await recordEvaluation(tracker);
      await tracker.close();
      const wire = goldenWire("golden-wire-eval.jsonl");

      // One run, found again by its key: the evaluation's, tagged as MLflow's evaluate tags it.
      const runs = [...server.runs.values()];
      assertEquals(runs.length, 1);
      const [run] = runs;
      assert(run !== undefined);
      const runId = String(run.info.run_id);
      assertEquals(run.info.status, "FINISHED");
      assertEquals(run.tags.get("mlflow.runType"), "genai_evaluate");
      assertEquals(run.tags.get("configurable_agents.run_key"), key);
      assertEquals(
        Object.fromEntries(run.metrics.map((m) => [m.key, m.value]))["exact_match/mean"],
        0.5,
      );
      assertEquals(run.params.get("dataset_digest"), "bf945191");
      assertEquals(server.genai.datasetInputs.get(runId)?.length, 1);
      const logInputs = requestsTo(server.requests, /runs\/log-inputs$/)[0];
      assertEquals(
        shape(logInputs?.body),
        shape(requestsTo(wire, /runs\/log-inputs$/)[0]?.body),
      );

      // Traces: in the run (metadata and link), with the agent version and the eval tags.
      const [model] = [...server.genai.loggedModels.values()];
      for (const [index, traceId] of traceIds.entries()) {
        const info = server.traces.get(traceId)?.info;
        assertEquals(info?.trace_metadata["mlflow.sourceRun"], runId);
        assertEquals(info?.trace_metadata["mlflow.modelId"], model?.info.model_id);
        assertEquals(info?.tags["mlflow.eval.requestId"], `request-${index}`);
        assert(server.genai.links.has(`${traceId} ${runId}`));
      }
      const link = requestsTo(server.requests, /traces\/link-to-run$/)[0];
      assertEquals(shape(link?.body), shape(requestsTo(wire, /traces\/link-to-run$/)[0]?.body));

      // Assessments: the bodies MLflow's client sends, feedback and expectation alike.
      const sent = requestsTo(server.requests, /\/assessments$/);
      assertEquals(sent.length, 7);
      const goldenAssessments = requestsTo(wire, /\/assessments$/);
      const kindOf = (request: { body?: unknown }) =>
        "expectation" in ((request.body as { assessment: object }).assessment) ? "exp" : "fb";
      for (const kind of ["fb", "exp"]) {
        const ours = sent.find((request) =>
          kindOf(request) === kind &&
          !(request.body as { assessment: Record<string, unknown> }).assessment.rationale &&
          !JSON.stringify(request.body).includes("error")
        );
        const theirs = goldenAssessments.find((request) => kindOf(request) === kind);
        assertEquals(shape(ours?.body), shape(theirs?.body), kind);
      }
      const stored = server.traces.get(traceIds[1] ?? "")?.info.assessments as Record<
        string,
        unknown
      >[];
      const polite = stored.find((a) => a.assessment_name === "polite");
      assertEquals(polite?.feedback, {
        value: null,
        error: { error_code: "JUDGE_FAILED", error_message: "Cannot judge as the model timed out" },
      });
      assertEquals(polite?.source, { source_type: "LLM_JUDGE", source_id: "openai/gpt-4o-mini" });
      assertEquals(
        (polite?.metadata as Record<string, string>)["mlflow.assessment.sourceRunId"],
        runId,
      );
    } finally {
      await Deno.remove(spoolDir, { recursive: true });
    }
  });
});

Deno.test("HttpSink creates the agent version as mlflow.set_active_model does, once", async () => {
  await withServer(async (server) => {
    const spoolDir = await Deno.makeTempDir();
    try {
      for (const _ of [1, 2]) {
        const tracker = trackerFor(server, spoolDir);
        await recordEvaluation(tracker);
        await tracker.close();
      }
      const wire = goldenWire("golden-wire-model.jsonl");
      const models = [...server.genai.loggedModels.values()];
      assertEquals(models.length, 1);
      const [model] = models;
      assertEquals(model?.info.status, "LOGGED_MODEL_READY");
      assertEquals(model?.info.name, "capitals-3f2a9c1e");
      assertEquals(Object.fromEntries(model?.params ?? []), AGENT_VERSION.params);
      for (
        const pattern of [
          /^POST \/api\/2\.0\/mlflow\/logged-models$/,
          /^POST \/api\/2\.0\/mlflow\/logged-models\/search$/,
          /^PATCH \/api\/2\.0\/mlflow\/logged-models\/m-/,
          /^POST \/api\/2\.0\/mlflow\/logged-models\/m-[0-9a-f]+\/params$/,
        ]
      ) {
        assertEquals(
          shape(requestsTo(server.requests, pattern)[0]?.body),
          shape(requestsTo(wire, pattern)[0]?.body),
          String(pattern),
        );
      }
      const artifacts = `1/models/${model?.info.model_id}/artifacts`;
      assertEquals(
        server.artifacts.get(`${artifacts}/capitals.yaml`),
        "flow: { name: capitals }\n",
      );
      assert(
        server.artifacts.get(`${artifacts}/MLmodel`)?.includes("mlflow.model.isExternal: true"),
      );
      // The second evaluation reused the model: one create in all.
      assertEquals(
        requestsTo(server.requests, /^POST \/api\/2\.0\/mlflow\/logged-models$/).length,
        1,
      );
      assertEquals(server.runs.size, 2);
    } finally {
      await Deno.remove(spoolDir, { recursive: true });
    }
  });
});

Deno.test("HttpSink: two processes creating one agent version at once keep one model", async () => {
  await withServer(async (server) => {
    const sinks = [1, 2].map(() => new HttpSink({ trackingUri: server.url, env: noEnv }));
    const spoolDirs = await Promise.all(sinks.map(() => Deno.makeTempDir()));
    try {
      const trackers = sinks.map((sink, index) =>
        syncTracker(sink, {
          trackingUri: server.url,
          experimentName: "evalgold",
          agentVersion: AGENT_VERSION,
          spool: { dir: spoolDirs[index] ?? "" },
        })
      );
      await Promise.all(trackers.map((tracker) => recordEvaluation(tracker)));
      await Promise.all(trackers.map((tracker) => tracker.close()));
      const active = [...server.genai.loggedModels.values()].filter((model) => !model.deleted);
      assertEquals(active.length, 1);
      const ids = new Set(
        [...server.traces.values()].map((trace) => trace.info.trace_metadata["mlflow.modelId"]),
      );
      assertEquals([...ids], [active[0]?.info.model_id]);
    } finally {
      for (const dir of spoolDirs) await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("traces push delivers a spooled evaluation to a server once, assessments included", async () => {
  await withServer(async (server) => {
    const dir = await Deno.makeTempDir();
    try {
      const down = syncTracker({
        deliver: () => Promise.reject(new Error("server down")),
        close: () => Promise.resolve(),
      }, {
        trackingUri: server.url,
        experimentName: "evalgold",
        agentVersion: AGENT_VERSION,
        spool: { dir },
        warn: () => {},
      });
      const { traceIds } = await recordEvaluation(down);
      await down.close();
      const spool = new Spool({ dir });
      const push = () =>
        pushSpool({
          spool,
          sinkFor: () => new HttpSink({ trackingUri: server.url, env: noEnv }),
          override: parseTrackingUri(server.url),
        });
      const report = await push();
      assertEquals(report.failed, []);
      assertEquals(report.delivered.length, 3);
      assertEquals(server.runs.size, 1);
      const assessments = traceIds.map((id) =>
        (server.traces.get(id)?.info.assessments as unknown[] | undefined)?.length
      );
      assertEquals(assessments, [3, 4]);
      assertEquals((await push()).total, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("HttpSink completes an evaluation trace whose assessments failed half-way, without duplicates", async () => {
  await withServer(async (server) => {
    const dir = await Deno.makeTempDir();
    try {
      server.fail({ method: "POST", path: /\/assessments$/, status: 500, times: 1 });
      const tracker = trackerFor(server, dir);
      const { traceIds } = await recordEvaluation(tracker);
      await tracker.close();
      const report = await pushSpool({
        spool: new Spool({ dir }),
        sinkFor: () => new HttpSink({ trackingUri: server.url, env: noEnv }),
      });
      assertEquals(report.failed, []);
      const names = traceIds.map((id) =>
        ((server.traces.get(id)?.info.assessments ?? []) as { assessment_name: string }[])
          .map((a) => a.assessment_name).sort()
      );
      assertEquals(names, [
        ["exact_match", "expected_response", "length_ok"],
        ["exact_match", "expected_response", "length_ok", "polite"],
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
