/**
 * `evaluate` takes the flags of `run` that decide how runs go: `--mock-answers`,
 * `--mock-latency`, `--seed` and `--mlflow-schema`, checked with the same
 * messages as in `run`.
 */
import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertMatch } from "../_helpers/assert.ts";
import { queryRows, tempDir, testIO } from "../runtime/_helpers.ts";

const WORKFLOW = "examples/support_triage.yaml";
const SCORERS = "examples/evaluation/scorers.yaml";

/** Three records of the support_triage dataset, in a temporary directory. */
async function dataset(dir: string): Promise<string> {
  const lines = (await Deno.readTextFile("examples/evaluation/support_triage.jsonl"))
    .split("\n").filter((line) => line.trim() !== "").slice(0, 3);
  const path = `${dir}/tickets.jsonl`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

Deno.test("evaluate --mock-answers scripts the runs of every record, as run does", async () => {
  await using dir = await tempDir();
  const answers = `${dir.path}/answers.yaml`;
  await Deno.writeTextFile(answers, "classify: {category: shipping, urgency: 9}\n");
  const io = testIO();
  const code = await main([
    "evaluate",
    WORKFLOW,
    "--dataset",
    await dataset(dir.path),
    "--scorers",
    SCORERS,
    "--mock",
    "--mock-answers",
    answers,
    "--no-tracking",
    "--json",
  ], io);
  assertEquals(code, 0, io.err());
  const output = JSON.parse(io.out());
  assertEquals(output.records.length, 3);
  // Scripted: no record is in the expected team, and every urgency is 9.
  assertEquals(output.aggregates.right_team.mean, 0);
  assertEquals(output.aggregates.urgency_close.mean, 0);
});

Deno.test("evaluate checks --mock-latency, --mock-answers, --seed and --mlflow-schema as run does", async () => {
  await using dir = await tempDir();
  const data = await dataset(dir.path);
  const bad = `${dir.path}/bad.yaml`;
  await Deno.writeTextFile(bad, "classfy: {category: billing}\n");
  const base = ["evaluate", WORKFLOW, "--dataset", data, "--scorers", SCORERS, "--no-tracking"];
  const cases: [string[], RegExp][] = [
    [
      [...base, "--mock-latency", "5"],
      /Cannot use --mock-latency as no node runs on the mock model without --mock/,
    ],
    [
      [...base, "--mock", "--mock-latency", "-1"],
      /Cannot use --mock-latency "-1" as it is below 0/,
    ],
    [[...base, "--mock", "--mock-answers", bad], /classfy/],
    [[...base, "--mock", "--mlflow-schema", "3.12"], /Cannot use --mlflow-schema "3\.12"/],
    [[...base, "--mock", "--seed", "x"], /Cannot use --seed "x" as it is not a whole number/],
  ];
  for (const [args, message] of cases) {
    const io = testIO();
    assertEquals(await main(args, io), 2, `${args.join(" ")}\n${io.err()}`);
    assertMatch(io.err(), message);
    assert(!/^\s+at /m.test(io.err()), "no stack trace");
  }
});

Deno.test("evaluate --mlflow-schema creates a new SQLite file at that schema", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/eval.db`;
  const io = testIO({ cwd: dir.path });
  const code = await main([
    "evaluate",
    WORKFLOW,
    "--dataset",
    await dataset(dir.path),
    "--scorers",
    SCORERS,
    "--mock",
    "--tracking-uri",
    `sqlite:///${db}`,
    "--mlflow-schema",
    "3.10",
  ], io);
  assertEquals(code, 0, io.err());
  assertEquals(queryRows(db, "SELECT version_num FROM alembic_version"), [
    { version_num: "1b5f0d9ad7c1" },
  ]);
  assertEquals(queryRows(db, "SELECT count(*) AS n FROM trace_info"), [{ n: 3 }]);
});
