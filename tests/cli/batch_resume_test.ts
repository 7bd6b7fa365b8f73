/**
 * `run --input-file items.jsonl --output results.jsonl`, `--resume` and `--shard`: in process
 * through `main()` with real files, and once in a subprocess interrupted half-way.
 */
import { main } from "../../src/cli/main.ts";
import { canonicalJson, inputsHash } from "../../src/cli/_inputs_hash.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_helpers/assert.ts";
import {
  cliCommand,
  copyExamples,
  queryRows,
  ROOT,
  runCliProcess,
  tempDir,
  testIO,
} from "../runtime/_helpers.ts";

const ECHO = "examples/echo.yaml";

/** `count` records, one a line: `{"message": "m<line>"}`. */
function records(count: number): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ message: `m${i + 1}` }))
    .join("\n") + "\n";
}

async function withItems(count: number) {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/items.jsonl`, records(count));
  return dir;
}

/** Runs `run examples/echo.yaml --mock --input-file items.jsonl <args>` in process. */
async function batch(dir: string, ...args: string[]) {
  const io = testIO({ cwd: dir });
  const code = await main(
    ["run", ECHO, "--mock", "--input-file", `${dir}/items.jsonl`, ...args],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

/** The result lines of a file, parsed. */
async function resultsIn(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  assert(text === "" || text.endsWith("\n"), "a results file ends with a newline");
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

function linesOf(results: Record<string, unknown>[]): number[] {
  return results.map((result) => result.line as number).sort((a, b) => a - b);
}

Deno.test("run --output appends one result line per record and prints only the summary with --json", async () => {
  await using dir = await withItems(6);
  const output = `${dir.path}/results.jsonl`;
  const { code, out, err } = await batch(dir.path, "--output", output, "--json");
  assertEquals(code, 0, err);
  const results = await resultsIn(output);
  assertEquals(linesOf(results), [1, 2, 3, 4, 5, 6]);
  const first = results.find((result) => result.line === 1)!;
  assertEquals(first.status, "success");
  assertEquals(
    first.inputsSha256,
    await inputsHash({ line: 1, inputs: { message: "m1" } }),
  );
  const stdout = out.trimEnd().split("\n").map((line) => JSON.parse(line));
  assertEquals(stdout.length, 1, out);
  assertEquals(stdout[0].summary.items, 6);
  assertEquals(stdout[0].summary.succeeded, 6);
  assertEquals(stdout[0].summary.rateLimited, 0);
  assertEquals(stdout[0].summary.retries, 0);
  assertEquals(stdout[0].summary.output, output);
  assert(stdout[0].summary.usage.total_tokens > 0);
});

Deno.test("run --output refuses a file that holds results unless --resume is given", async () => {
  await using dir = await withItems(2);
  const output = `${dir.path}/results.jsonl`;
  await Deno.writeTextFile(output, '{"line": 1}\n');
  const { code, err } = await batch(dir.path, "--output", output);
  assertEquals(code, 2);
  assertStringIncludes(err, `Cannot write results to "${output}" as it already holds results`);
  assertStringIncludes(err, "add --resume");
  assertEquals(await Deno.readTextFile(output), '{"line": 1}\n', "the file is left as it was");
});

Deno.test("run --resume ignores a torn last line and runs only the records the output lacks", async () => {
  await using dir = await withItems(10);
  const output = `${dir.path}/results.jsonl`;
  assertEquals((await batch(dir.path, "--output", output)).code, 0);
  const whole = (await Deno.readTextFile(output)).split("\n");
  // Keep 6 results and half of the 7th, as a kill in the middle of a write leaves them.
  const torn = whole[6]!.slice(0, 40);
  await Deno.writeTextFile(output, whole.slice(0, 6).join("\n") + "\n" + torn);
  const resumed = await batch(dir.path, "--output", output, "--resume");
  assertEquals(resumed.code, 0, resumed.err);
  assertMatch(resumed.err, /Resuming .*: 6 of 10 records are done; running the other 4/);
  assertMatch(resumed.err, /Batch of echo: 4 items · 4 succeeded · 0 failed · 6 already in /);
  const results = await resultsIn(output);
  assertEquals(linesOf(results), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assertEquals((await Deno.readTextFile(output)).split("\n").slice(0, 6), whole.slice(0, 6));
  // Resuming a complete file runs nothing.
  const again = await batch(dir.path, "--output", output, "--resume", "--json");
  assertEquals(again.code, 0, again.err);
  assertEquals(JSON.parse(again.out).summary.items, 0);
  assertEquals(JSON.parse(again.out).summary.skipped, 10);
});

Deno.test("run --resume keeps a last result that lacks only its newline", async () => {
  await using dir = await withItems(3);
  const output = `${dir.path}/results.jsonl`;
  assertEquals((await batch(dir.path, "--output", output)).code, 0);
  const text = await Deno.readTextFile(output);
  await Deno.writeTextFile(output, text.split("\n").slice(0, 2).join("\n"));
  const resumed = await batch(dir.path, "--output", output, "--resume");
  assertEquals(resumed.code, 0, resumed.err);
  assertMatch(resumed.err, /2 of 3 records are done/);
  assertEquals(linesOf(await resultsIn(output)), [1, 2, 3]);
});

Deno.test("run --resume refuses records whose inputs changed, foreign shards and bad lines", async () => {
  await using dir = await withItems(4);
  const output = `${dir.path}/results.jsonl`;
  assertEquals((await batch(dir.path, "--output", output)).code, 0);
  const results = await Deno.readTextFile(output);

  // -i changes every record's inputs.
  const changed = await batch(dir.path, "--output", output, "--resume", "-i", "message=other");
  assertEquals(changed.code, 2);
  assertMatch(
    changed.err,
    /Cannot resume from ".*" as record \d of ".*items.jsonl" changed since it ran/,
  );

  const shard = await batch(dir.path, "--output", output, "--resume", "--shard", "2/2");
  assertEquals(shard.code, 2);
  assertMatch(shard.err, /holds record 1, which is not in shard 2\/2/);

  await Deno.writeTextFile(output, "not json\n" + results);
  const bad = await batch(dir.path, "--output", output, "--resume");
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.err, "as its line 1 is not a batch result");

  await Deno.writeTextFile(`${dir.path}/items.jsonl`, records(2));
  await Deno.writeTextFile(output, results);
  const shorter = await batch(dir.path, "--output", output, "--resume");
  assertEquals(shorter.code, 2);
  assertStringIncludes(shorter.err, "holds 2 results of records");
  assertEquals(await Deno.readTextFile(output), results, "a refused resume writes nothing");
});

Deno.test("run --resume exits by the worst outcome, the records already in the output included", async () => {
  await using dir = await withItems(3);
  await Deno.writeTextFile(
    `${dir.path}/items.jsonl`,
    '{"message": "m1"}\n{oops\n{"message": "m3"}\n',
  );
  const output = `${dir.path}/results.jsonl`;
  assertEquals((await batch(dir.path, "--output", output)).code, 2);
  const text = await Deno.readTextFile(output);
  const withoutLast = text.split("\n").filter((line) => line && !line.startsWith('{"line":3,'));
  await Deno.writeTextFile(output, withoutLast.join("\n") + "\n");
  const resumed = await batch(dir.path, "--output", output, "--resume");
  assertEquals(resumed.code, 2, "line 2 stays invalid");
  assertEquals(linesOf(await resultsIn(output)), [1, 2, 3]);
});

Deno.test("run --shard K/N splits the records into disjoint shards whose outputs merge into the batch", async () => {
  await using dir = await withItems(11);
  for (const index of [1, 2, 3]) {
    const { code, err } = await batch(
      dir.path,
      "--shard",
      `${index}/3`,
      "--output",
      `${dir.path}/s${index}.jsonl`,
    );
    assertEquals(code, 0, err);
  }
  const shards = await Promise.all([1, 2, 3].map((i) => resultsIn(`${dir.path}/s${i}.jsonl`)));
  assertEquals(linesOf(shards[0]!), [1, 4, 7, 10]);
  assertEquals(linesOf(shards[1]!), [2, 5, 8, 11]);
  assertEquals(linesOf(shards[2]!), [3, 6, 9]);
  assertEquals(linesOf(shards.flat()), Array.from({ length: 11 }, (_, i) => i + 1));
});

Deno.test("run --shard K/N --resume runs only the records of its shard that its output lacks", async () => {
  await using dir = await withItems(11);
  const output = `${dir.path}/s2.jsonl`;
  assertEquals((await batch(dir.path, "--shard", "2/3", "--output", output)).code, 0);
  const full = await Deno.readTextFile(output);
  await Deno.writeTextFile(output, full.split("\n").slice(0, 2).join("\n") + "\n");
  const resumed = await batch(dir.path, "--shard", "2/3", "--output", output, "--resume", "--json");
  assertEquals(resumed.code, 0, resumed.err);
  const summary = JSON.parse(resumed.out.trimEnd().split("\n").at(-1)!).summary;
  assertEquals([summary.items, summary.skipped], [2, 2]);
  const results = await resultsIn(output);
  assertEquals(linesOf(results), [2, 5, 8, 11]);
  assertEquals(results.length, 4, "each record of the shard once");
});

Deno.test("run rejects a bad --shard, and batch flags without a batch, with exit 2", async () => {
  await using dir = await withItems(1);
  for (
    const [args, fragment] of [
      [["--shard", "0/3"], 'Cannot use --shard "0/3" as its number must be from 1 to 3'],
      [["--shard", "4/3"], 'Cannot use --shard "4/3" as its number must be from 1 to 3'],
      [["--shard", "1/0"], 'Cannot use --shard "1/0" as the number of shards must be 1 or more'],
      [["--shard", "one/3"], 'Cannot use --shard "one/3" as it is not K/N'],
      [["--resume"], "Cannot use --resume as there is no --output to resume"],
      [["--rpm", "0"], 'Cannot use --rpm "0" as it is not a positive number'],
      [["--tpm", "1.5"], 'Cannot use --tpm "1.5" as it is not a whole number'],
      [
        ["--traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
        "Cannot use --traceparent with a JSONL batch as each record is a trace of its own",
      ],
    ] as const
  ) {
    const { code, err } = await batch(dir.path, ...args);
    assertEquals(code, 2, `${args.join(" ")}: ${err}`);
    assertStringIncludes(err, fragment);
  }
  const io = testIO({ cwd: dir.path });
  const single = await main(["run", ECHO, "--mock", "-i", "message=hi", "--shard", "1/2"], io);
  assertEquals(single, 2);
  assertStringIncludes(io.err(), "Cannot use --shard as the inputs are not a JSONL batch");
});

Deno.test("canonicalJson() sorts keys at every depth, so key order does not change the hash", async () => {
  assertEquals(
    canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
  );
  assertEquals(
    await inputsHash({ line: 1, inputs: { a: 1, b: 2 } }),
    await inputsHash({ line: 9, inputs: { b: 2, a: 1 } }),
  );
});

Deno.test("cli.ts run of a batch stopped by SIGTERM finishes its runs in flight, and --resume completes it: each record once in the output and in MLflow", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const count = 12;
  await Deno.writeTextFile(`${dir.path}/items.jsonl`, records(count));
  const permissions = [
    "--allow-read",
    "--allow-env",
    "--allow-write=results.jsonl,mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool",
  ];
  const args = [
    "run",
    ECHO,
    "--mock",
    "--mock-latency",
    "150",
    "--concurrency",
    "2",
    "--input-file",
    "items.jsonl",
    "--output",
    "results.jsonl",
    "--tracking-uri",
    "sqlite:///mlflow.db",
  ];
  const child = cliCommand(permissions, args, dir.path, "null").spawn();
  const output = `${dir.path}/results.jsonl`;
  // Stop it once some records are done.
  for (;;) {
    const text = await Deno.readTextFile(output).catch(() => "");
    if (text.split("\n").length > 4) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGTERM");
  const first = await child.output();
  const stderr = new TextDecoder().decode(first.stderr);
  assertEquals(first.code, 143, stderr);
  assertStringIncludes(stderr, "Stopping: no new records start; the runs in flight finish");
  const partial = await resultsIn(output);
  assert(partial.length < count, `${partial.length} records done before the stop`);
  assert(partial.every((result) => result.status === "success"), "runs in flight finished");

  const resumed = await runCliProcess(permissions, [...args, "--resume"], dir.path);
  assertEquals(resumed.code, 0, resumed.stderr);
  const results = await resultsIn(output);
  assertEquals(linesOf(results), Array.from({ length: count }, (_, i) => i + 1));
  // Every record ran once: one trace each, all of them OK.
  const traces = queryRows(
    `${dir.path}/mlflow.db`,
    "SELECT request_preview, status FROM trace_info",
  );
  assertEquals(traces.length, count);
  assert(traces.every((trace) => trace.status === "OK"), JSON.stringify(traces));
  const messages = traces.map((trace) => JSON.parse(String(trace.request_preview)).message);
  assertEquals(new Set(messages).size, count);
  // One MLflow run per invocation: the stopped batch's is KILLED, the resumed one's FINISHED,
  // and each trace links to the run of the invocation that ran its record.
  const db = `${dir.path}/mlflow.db`;
  const runs = queryRows(db, "SELECT run_uuid, status FROM runs ORDER BY start_time");
  assertEquals(runs.map((run) => run.status), ["KILLED", "FINISHED"]);
  const linked = (run: Record<string, unknown> | undefined) =>
    queryRows(
      db,
      "SELECT count(*) AS n FROM trace_request_metadata WHERE key = 'mlflow.sourceRun' AND value = ?",
      [String(run?.run_uuid)],
    )[0]?.n;
  assertEquals([linked(runs[0]), linked(runs[1])], [partial.length, count - partial.length]);
});

Deno.test("run of a batch: a second signal cancels the runs in flight, which --output leaves for --resume", async () => {
  await using dir = await withItems(4);
  const output = `${dir.path}/results.jsonl`;
  let ticks = 0;
  const io = testIO({
    cwd: dir.path,
    isTerminal: true,
    // The status line is drawn every 250 ms: by the second one both runs are waiting on the mock.
    onStderr: (text, self) => {
      if (text.includes("Batch: 0/4 done") && ++ticks === 2) {
        self.interrupt("SIGINT");
        self.interrupt("SIGINT");
      }
    },
  });
  const code = await main([
    "run",
    ECHO,
    "--mock",
    "--mock-latency",
    "60000",
    "--concurrency",
    "2",
    "--input-file",
    `${dir.path}/items.jsonl`,
    "--output",
    output,
  ], io);
  assertEquals(code, 130, io.err());
  assertStringIncludes(io.err(), "Stopping: no new records start");
  assertStringIncludes(io.err(), "Cancelling the runs in flight");
  assertMatch(io.err(), /Batch of echo: 2 items · 0 succeeded · 2 failed/);
  assertEquals(await Deno.readTextFile(output), "", "cancelled runs are no results");
});

Deno.test("cli.ts run --output without write permission for it exits 2 naming the flag", async () => {
  await using dir = await withItems(1);
  const run = await runCliProcess(["--allow-read", "--allow-env"], [
    "run",
    `${ROOT}${ECHO}`,
    "--mock",
    "--input-file",
    "items.jsonl",
    "--output",
    "results.jsonl",
  ], dir.path);
  assertEquals(run.code, 2, run.stderr);
  assertStringIncludes(
    run.stderr,
    'Cannot write results to "results.jsonl" as Deno has no write permission for it: add --allow-write=results.jsonl',
  );
  assert(!run.stderr.includes("    at "), run.stderr);
});
