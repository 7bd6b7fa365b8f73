/**
 * `evaluate` read back by real MLflow (needs the builds named by MLFLOW_BIN/MLFLOW_PYTHON and
 * MLFLOW39_BIN/MLFLOW39_PYTHON; without them the tests are ignored and one line says why):
 * MLflow's own `mlflow.search_traces(run_id=...)` returns the evaluation's traces with their
 * assessments and values, and its `get_run` the run with its `<scorer>/mean` metrics — from a
 * SQLite file (read by MLflow 3.9, the schema the file is created at) and from the newest
 * MLflow's tracking server.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { ROOT, tempDir } from "../runtime/_helpers.ts";
import { cli, type MlflowBuild, NEWEST, SKIP_REASON, startServer, V39 } from "./_real_mlflow.ts";

if (SKIP_REASON !== undefined) {
  // deno-lint-ignore no-console
  console.log(`real MLflow evaluation suite: skipped (shown as ignored) as ${SKIP_REASON}`);
}

const HERE = new URL(".", import.meta.url).pathname;

interface Evaluated {
  dataset: { digest: string };
  scorers: string[];
  aggregates: Record<string, { mean: number | null }>;
  records: {
    traceId: string;
    scores: {
      name: string;
      value: unknown;
      rationale?: string;
      source: { type: string; id: string };
    }[];
  }[];
  run: { key: string; name: string };
}

interface EvalReadback {
  version: string;
  run: {
    run_id: string;
    status: string;
    tags: Record<string, string>;
    params: Record<string, string>;
    metrics: Record<string, number>;
  };
  traces: {
    trace_id: string;
    tags: Record<string, string>;
    metadata: Record<string, string>;
    assessments: {
      name: string;
      kind: string;
      source_type: string;
      source_id: string;
      value: unknown;
      rationale: string | null;
      metadata: Record<string, string>;
    }[];
  }[];
}

/** Three tickets of the example dataset. */
async function smallDataset(dir: string): Promise<string> {
  const path = `${dir}/tickets.jsonl`;
  const lines = (await Deno.readTextFile(`${ROOT}examples/evaluation/support_triage.jsonl`))
    .split("\n").slice(0, 3);
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

async function evaluate(dir: string, trackingUri: string, net?: string): Promise<Evaluated> {
  const result = await cli(dir, [
    "evaluate",
    `${ROOT}examples/support_triage.yaml`,
    "--dataset",
    await smallDataset(dir),
    "--scorers",
    `${ROOT}examples/evaluation/scorers.yaml`,
    "--mock",
    "--json",
    "--tracking-uri",
    trackingUri,
  ], net);
  assertEquals(result.code, 0, result.stderr);
  assert(!/warning/i.test(result.stderr), result.stderr);
  return JSON.parse(result.stdout);
}

async function readBack(build: MlflowBuild, uri: string, key: string, cwd: string) {
  const { code, stdout, stderr } = await new Deno.Command(build.python, {
    args: [`${HERE}_eval_probe.py`, uri, key],
    cwd,
    env: { MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const last = decoder.decode(stdout).trim().split("\n").at(-1) ?? "";
  assertEquals(code, 0, decoder.decode(stderr).split("\n").slice(-30).join("\n"));
  return JSON.parse(last) as EvalReadback;
}

function assertReadBack(readback: EvalReadback, evaluated: Evaluated, where: string): void {
  const { run } = readback;
  assertEquals(run.status, "FINISHED", where);
  assertEquals(run.tags["mlflow.runType"], "genai_evaluate", where);
  assertEquals(run.params.dataset_digest, evaluated.dataset.digest, where);
  for (const name of evaluated.scorers) {
    assertEquals(
      run.metrics[`${name}/mean`],
      evaluated.aggregates[name]?.mean,
      `${where}: ${name}`,
    );
  }
  // search_traces(run_id=...) finds exactly the evaluation's traces.
  assertEquals(
    readback.traces.map((trace) => trace.trace_id).sort(),
    evaluated.records.map((record) => record.traceId).sort(),
    where,
  );
  for (const record of evaluated.records) {
    const trace = readback.traces.find((candidate) => candidate.trace_id === record.traceId)!;
    assert(/^[0-9a-f-]{36}$/.test(trace.tags["mlflow.eval.requestId"] ?? ""), where);
    assertEquals(trace.metadata["mlflow.sourceRun"], run.run_id, where);
    for (const score of record.scores) {
      const found = trace.assessments.find((a) => a.kind === "feedback" && a.name === score.name);
      assert(found, `${where}: no assessment "${score.name}" on ${record.traceId}`);
      assertEquals(found.value, score.value, `${where}: ${score.name}`);
      assertEquals([found.source_type, found.source_id], [score.source.type, score.source.id]);
      assertEquals(found.rationale ?? undefined, score.rationale, `${where}: ${score.name}`);
      assertEquals(found.metadata["mlflow.assessment.sourceRunId"], run.run_id, where);
    }
    const expectations = trace.assessments.filter((a) => a.kind === "expectation");
    assertEquals(expectations.map((a) => a.name).sort(), ["category", "urgency"], where);
    for (const expectation of expectations) assertEquals(expectation.source_type, "HUMAN", where);
  }
}

Deno.test({
  name:
    "real MLflow: search_traces(run_id=...) and get_run read an evaluation back from a SQLite file",
  ignore: V39 === undefined,
  async fn() {
    await using dir = await tempDir();
    const evaluated = await evaluate(dir.path, "sqlite:///mlflow.db");
    const readback = await readBack(
      V39!,
      `sqlite:///${dir.path}/mlflow.db`,
      evaluated.run.key,
      dir.path,
    );
    assert(readback.version.startsWith("3.9"), readback.version);
    assertEquals(readback.run.run_id, evaluated.run.key);
    assertReadBack(readback, evaluated, "MLflow 3.9, SQLite file");
  },
});

Deno.test({
  name: "real MLflow: search_traces(run_id=...) and get_run read an evaluation back from a server",
  ignore: NEWEST === undefined,
  async fn() {
    await using dir = await tempDir();
    await using server = await startServer(NEWEST!, {
      backendStoreUri: "sqlite:///server.db",
      dir: dir.path,
    });
    const evaluated = await evaluate(dir.path, server.url, new URL(server.url).host);
    const readback = await readBack(NEWEST!, server.url, evaluated.run.key, dir.path);
    assertReadBack(readback, evaluated, "newest MLflow, server");
  },
});
