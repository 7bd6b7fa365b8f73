import {
  createWorkflowTracker,
  type WorkflowTrackerOptions,
} from "../../src/runtime/workflow_tracker.ts";
import {
  isRunBundle,
  type TraceBundle,
  type TraceSink,
  type TrackingBundle,
} from "../../src/tracking/trace_bundle.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { serializeBundle } from "../../src/tracking/delivery/spool.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import { GREETING, loaded, queryRows, tempDir } from "./_helpers.ts";

/** A sink that keeps bundles in memory. */
function memorySink(): TraceSink & { bundles: TraceBundle[]; closed: number } {
  const sink = {
    bundles: [] as TraceBundle[],
    closed: 0,
    deliver(bundle: TrackingBundle) {
      if (isRunBundle(bundle)) throw new Error("A single run has no group run");
      sink.bundles.push(bundle);
      return Promise.resolve({
        experimentId: "1",
        runId: `run-${sink.bundles.length}`,
        alreadyPresent: false,
      });
    },
    close() {
      sink.closed++;
      return Promise.resolve();
    },
  };
  return sink;
}

function options(sink: TraceSink, extra: WorkflowTrackerOptions = {}): WorkflowTrackerOptions {
  const env: Record<string, string> = { USER: "ada", OPENAI_API_KEY: "sk-very-secret-123" };
  return {
    env: (name) => env[name],
    warn: () => {},
    ...extra,
    sinkOptions: { openSqliteSink: () => sink, ...extra.sinkOptions },
  };
}

async function recordOne(
  tracer: { startRun: (start: never) => unknown },
  inputs: Record<string, unknown>,
) {
  const run = (tracer.startRun as (start: unknown) => {
    finish(end: unknown): Promise<{ traceId?: string; runId?: string }>;
  })({
    workflowName: "greeting",
    workflowVersion: "1.0.0",
    nodeCount: 1,
    provider: "openai",
    model: "gpt-4o-mini",
    inputs,
  });
  return await run.finish({ status: "success", outputs: inputs });
}

Deno.test("createWorkflowTracker() opens nothing when tracking is off", async () => {
  const sink = memorySink();
  assertEquals(await createWorkflowTracker(loaded(), options(sink)), undefined);
  assertEquals(
    await createWorkflowTracker(
      loaded(GREETING, { enabled: true }),
      options(sink, { tracking: false }),
    ),
    undefined,
  );
});

Deno.test("createWorkflowTracker() records with the workflow's settings, USER and the file, and scrubs secrets", async () => {
  const sink = memorySink();
  const workflow = {
    ...loaded(GREETING, { enabled: true, experiment_name: "demo", async_logging: false }),
    file: "flows/greeting.yaml",
  };
  const handle = await createWorkflowTracker(workflow, options(sink));
  assert(handle);
  assertEquals(handle.destination.uri, "sqlite:///mlflow.db");
  assertEquals(handle.async, false);
  const ids = await recordOne(handle, { name: "key sk-very-secret-123 inside" });
  // Synchronous delivery: written before finish returns, with the run id.
  assertEquals(ids.runId, "run-1");
  await handle.close();
  await handle.close();
  const [bundle] = sink.bundles;
  assert(bundle);
  assertEquals(bundle.experimentName, "demo");
  // A single run records its trace only (no run_per_execution), linked to its agent version.
  assertEquals(bundle.run, undefined);
  assertEquals(bundle.trace.metadata["mlflow.user"], "ada");
  assertEquals(bundle.trace.metadata["mlflow.source.name"], "flows/greeting.yaml");
  assertEquals(bundle.agentVersion?.tags["mlflow.user"], "ada");
  assertEquals(bundle.agentVersion?.tags["mlflow.source.name"], "flows/greeting.yaml");
  assert(!serializeBundle(bundle).includes("sk-very-secret-123"), "the key was recorded");
  assertEquals(sink.closed, 1);
});

Deno.test("createWorkflowTracker() gives each run an MLflow run of its own with run_per_execution", async () => {
  for (
    const [setting, option, expected] of [[true, undefined, true], [false, true, true]] as const
  ) {
    const sink = memorySink();
    const workflow = {
      ...loaded(GREETING, { enabled: true, async_logging: false, run_per_execution: setting }),
      file: "flows/greeting.yaml",
    };
    const handle = await createWorkflowTracker(
      workflow,
      options(sink, option === undefined ? {} : { runPerExecution: option }),
    );
    assert(handle);
    assertEquals(handle.runPerExecution, expected);
    await recordOne(handle, { name: "x" });
    await handle.close();
    const run = sink.bundles[0]?.run;
    assertEquals(run?.tags["mlflow.user"], "ada");
    assertEquals(run?.tags["mlflow.source.name"], "flows/greeting.yaml");
    assertEquals(run?.params.workflow_name, "greeting");
  }
});

Deno.test("createWorkflowTracker() applies schema defaults when the workflow has no mlflow block", async () => {
  const sink = memorySink();
  await using dir = await tempDir();
  const handle = await createWorkflowTracker(
    loaded(),
    options(sink, { trackingUri: "sqlite:///runs.db", spool: { dir: dir.path } }),
  );
  assert(handle);
  assertEquals(handle.async, true);
  const ids = await recordOne(handle, { name: "Ada" });
  assertEquals(ids.runId, undefined);
  assert(ids.traceId?.startsWith("tr-"));
  await handle.close();
  assertEquals(sink.bundles[0]?.experimentName, "configurable_agents");
  assertEquals(sink.bundles[0]?.trackingUri, "sqlite:///runs.db");
});

Deno.test("createWorkflowTracker() close ends an open run as ERROR and writes its trace", async () => {
  await using dir = await tempDir();
  const uri = `sqlite:///${dir.path}/mlflow.db`;
  const handle = await createWorkflowTracker(loaded(), {
    trackingUri: uri,
    env: () => undefined,
    warn: (message) => {
      throw new Error(`unexpected warning: ${message}`);
    },
    cwd: dir.path,
  });
  assert(handle);
  handle.startRun({
    workflowName: "greeting",
    workflowVersion: "1.0.0",
    nodeCount: 1,
    provider: "openai",
    model: "gpt-4o-mini",
    inputs: { name: "Ada" },
  });
  await handle.close({ timeoutMs: 2000 });
  const rows = queryRows(`${dir.path}/mlflow.db`, "SELECT status FROM trace_info");
  assertEquals(rows, [{ status: "ERROR" }]);
  // A single run records its trace only (the KILLED run of run_per_execution is tested with
  // the tracker).
  const runs = queryRows(`${dir.path}/mlflow.db`, "SELECT status FROM runs");
  assertEquals(runs, []);
});

Deno.test("createWorkflowTracker() warns once and records nothing when neither the file nor the spool is writable", async () => {
  const sink = memorySink();
  const warnings: string[] = [];
  const handle = await createWorkflowTracker(
    loaded(GREETING, { enabled: true }),
    options(sink, {
      warn: (message) => warnings.push(message),
      preflight: {
        queryPermission: (descriptor) =>
          Promise.resolve({ state: descriptor.name === "write" ? "prompt" : "granted" }),
      },
    }),
  );
  assertEquals(handle, undefined);
  assertEquals(warnings.length, 1);
  assertStringIncludes(
    warnings[0]!,
    'Cannot write traces to "sqlite:///mlflow.db" as Deno has no write permission',
  );
  assertStringIncludes(warnings[0]!, 'nor write permission for the spool ".mlflow-spool"');
  assertStringIncludes(
    warnings[0]!,
    "add --allow-write=mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool",
  );
});

Deno.test("createWorkflowTracker() keeps tracking when only the destination is blocked (the spool takes the trace)", async () => {
  const sink = memorySink();
  const handle = await createWorkflowTracker(
    loaded(),
    options(sink, {
      trackingUri: "http://mlflow.internal:5000",
      preflight: {
        queryPermission: (descriptor) =>
          Promise.resolve({ state: descriptor.name === "net" ? "prompt" : "granted" }),
      },
    }),
  );
  assert(handle);
  await handle.close({ timeoutMs: 100 });
});

Deno.test("createWorkflowTracker() throws for a tracking URI that is neither sqlite nor http(s)", async () => {
  const error = await assertRejects(
    () => createWorkflowTracker(loaded(), options(memorySink(), { trackingUri: "ftp://host/x" })),
    Error,
    'Cannot use tracking URI "ftp://host/x"',
  );
  assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
});
