/**
 * The real-MLflow suite: runs against real MLflow builds (see `_real_mlflow.ts` for how they are
 * found); without them every test here is ignored and one line says why and how to enable them.
 *
 * 1. The upgrade round trip, as a user meets it: `run` creates `mlflow.db`; MLflow 3.9's server
 *    opens it (and takes a run over OTLP and REST); the newest MLflow's `mlflow ui` opens it and
 *    upgrades it in place; `run` writes into the upgraded file while the UI is open, another run
 *    goes to the newest server, and a spooled trace is pushed to it; MLflow's own client reads
 *    every run and trace back. No step may warn or spool. These runs use `run_per_execution`,
 *    so each has an MLflow run whose metrics and artifacts are checked. Then a single run and a
 *    batch go to the newest server: `report costs` reads them back with filters through
 *    MLflow's trace search, and MLflow 3's GenAI view holds (below).
 * 2. SQLite files that real MLflow created from scratch (MLflow 3.9 and the newest MLflow, each
 *    through its own Python client logging a run with a trace) take our runs without a warning;
 *    MLflow reads both its own run and ours back; `traces list` and `traces show` read the trace
 *    MLflow wrote; `report costs` counts our runs (it reports configurable-agents traces only).
 *    A single run and a batch of two follow, and MLflow 3's GenAI view holds.
 *
 * MLflow 3's GenAI view, as MLflow's own client reads it: the agent version (LoggedModel) lists
 * the traces of the single run and of the batch (`mlflow.search_traces(model_id=...)`); the
 * single run made no MLflow run; the batch made exactly one, with its aggregate metrics and its
 * traces linked (`mlflow.search_traces(run_id=...)`).
 */
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { queryRows, tempDir } from "../runtime/_helpers.ts";
import { assertExampleRun, assertGenAiModel } from "./_assert_readback.ts";
import {
  cli,
  exampleFile,
  freePort,
  type GenAiReadback,
  type Logged,
  type MlflowBuild,
  NEWEST,
  probe,
  type Readback,
  runExample,
  runExampleBatch,
  type RunReport,
  SKIP_REASON,
  spooled,
  startServer,
  type TraceMetricSums,
  V39,
} from "./_real_mlflow.ts";

if (SKIP_REASON !== undefined) {
  // deno-lint-ignore no-console
  console.log(`real MLflow suite: skipped (shown as ignored) as ${SKIP_REASON}`);
}

function revision(db: string): unknown {
  return queryRows(db, "SELECT version_num FROM alembic_version")[0]?.version_num;
}

Deno.test({
  name:
    "real MLflow: a file run creates opens in MLflow 3.9, is upgraded by the newest MLflow's ui and takes runs again",
  ignore: V39 === undefined || NEWEST === undefined,
  async fn(t) {
    const v39 = V39!;
    const newest = NEWEST!;
    await using dir = await tempDir();
    const db = `${dir.path}/mlflow.db`;
    const uri = "sqlite:///mlflow.db";
    const runs: RunReport[] = [];
    const started = new Date().toISOString();

    await t.step("run creates the file at the 3.9.0 schema", async () => {
      runs.push(await runExample(dir.path, uri, "tide pools", true));
      assertEquals(revision(db), "d3e4f5a6b7c8");
    });

    await t.step(
      "MLflow 3.9's server opens it, takes a run over OTLP and REST, and reads both back",
      async () => {
        await using server = await startServer(v39, { backendStoreUri: uri, dir: dir.path });
        runs.push(await runExample(dir.path, server.url, "rock pools", true));
        const [readback] = await probe(v39, [["read", server.url]], dir.path) as [Readback];
        assert(readback.version.startsWith("3.9"), readback.version);
        assertEquals(readback.traces.length, 2);
        for (const report of runs) assertExampleRun(readback, report, "MLflow 3.9 server");
        assertEquals(revision(db), "d3e4f5a6b7c8");
      },
    );

    await t.step("a run to a server that is down is spooled (for traces push below)", async () => {
      const down = `http://127.0.0.1:${freePort()}`;
      const example = exampleFile(dir.path, true);
      const args = ["run", example, "--mock", "--json", "-i", "topic=sea stars"];
      const result = await cli(dir.path, [...args, "--tracking-uri", down], new URL(down).host);
      assertEquals(result.code, 0, result.stderr);
      assertStringIncludes(result.stderr, "traces push");
      assertEquals(spooled(dir.path).length, 1);
      runs.push(JSON.parse(result.stdout).metadata);
    });

    await t.step(
      "the newest MLflow's ui upgrades the file; run writes into it while the ui is open; runs and a push reach its server",
      async () => {
        await using server = await startServer(newest, {
          command: "ui",
          backendStoreUri: uri,
          dir: dir.path,
        });
        assertEquals(revision(db), "7d34483879f0");
        const upgraded = await runExample(dir.path, uri, "kelp forests", true);
        runs.push(upgraded);
        runs.push(await runExample(dir.path, server.url, "sand dunes", true));
        const push = await cli(
          dir.path,
          ["traces", "push", "--tracking-uri", server.url],
          new URL(server.url).host,
        );
        assertEquals(push.code, 0, push.stderr);
        assertStringIncludes(push.stdout, "1 delivered");
        assertEquals(spooled(dir.path), []);

        // Our readers over the server's REST API.
        const host = new URL(server.url).host;
        const report = await cli(
          dir.path,
          ["report", "costs", "--json", "--tracking-uri", server.url],
          host,
        );
        assertEquals(report.code, 0, report.stderr);
        const totals = JSON.parse(report.stdout).totals;
        assertEquals(totals.runs, runs.length);
        assertEquals(totals.total_tokens, runs.reduce((sum, r) => sum + r.usage.total_tokens, 0));
        const show = await cli(
          dir.path,
          ["traces", "show", upgraded.traceId, "--tracking-uri", server.url],
          host,
        );
        assertEquals(show.code, 0, show.stderr);
        assertStringIncludes(show.stdout, "workflow_article_writer  AGENT");
        assertStringIncludes(show.stdout, "serper_search  TOOL");

        const [readback, charts] = await probe(
          newest,
          [["read", server.url], ["trace_metrics", server.url]],
          dir.path,
        ) as [Readback, TraceMetricSums];
        assert(readback.version.startsWith("3.11"), readback.version);
        assertEquals(readback.traces.length, runs.length);
        assertEquals(readback.runs.length, runs.length);
        for (const each of runs) assertExampleRun(readback, each, "newest MLflow ui");
        // The ui serves every run's artifacts, as its run page fetches them.
        for (const run of readback.runs) {
          const listed = await fetch(
            `${server.url}/ajax-api/2.0/mlflow/artifacts/list?run_id=${run.run_id}`,
          );
          assertEquals(listed.status, 200, run.name);
          const files = ((await listed.json()).files ?? []).map((f: { path: string }) => f.path);
          assert(files.includes("cost_summary.json"), `${run.name}: ${files}`);
          const summary = await fetch(
            `${server.url}/get-artifact?path=cost_summary.json&run_uuid=${run.run_id}`,
          );
          assertEquals(summary.status, 200, run.name);
          assert(typeof (await summary.json()).total?.cost_usd === "number", run.name);
        }
        // MLflow's trace metrics (its overview charts) count every run: tokens from trace_metrics,
        // cost from span_metrics, which the upgrade added empty and our next run filled for the
        // runs recorded before it.
        const experiment = readback.traces[0]!.experiment_id;
        assertEquals(
          charts[experiment]?.total_tokens,
          runs.reduce((sum, each) => sum + each.usage.total_tokens, 0),
        );
        const cost = runs.reduce((sum, each) => sum + each.costUsd, 0);
        assert(
          Math.abs((charts[experiment]?.total_cost ?? 0) - cost) < 1e-11,
          `span cost ${charts[experiment]?.total_cost} is not ${cost}`,
        );

        // A single run and a batch on the server: reported from traces, with the filters going
        // through MLflow's own trace search, and seen by MLflow as its GenAI model has it.
        const single = await runExample(dir.path, server.url, "tide flats");
        const batch = await runExampleBatch(dir.path, server.url, ["reefs", "estuaries"]);
        const all = [...runs, single, ...batch];
        const filtered = await cli(dir.path, [
          "report",
          "costs",
          "--json",
          "--workflow",
          "article_writer",
          "--status",
          "success",
          "--since",
          started,
          "--tracking-uri",
          server.url,
        ], host);
        assertEquals(filtered.code, 0, filtered.stderr);
        const sums = JSON.parse(filtered.stdout).totals;
        assertEquals(sums.runs, all.length);
        assertEquals(sums.total_tokens, all.reduce((sum, r) => sum + r.usage.total_tokens, 0));
        const none = await cli(dir.path, [
          "report",
          "costs",
          "--json",
          "--status",
          "failure",
          "--tracking-uri",
          server.url,
        ], host);
        assertEquals(JSON.parse(none.stdout).totals.runs, 0, none.stderr);
        const [genai] = await probe(newest, [["genai", server.url, single.traceId]], dir.path) as [
          GenAiReadback,
        ];
        assertGenAiModel(genai, single, batch, "newest MLflow ui server");
        assertEquals(genai.runs.length, runs.length + 1, "one run per execution, one batch run");
      },
    );
    assertEquals(spooled(dir.path), []);
  },
});

interface CreatedFile {
  build: MlflowBuild;
  revision: string;
  dir: string;
}

/** Our run into a file MLflow created, then what our readers make of both runs. */
async function writeAndReport(file: CreatedFile, logged: Logged): Promise<RunReport> {
  const uri = "sqlite:///mlflow.db";
  const where = `${file.build.label} file`;
  assertEquals(
    queryRows(`${file.dir}/mlflow.db`, "SELECT version_num FROM alembic_version"),
    [{ version_num: file.revision }],
    where,
  );
  const ours = await runExample(file.dir, uri, "tide pools", true);
  assertEquals(spooled(file.dir), [], where);

  const list = await cli(file.dir, ["traces", "list", "--tracking-uri", uri]);
  assertEquals(list.code, 0, list.stderr);
  assertStringIncludes(list.stdout, logged.trace_id);
  assertStringIncludes(list.stdout, ours.traceId);
  const show = await cli(file.dir, ["traces", "show", logged.trace_id, "--tracking-uri", uri]);
  assertEquals(show.code, 0, show.stderr);
  for (const part of ["native_agent  AGENT", "ChatOpenAI  CHAT_MODEL", "12 in / 30 out"]) {
    assertStringIncludes(show.stdout, part, where);
  }
  assertStringIncludes(show.stdout, `run ${logged.run_id}`);
  const report = await cli(file.dir, ["report", "costs", "--json", "--tracking-uri", uri]);
  assertEquals(report.code, 0, report.stderr);
  const totals = JSON.parse(report.stdout).totals;
  assertEquals([totals.runs, totals.total_tokens], [1, ours.usage.total_tokens], where);
  assert(Math.abs(totals.cost_usd - ours.costUsd) < 1e-11, where);
  return ours;
}

Deno.test({
  name:
    "real MLflow: files MLflow 3.9 and the newest MLflow created, each with a trace of its own, take our runs and read back",
  ignore: V39 === undefined || NEWEST === undefined,
  async fn() {
    await using dir39 = await tempDir();
    await using dirNewest = await tempDir();
    const files: CreatedFile[] = [
      { build: V39!, revision: "d3e4f5a6b7c8", dir: dir39.path },
      { build: NEWEST!, revision: "7d34483879f0", dir: dirNewest.path },
    ];
    const store = (file: CreatedFile) => `sqlite:///${file.dir}/mlflow.db`;
    // MLflow creates each file from scratch as its client logs a run with a trace.
    const logged = await Promise.all(
      files.map(async (file) =>
        (await probe(file.build, [["log", store(file), "native"]], file.dir))[0] as Logged
      ),
    );
    const ours: RunReport[] = [];
    const singles: RunReport[] = [];
    const batches: RunReport[][] = [];
    for (const [index, file] of files.entries()) {
      ours.push(await writeAndReport(file, logged[index]!));
      singles.push(await runExample(file.dir, "sqlite:///mlflow.db", "sea stars"));
      batches.push(await runExampleBatch(file.dir, "sqlite:///mlflow.db", ["reefs", "estuaries"]));
    }
    const readbacks = await Promise.all(
      files.map((file, index) =>
        probe(
          file.build,
          [["read", store(file)], ["genai", store(file), singles[index]!.traceId]],
          file.dir,
        )
      ),
    );
    for (const [index, file] of files.entries()) {
      const [readback, genai] = readbacks[index] as [Readback, GenAiReadback];
      assertGenAiModel(genai, singles[index]!, batches[index]!, `${file.build.label} file`);
      // MLflow's own run, our run of one execution, the batch's run.
      assertEquals(genai.runs.length, 3, `${file.build.label} file`);
      const native = logged[index]!;
      assertEquals(readback.version, native.version);
      assertExampleRun(readback, ours[index]!, `${file.build.label} file`);
      const trace = readback.traces.find((candidate) => candidate.trace_id === native.trace_id);
      assertEquals(trace?.token_usage, { input_tokens: 12, output_tokens: 30, total_tokens: 42 });
      assert(readback.runs.some((run) => run.run_id === native.run_id));
    }
  },
});
