/**
 * `evaluate`: the table and aggregates, `--json`, `--fail-under` (exit 1), `--compare` with an
 * earlier evaluation of the same store, bad records (exit 2, with their lines) and usage errors.
 */
import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_helpers/assert.ts";
import { queryRows, tempDir, testIO } from "../runtime/_helpers.ts";

const WORKFLOW = "examples/support_triage.yaml";
const DATASET = "examples/evaluation/support_triage.jsonl";
const SCORERS = "examples/evaluation/scorers.yaml";

function evaluate(...extra: string[]): string[] {
  return ["evaluate", WORKFLOW, "--dataset", DATASET, "--scorers", SCORERS, "--mock", ...extra];
}

Deno.test("evaluate prints a row per record, the aggregates and the spend of runs and judges", async () => {
  const io = testIO();
  const code = await main(evaluate("--no-tracking", "--rationale"), io);
  assertEquals(code, 0, io.err());
  const out = io.out();
  assertMatch(
    out,
    /^line\s+run\s+right_team\s+urgency_close\s+urgency_is_int\s+cheap\s+fast\s+polite$/m,
  );
  assertEquals(out.match(/^\d+\s+ok\s/gm)?.length, 20);
  assertMatch(out, /^scorer\s+mean\s+pass rate\s+errors$/m);
  assertMatch(out, /^urgency_is_int\s+1\s+100%\s+0$/m);
  assertMatch(out, /^Runs: {3}20 runs · [\d,]+ tokens · \$0\.\d+$/m);
  assertMatch(out, /^Judges: 20 calls · [\d,]+ tokens · \$0\.\d+$/m);
  assertMatch(out, /^ {4}cheap: The run cost \$[\d.]+, within \$0\.01$/m);
  assertStringIncludes(io.err(), "Evaluating support_triage on support_triage.jsonl (20 records");
  assertEquals(io.err().match(/^✓ line \d+ \(\d+\/20\)/gm)?.length, 20);
});

Deno.test("evaluate --fail-under exits 1 when a mean is below its threshold and 0 when none is", async () => {
  const failing = testIO();
  assertEquals(
    await main(
      evaluate(
        "--no-tracking",
        "--fail-under",
        "urgency_is_int=1",
        "--fail-under",
        "right_team=0.9",
      ),
      failing,
    ),
    1,
  );
  assertMatch(failing.out(), /^✓ urgency_is_int mean 1 >= 1$/m);
  assertMatch(failing.out(), /^✗ right_team mean [\d.]+ < 0\.9$/m);
  const passing = testIO();
  assertEquals(
    await main(evaluate("--no-tracking", "--fail-under", "cheap=1,fast=0.5"), passing),
    0,
  );
});

Deno.test("evaluate --json prints the evaluation for machines, with the thresholds", async () => {
  const io = testIO();
  const code = await main(
    evaluate("--no-tracking", "--json", "--fail-under", "right_team=0.9"),
    io,
  );
  assertEquals(code, 1);
  const output = JSON.parse(io.out());
  assertEquals(output.dataset.records, 20);
  assertMatch(output.dataset.digest, /^[0-9a-f]{8}$/);
  assertEquals(output.scorers, [
    "right_team",
    "urgency_close",
    "urgency_is_int",
    "cheap",
    "fast",
    "polite",
  ]);
  assertEquals(output.records.length, 20);
  const [first] = output.records;
  assertEquals(first.line, 1);
  assertEquals(first.status, "success");
  assertEquals(first.scores.length, 6);
  const polite = first.scores.find((score: { name: string }) => score.name === "polite");
  assertEquals(polite.source.type, "LLM_JUDGE");
  assert(polite.judge.usage.total_tokens > 0);
  assertEquals(output.aggregates.urgency_is_int.mean, 1);
  assertEquals(output.judges.count, 20);
  assertEquals(output.runs.count, 20);
  assertEquals(output.failUnder.failed.map((check: { name: string }) => check.name), [
    "right_team",
  ]);
  assertEquals(output.run, null);
});

Deno.test("evaluate --compare shows per-scorer deltas and the records that flipped against an earlier run", async () => {
  await using dir = await tempDir();
  const uri = `sqlite:///${dir.path}/mlflow.db`;
  const first = testIO();
  assertEquals(await main(evaluate("--tracking-uri", uri, "--json"), first), 0, first.err());
  const earlier = JSON.parse(first.out());
  assertMatch(earlier.run.key, /^[0-9a-f]{32}$/);
  const second = testIO();
  const code = await main(
    evaluate("--tracking-uri", uri, "--seed", "7", "--json", "--compare", earlier.run.name),
    second,
  );
  assertEquals(code, 0, second.err());
  const now = JSON.parse(second.out());
  const { comparison } = now;
  assertEquals(comparison.against, `${earlier.run.name} (${earlier.run.key})`);
  const polite = comparison.scorers.find((delta: { name: string }) => delta.name === "polite");
  assertEquals(polite.previous.mean, earlier.aggregates.polite.mean);
  assertEquals(polite.current.mean, now.aggregates.polite.mean);
  assertEquals(
    Math.round(polite.meanDelta * 1000),
    Math.round((now.aggregates.polite.mean - earlier.aggregates.polite.mean) * 1000),
  );
  // Every flip is a record whose verdict really changed between the two outputs.
  const verdict = (output: typeof now, key: string, name: string) =>
    output.records.find((r: { key: string }) => r.key === key).scores
      .find((s: { name: string }) => s.name === name).value;
  const flips = [...comparison.passToFail, ...comparison.failToPass];
  assert(flips.length > 0, "a different seed changes some verdicts");
  for (const flip of comparison.passToFail) {
    assertEquals(
      [verdict(earlier, flip.key, flip.name), verdict(now, flip.key, flip.name)].map(String).map((
        v,
      ) => v === "true" || v === "yes"),
      [true, false],
    );
  }
  for (const flip of comparison.failToPass) {
    assertEquals(
      [verdict(earlier, flip.key, flip.name), verdict(now, flip.key, flip.name)].map(String).map((
        v,
      ) => v === "true" || v === "yes"),
      [false, true],
    );
  }
  assertEquals([comparison.onlyCurrent, comparison.onlyPrevious], [[], []]);
  assertEquals(queryRows(`${dir.path}/mlflow.db`, "SELECT count(*) AS n FROM runs"), [{ n: 2 }]);

  // The text form, against the run's id.
  const text = testIO();
  assertEquals(await main(evaluate("--tracking-uri", uri, "--compare", earlier.run.key), text), 0);
  assertMatch(text.out(), /^Compared with .*-evaluation \([0-9a-f]{32}\):$/m);
  assertMatch(text.out(), /^scorer\s+mean before\s+mean now\s+Δ mean\s+Δ pass rate$/m);

  const missing = testIO();
  assertEquals(await main(evaluate("--tracking-uri", uri, "--compare", "no-such-run"), missing), 2);
  assertMatch(
    missing.err(),
    /Cannot compare with "no-such-run" as no earlier evaluation run has that id or name/,
  );
});

Deno.test("evaluate reports a bad record with its line, scores the others, and exits 2", async () => {
  await using dir = await tempDir();
  const dataset = `${dir.path}/tickets.jsonl`;
  await Deno.writeTextFile(
    dataset,
    [
      '{"inputs": {"ticket": "I was charged twice"}, "expectations": {"category": "billing", "urgency": 2}}',
      '{"inputs": {"tciket": "typo"}}',
      "not json",
      '{"inputs": {"ticket": "The API is down"}, "expectations": {"category": "technical", "urgency": 5}}',
    ].join("\n"),
  );
  const io = testIO();
  const code = await main(
    [
      "evaluate",
      WORKFLOW,
      "--dataset",
      dataset,
      "--scorers",
      SCORERS,
      "--mock",
      "--no-tracking",
      "--json",
    ],
    io,
  );
  assertEquals(code, 2);
  const output = JSON.parse(io.out());
  assertEquals(output.records.map((record: { line: number }) => record.line), [1, 4]);
  assertEquals(output.problems.map((problem: { line: number }) => problem.line), [2, 3]);
  assertMatch(
    io.err(),
    /tickets\.jsonl:2.*Cannot run the record at line 2 as the workflow rejects its inputs/,
  );
  assertMatch(io.err(), /tickets\.jsonl:3.*Cannot read line 3 as it is not valid JSON/);
});

Deno.test("evaluate exits 2 with a clear message on usage errors", async () => {
  const cases: [string[], RegExp][] = [
    [["evaluate", WORKFLOW, "--mock"], /required option '--dataset <file>' not specified/],
    [
      evaluate("--fail-under", "polit=0.5"),
      /Cannot use --fail-under "polit=0\.5" as no scorer is named "polit": did you mean 'polite'\?/,
    ],
    [
      evaluate("--fail-under", "urgency_is_int=80"),
      /Cannot use --fail-under "urgency_is_int=80" as "urgency_is_int" scores pass\/fail, so its mean is a pass rate from 0 to 1: write urgency_is_int=0\.8 for 80%/,
    ],
    [
      evaluate("--fail-under", "polite"),
      /Cannot use --fail-under "polite" as it is not name=number/,
    ],
    [
      ["evaluate", WORKFLOW, "--dataset", DATASET, "--mock"],
      /Cannot evaluate "support_triage" as it has no scorers/,
    ],
    [
      ["evaluate", WORKFLOW, "--dataset", "tickets.csv", "--scorers", SCORERS],
      /Cannot read the dataset "tickets\.csv" as its format is unknown/,
    ],
    [
      evaluate("--no-tracking", "--compare", "x"),
      /Cannot use --compare as the evaluation is not recorded anywhere/,
    ],
    [["evaluate", WORKFLOW, "--dataset", DATASET, "--scorers", "examples/echo.yaml"], /scorers/],
  ];
  for (const [args, message] of cases) {
    const io = testIO();
    assertEquals(await main(args, io), 2, `${args.join(" ")}\n${io.err()}`);
    assertMatch(io.err(), message);
    assert(!/^\s+at /m.test(io.err()), "no stack trace");
  }
});
