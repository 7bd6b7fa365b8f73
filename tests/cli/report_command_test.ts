import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import type { InsertedRun } from "../tracking/report/_mlflow_db.ts";
import { datasetFile } from "../tracking/report/_dataset.ts";
import { fakeCliIO } from "../tracking/report/_fake_cli_io.ts";
import { FakeSearchServer, readAll } from "../tracking/report/_fake_search_server.ts";

async function workspace() {
  const file = await datasetFile();
  return { ...file, runs: Object.values(file.runs) };
}

function sum(runs: InsertedRun[], key: string): number {
  return runs.reduce((total, run) => total + (run.metrics[key] ?? 0), 0);
}

Deno.test("report costs prints a table read from ./mlflow.db by default", async () => {
  await using ws = await workspace();
  const io = fakeCliIO(ws.dir);
  assertEquals(await main(["report", "costs"], io), 0, io.err());
  const out = io.out();
  assertStringIncludes(out, `Costs by workflow · sqlite:///${ws.dir}/mlflow.db`);
  assert(/^article +3 /m.test(out), out);
  assert(/^TOTAL +5 +1,347 +705 +2,052 +unknown/m.test(out), out);
  assertStringIncludes(out, "models without a price: openai/gpt-99");
  assertEquals(io.err(), "");
});

Deno.test("report costs --json totals equal the sums of the runs' own metrics", async () => {
  await using ws = await workspace();
  const io = fakeCliIO(ws.dir);
  assertEquals(await main(["report", "costs", "--json", "--by", "model"], io), 0, io.err());
  const report = JSON.parse(io.out());
  assertEquals(report.by, "model");
  assertEquals(report.totals.runs, ws.runs.length);
  assertEquals(report.totals.input_tokens, sum(ws.runs, "total_input_tokens"));
  assertEquals(report.totals.output_tokens, sum(ws.runs, "total_output_tokens"));
  assertEquals(report.totals.total_tokens, sum(ws.runs, "total_tokens"));
  assertEquals(report.totals.cost_usd, null);
  const failures = ws.runs.filter((run) => run.metrics.status === 0);
  const io2 = fakeCliIO(ws.dir);
  assertEquals(await main(["report", "costs", "--json", "--status", "failure"], io2), 0);
  const failure = JSON.parse(io2.out());
  assertEquals(failure.totals.runs, failures.length);
  assertEquals(failure.totals.cost_usd, sum(failures, "total_cost_usd"));
});

Deno.test("report costs reads MLFLOW_TRACKING_URI and honours every filter flag", async () => {
  await using ws = await workspace();
  const io = fakeCliIO("/", { MLFLOW_TRACKING_URI: `sqlite:///${ws.dir}/mlflow.db` });
  const code = await main([
    "report",
    "costs",
    "--csv",
    "--by",
    "day",
    "--experiment",
    "configurable_agents",
    "--workflow",
    "article",
    "--since",
    "2026-11-01",
    "--until",
    "2026-12-01",
    "--status",
    "success",
  ], io);
  assertEquals(code, 0, io.err());
  const lines = io.out().trimEnd().split("\n");
  assertEquals(lines.map((line) => line.split(",")[0]), ["day", "2026-11-27", "TOTAL"]);
  assertEquals(lines[1]?.split(",").slice(1, 7), ["1", "", "112", "80", "192", "0.0003698"]);
});

Deno.test("report costs says no runs are recorded when the file does not exist", async () => {
  const dir = await Deno.makeTempDir();
  const io = fakeCliIO(dir);
  assertEquals(await main(["report", "costs"], io), 0);
  assertStringIncludes(io.out(), "No runs recorded yet at sqlite:///mlflow.db");
  const json = fakeCliIO(dir);
  assertEquals(await main(["report", "costs", "--json", "--experiment", "x"], json), 0);
  const report = JSON.parse(json.out());
  assertEquals([report.rows, report.totals.runs, report.totals.cost_usd], [[], 0, 0]);
  // Still nothing was created.
  assertEquals([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir);
});

Deno.test("report costs exits 2 on bad flags with one clear message", async () => {
  await using ws = await workspace();
  const cases: [string[], string][] = [
    [["--json", "--csv"], "Cannot print the report as both JSON and CSV"],
    [["--since", "last tuesday"], `Cannot use "last tuesday" as the since date`],
    [["--experiment", "nope"], `Cannot find experiment "nope"`],
    [["--tracking-uri", "postgresql://db/x"], "as it is not a tracking URI"],
    [["--by", "year"], "Allowed choices are workflow, model, node, day, week, month"],
    [["--since", "2026-11-10", "--until", "2026-11-01"], "Cannot report on an empty time window"],
  ];
  for (const [flags, message] of cases) {
    const io = fakeCliIO(ws.dir);
    assertEquals(await main(["report", "costs", ...flags], io), 2, flags.join(" "));
    assertStringIncludes(io.err(), message);
    assert(!io.err().includes("    at "), io.err());
  }
});

Deno.test("report costs fails with exit 1 on a file that is not an MLflow database", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/mlflow.db`, "");
  const io = fakeCliIO(dir);
  assertEquals(await main(["report", "costs"], io), 1);
  assertStringIncludes(io.err(), "as it is not an MLflow tracking database");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("report costs reads a tracking server like the file", async () => {
  await using ws = await workspace();
  await using server = FakeSearchServer.start(await readAll(ws.reader()), {
    requireAuthorization: "Bearer t0ken",
  });
  const overHttp = fakeCliIO(ws.dir, { MLFLOW_TRACKING_TOKEN: "t0ken" });
  assertEquals(
    await main(
      ["report", "costs", "--json", "--by", "node", "--tracking-uri", server.url],
      overHttp,
    ),
    0,
    overHttp.err(),
  );
  const fromFile = fakeCliIO(ws.dir);
  assertEquals(await main(["report", "costs", "--json", "--by", "node"], fromFile), 0);
  const { location: _a, ...http } = JSON.parse(overHttp.out());
  const { location: _b, ...file } = JSON.parse(fromFile.out());
  assertEquals(http, file);
});

Deno.test("report costs and traces need only --allow-read and load no LangChain", async () => {
  await using ws = await workspace();
  const cli = new URL("../../cli.ts", import.meta.url).href;
  const output = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-prompt",
      `--allow-read`,
      cli,
      "report",
      "costs",
      "--by",
      "model",
      "--tracking-uri",
      `sqlite:///${ws.dir}/mlflow.db`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 0, stderr);
  assertStringIncludes(new TextDecoder().decode(output.stdout), "openai/gpt-4o-mini");
  for (const module of ["report_command.ts", "traces_command.ts"]) {
    const info = await new Deno.Command("deno", {
      args: ["info", "--json", new URL(`../../src/cli/${module}`, import.meta.url).href],
      stdout: "piped",
    }).output();
    const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
      modules: { specifier: string }[];
    };
    const heavy = graph.modules.map((m) => m.specifier).filter((s) =>
      /langchain|langgraph|opentelemetry|langsmith/.test(s)
    );
    assertEquals(heavy, [], module);
  }
});
