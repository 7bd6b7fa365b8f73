import { main } from "../../src/cli/main.ts";
import {
  parseInputAssignments,
  parseInputValue,
  readInputFile,
} from "../../src/cli/_run_inputs.ts";
import { UsageError } from "../../src/cli/usage_error.ts";
import { formatCost, formatDuration, paint, renderState } from "../../src/cli/_run_format.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../_helpers/assert.ts";
import {
  cliCommand,
  copyExamples,
  queryRows,
  ROOT,
  runCliProcess,
  tempDir,
  testIO,
  warningsIn,
} from "../runtime/_helpers.ts";

const TRACKING_WRITE =
  "--allow-write=mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool";

Deno.test("parseInputValue() keeps quoted text, parses JSON, and falls back to the raw text", () => {
  assertEquals(parseInputValue('"42"'), "42");
  assertEquals(parseInputValue("'true'"), "true");
  assertEquals(parseInputValue("'it''s'"), "it''s");
  assertEquals(parseInputValue("42"), 42);
  assertEquals(parseInputValue("-1.5e3"), -1500);
  assertEquals(parseInputValue("true"), true);
  assertEquals(parseInputValue("null"), null);
  assertEquals(parseInputValue('["a", 1]'), ["a", 1]);
  assertEquals(parseInputValue('{"city": "Porto"}'), { city: "Porto" });
  assertEquals(parseInputValue("tide pools"), "tide pools");
  assertEquals(parseInputValue(""), "");
  assertEquals(parseInputValue('"'), '"');
  assertEquals(parseInputValue("[unclosed"), "[unclosed");
  assertEquals(parseInputValue("a=b"), "a=b");
});

Deno.test("parseInputAssignments() reads key=value in order and rejects a missing key or '='", () => {
  assertEquals(parseInputAssignments(["topic=tide pools", "n=3", "n=4", "eq=a=b", "blank="]), {
    topic: "tide pools",
    n: 4,
    eq: "a=b",
    blank: "",
  });
  assertThrows(() => parseInputAssignments(["topic"]), UsageError, 'Cannot read input "-i topic"');
  assertThrows(() => parseInputAssignments(["=value"]), UsageError, "is not key=value");
});

Deno.test("readInputFile() reads a JSON or YAML mapping and leaves a JSONL batch for later", async () => {
  await using dir = await tempDirWith({
    "in.json": '{"topic": "tides", "n": 2}',
    "in.yaml": "topic: tides\ntags: [a, b]\n",
  });
  const io = testIO();
  assertEquals(await readInputFile(`${dir.path}/in.json`, io), {
    kind: "object",
    inputs: { topic: "tides", n: 2 },
  });
  assertEquals(await readInputFile(`${dir.path}/in.yaml`, io), {
    kind: "object",
    inputs: { topic: "tides", tags: ["a", "b"] },
  });
  assertEquals(await readInputFile(`${dir.path}/items.jsonl`, io), {
    kind: "jsonl",
    path: `${dir.path}/items.jsonl`,
  });
});

Deno.test("readInputFile() names the line and column of a syntax error, and rejects non-mappings", async () => {
  await using dir = await tempDirWith({
    "bad.json": '{\n  "topic": "tides",\n  "n": [1, 2\n}\n',
    "list.yaml": "- a\n- b\n",
    "empty.yaml": "",
  });
  const io = testIO();
  const syntax = await assertRejects(() => readInputFile(`${dir.path}/bad.json`, io), UsageError);
  assertMatch(syntax.message, /bad\.json" as line \d+, column \d+ is not valid JSON or YAML/);
  const cli = testIO();
  const args = ["run", "examples/echo.yaml", "--mock", "--input-file", `${dir.path}/bad.json`];
  assertEquals(await main(args, cli), 2);
  assertMatch(cli.err(), /^error: Cannot read inputs from ".*bad\.json" as line \d+, column \d+/m);
  await assertRejects(
    () => readInputFile(`${dir.path}/list.yaml`, io),
    UsageError,
    "it holds a list",
  );
  await assertRejects(
    () => readInputFile(`${dir.path}/empty.yaml`, io),
    UsageError,
    "it holds nothing",
  );
  await assertRejects(
    () => readInputFile(`${dir.path}/missing.json`, io),
    UsageError,
    "Cannot read inputs from",
  );
});

Deno.test("run prints node progress, the final state and a summary, and exits 0", async () => {
  const io = testIO();
  const code = await main(["run", "examples/echo.yaml", "--mock", "-i", "message=hello there"], io);
  assertEquals(code, 0, io.err());
  assertStringIncludes(io.out(), "message: hello there\n");
  assertMatch(io.out(), /^reply: .+/m);
  assertStringIncludes(io.err(), "echo (1 node)");
  assertMatch(io.err(), /✓ echo \d+ ms · [\d,]+ tokens · \$0\.\d+/);
  assertMatch(io.err(), /✓ Finished in .* · mock run, priced as the workflow's models/);
  assert(!io.err().includes("running…"), "no live lines off a terminal");
});

Deno.test("run --json prints the state and the metadata as one JSON document", async () => {
  await using dir = await tempDirWith({ "in.yaml": "message: from the file\n" });
  const args = [
    "run",
    "examples/echo.yaml",
    "--mock",
    "--json",
    "--input-file",
    `${dir.path}/in.yaml`,
  ];
  const io = testIO();
  const code = await main(args, io);
  assertEquals(code, 0, io.err());
  const output = JSON.parse(io.out());
  assertEquals(output.state.message, "from the file");
  assertEquals(output.metadata.status, "success");
  assertEquals(output.metadata.nodeExecutions.length, 1);
  assertEquals(io.err(), "", "nothing on stderr with --json off a terminal");
  // -i wins over the file.
  const override = testIO();
  await main([...args, "-i", "message=from the flag"], override);
  assertEquals(JSON.parse(override.out()).state.message, "from the flag");
});

Deno.test("run shows live 'running…' lines replaced in place on a terminal, with parallel indexes", async () => {
  const io = testIO({ isTerminal: true });
  const code = await main([
    "run",
    "examples/parallel_research.yaml",
    "--mock",
    "-i",
    "question=Why are tide pools rich in life?",
  ], io);
  assertEquals(code, 0, io.err());
  // The running line is replaced in place: carriage return, then "erase line".
  assertMatch(io.err(), /… plan +running…\r.\[2K {2}✓ plan /);
  assertStringIncludes(io.err(), "running…\r\x1b[2K");
  assertMatch(io.err(), /✓ answer\[0\]/);
  assertMatch(io.err(), /✓ answer\[1\]/);
});

Deno.test("run exits 2 for bad inputs, flags and workflows, with one message and no stack", async () => {
  const cases: [string[], string][] = [
    [["run", "examples/echo.yaml", "--mock", "-i", "message"], 'Cannot read input "-i message"'],
    [["run", "examples/echo.yaml", "--mock"], 'input "message"'],
    [["run", "examples/echo.yaml", "--mock", "-i", "message=5"], 'input "message"'],
    [
      ["run", "examples/echo.yaml", "-i", "message=x", "--mock-latency", "5"],
      "Cannot use --mock-latency as no node runs on the mock model without --mock",
    ],
    [
      ["run", "examples/echo.yaml", "--mock", "-i", "message=x", "--mock-latency", "1e12"],
      'Cannot use --mock-latency "1e12" as it is above 600000: give a whole number from 0 to 600000',
    ],
    [
      ["run", "examples/echo.yaml", "--mock", "-i", "message=x", "--tracking-uri", "ftp://x"],
      'scheme "ftp"',
    ],
    [["run", "examples/nope.yaml", "--mock"], "Cannot load the workflow"],
    [
      ["run", "examples/echo.yaml", "--mock", "--concurrency", "0"],
      'Cannot use --concurrency "0" as it is below 1: give a whole number from 1 to 256',
    ],
    [
      ["run", "examples/echo.yaml", "--mock", "--concurrency", "10000000"],
      'Cannot use --concurrency "10000000" as it is above 256: give a whole number from 1 to 256',
    ],
    [["run", "examples/echo.yaml", "--mock", "--seed", "x"], 'Cannot use --seed "x" as it is not'],
    [
      ["run", "examples/echo.yaml", "--mock", "--mock-latency", "-1"],
      'Cannot use --mock-latency "-1" as it is below 0',
    ],
    [
      ["run", "examples/echo.yaml", "--mock", "--input-file", "examples/nope.json"],
      "Cannot read inputs from",
    ],
  ];
  for (const [args, fragment] of cases) {
    const io = testIO();
    assertEquals(await main(args, io), 2, `${args.join(" ")}: ${io.err()}`);
    assertStringIncludes(io.err(), fragment);
    assert(!io.err().includes("    at "), io.err());
  }
});

Deno.test("run exits 1 when the run fails, naming the node", async () => {
  await using dir = await tempDirWith({ "budget.yaml": await overBudgetEcho() });
  const io = testIO();
  const code = await main(["run", `${dir.path}/budget.yaml`, "--mock", "-i", "message=hi"], io);
  assertEquals(code, 1, io.err());
  assertStringIncludes(io.err(), "✗ echo");
  assertStringIncludes(io.err(), "error: ");
  assertStringIncludes(io.err(), "node: echo");
});

Deno.test("run of a JSONL batch prints one JSON line per item and exits by the worst outcome", async () => {
  await using dir = await tempDirWith({
    "ok.jsonl": '{"message": "a"}\n{"message": "b"}\n\n{"message": "c"}\n',
    "bad.jsonl": '{"message": "a"}\n{not json}\n{"message": 3}\n{"message": "d"}\n',
  });
  const ok = testIO();
  const okCode = await main([
    "run",
    "examples/echo.yaml",
    "--mock",
    "--input-file",
    `${dir.path}/ok.jsonl`,
    "--concurrency",
    "2",
    "-i",
    "message=overridden",
  ], ok);
  assertEquals(okCode, 0, ok.err());
  const lines = ok.out().trimEnd().split("\n").map((line) => JSON.parse(line));
  assertEquals(lines.map((line) => line.line).sort(), [1, 2, 4]);
  assert(lines.every((line) => line.status === "success" && line.state.message === "overridden"));
  assertMatch(ok.err(), /✓ Batch of echo: 3 items · 3 succeeded · 0 failed/);

  const bad = testIO();
  const badCode = await main([
    "run",
    "examples/echo.yaml",
    "--mock",
    "--json",
    "--input-file",
    `${dir.path}/bad.jsonl`,
  ], bad);
  assertEquals(badCode, 2);
  const printed = bad.out().trimEnd().split("\n").map((line) => JSON.parse(line));
  // With --json the last line is the batch's summary.
  const summary = printed.pop();
  assertEquals([summary.summary.items, summary.summary.invalid], [4, 2]);
  const outcomes = printed;
  const byLine = Object.fromEntries(outcomes.map((outcome) => [outcome.line, outcome]));
  assertEquals(Object.keys(byLine).sort(), ["1", "2", "3", "4"]);
  assertEquals(byLine[2].status, "failed");
  assertEquals(byLine[2].error.code, "INPUT_INVALID");
  assertStringIncludes(byLine[2].error.message, "line 2");
  assertEquals(byLine[3].error.code, "INPUT_INVALID");
  assertEquals(byLine[4].status, "success");
});

Deno.test("run of a batch whose runs fail exits 1", async () => {
  await using dir = await tempDirWith({
    "budget.yaml": await overBudgetEcho(),
    "items.jsonl": '{"message": "a"}\n{"message": "b"}\n',
  });
  const io = testIO();
  const code = await main([
    "run",
    `${dir.path}/budget.yaml`,
    "--mock",
    "--input-file",
    `${dir.path}/items.jsonl`,
  ], io);
  assertEquals(code, 1, io.err());
  const outcomes = io.out().trimEnd().split("\n").map((line) => JSON.parse(line));
  assertEquals(outcomes.map((outcome) => outcome.error.code), [
    "BUDGET_EXCEEDED",
    "BUDGET_EXCEEDED",
  ]);
});

// A single run records its trace only; with run_per_execution its own MLflow run ends KILLED.
for (
  const [signal, exitCode, perExecution] of [
    ["SIGINT", 130, false],
    ["SIGTERM", 143, true],
  ] as const
) {
  Deno.test(
    `run stops on ${signal}, records the trace as ERROR and exits ${exitCode}${
      perExecution ? " (run_per_execution: its run KILLED)" : ""
    }`,
    async () => {
      await using dir = await tempDirWith({
        "echo.yaml": (await Deno.readTextFile(`${ROOT}examples/echo.yaml`)) +
          (perExecution
            ? "config:\n  observability:\n    mlflow: { run_per_execution: true }\n"
            : ""),
      });
      const db = `${dir.path}/mlflow.db`;
      const io = testIO({
        cwd: dir.path,
        // Interrupt as soon as the run has started: the mock call is waiting its latency.
        onStderr: (text, self) => {
          if (text.includes("(1 node)")) self.interrupt(signal);
        },
      });
      const code = await main([
        "run",
        `${dir.path}/echo.yaml`,
        "--mock",
        "--mock-latency",
        "60000",
        "-i",
        "message=hi",
        "--tracking-uri",
        `sqlite:///${db}`,
      ], io);
      assertEquals(code, exitCode, io.err());
      assertStringIncludes(io.err(), `Interrupted by ${signal}`);
      assertEquals(queryRows(db, "SELECT status FROM trace_info"), [{ status: "ERROR" }]);
      assertEquals(
        queryRows(db, "SELECT status FROM runs"),
        perExecution ? [{ status: "KILLED" }] : [],
      );
    },
  );
}

Deno.test("cli.ts run --mock needs no network and no write permission; tracking warns once", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const run = await runCliProcess(
    ["--allow-read", "--allow-env"],
    ["run", "examples/article_writer.yaml", "--mock", "-i", "topic=tide pools"],
    dir.path,
  );
  assertEquals(run.code, 0, run.stderr);
  assertStringIncludes(run.stdout, "topic: tide pools");
  const warnings = warningsIn(run.stderr);
  assertEquals(warnings.length, 1, run.stderr);
  assertStringIncludes(warnings[0]!, "no write permission");
  assertStringIncludes(warnings[0]!, TRACKING_WRITE);
  assertEquals([...Deno.readDirSync(dir.path)].map((entry) => entry.name), ["examples"]);
});

Deno.test("cli.ts run writes a trace and run into SQLite that report costs reads back", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const permissions = ["--allow-read", "--allow-env", TRACKING_WRITE];
  const run = await runCliProcess(permissions, [
    "run",
    "examples/article_writer.yaml",
    "--mock",
    "--json",
    "-i",
    "topic=tide pools",
    "--tracking-uri",
    "sqlite:///mlflow.db",
  ], dir.path);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(warningsIn(run.stderr), []);
  const { metadata } = JSON.parse(run.stdout);
  const traces = queryRows(`${dir.path}/mlflow.db`, "SELECT request_id, status FROM trace_info");
  assertEquals(traces, [{ request_id: metadata.traceId, status: "OK" }]);
  const report = await runCliProcess(permissions, [
    "report",
    "costs",
    "--json",
    "--tracking-uri",
    "sqlite:///mlflow.db",
  ], dir.path);
  assertEquals(report.code, 0, report.stderr);
  const totals = JSON.parse(report.stdout).totals;
  assertEquals(totals.runs, 1);
  assertEquals(totals.total_tokens, metadata.usage.total_tokens);
  assert(
    Math.abs(totals.cost_usd - metadata.costUsd) < 1e-12,
    `${totals.cost_usd} vs ${metadata.costUsd}`,
  );
});

Deno.test("cli.ts run completes, warns once and spools when the tracking host is not allowed", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const run = await runCliProcess(
    ["--allow-read", "--allow-env", "--allow-write=.mlflow-spool"],
    [
      "run",
      "examples/echo.yaml",
      "--mock",
      "-i",
      "message=hi",
      "--tracking-uri",
      "http://mlflow.example:5000",
    ],
    dir.path,
  );
  assertEquals(run.code, 0, run.stderr);
  const warnings = warningsIn(run.stderr);
  assertEquals(warnings.length, 1, run.stderr);
  assertStringIncludes(warnings[0]!, "--allow-net=mlflow.example:5000");
  const spooled = [...Deno.readDirSync(`${dir.path}/.mlflow-spool`)].map((entry) => entry.name);
  assertEquals(spooled.length, 1);
  assertMatch(spooled[0]!, /^tr-[0-9a-f]{32}\.json$/);
});

Deno.test("cli.ts run of a JSONL batch streams every line and exits 2 for a bad one", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const items = Array.from(
    { length: 12 },
    (_, i) => i === 6 ? "{oops" : JSON.stringify({ message: `m${i}` }),
  );
  await Deno.writeTextFile(`${dir.path}/items.jsonl`, items.join("\n") + "\n");
  const run = await runCliProcess(["--allow-read", "--allow-env"], [
    "run",
    "examples/echo.yaml",
    "--mock",
    "--json",
    "--input-file",
    "items.jsonl",
    "--concurrency",
    "4",
  ], dir.path);
  assertEquals(run.code, 2, run.stderr);
  const outcomes = run.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
  assertEquals(outcomes.pop().summary.items, 12, "the last line is the summary");
  assertEquals(
    outcomes.map((outcome) => outcome.line).sort((a, b) => a - b),
    items.map((_, i) => i + 1),
  );
  const failed = outcomes.filter((outcome) => outcome.status === "failed");
  assertEquals(failed.map((outcome) => outcome.line), [7]);
});

for (const [signal, exitCode] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`cli.ts run stops on ${signal} with exit ${exitCode} and an ERROR trace, never IN_PROGRESS`, async () => {
    await using dir = await tempDir();
    await copyExamples(dir.path);
    const child = cliCommand(
      ["--allow-read", "--allow-env", TRACKING_WRITE],
      [
        "run",
        "examples/refine_loop.yaml",
        "--mock",
        "--mock-latency",
        "60000",
        "-i",
        "brief=A new app",
        "--tracking-uri",
        "sqlite:///mlflow.db",
      ],
      dir.path,
      "null",
    ).spawn();
    const decoder = new TextDecoder();
    let stderr = "";
    const reader = child.stderr.getReader();
    // The header is printed once the run (and its trace) has started.
    while (!stderr.includes("refine_loop (2 nodes)")) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += decoder.decode(value, { stream: true });
    }
    child.kill(signal);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      stderr += decoder.decode(chunk.value, { stream: true });
    }
    const { code } = await child.status;
    assertEquals(code, exitCode, stderr);
    assertStringIncludes(stderr, `Interrupted by ${signal}`);
    const traces = queryRows(`${dir.path}/mlflow.db`, "SELECT status FROM trace_info");
    assertEquals(traces, [{ status: "ERROR" }]);
  });
}

async function tempDirWith(files: Record<string, string>) {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir.path}/${name}`, text);
  }
  return dir;
}

/** examples/echo.yaml with a token budget no call fits in: every run fails. */
async function overBudgetEcho(): Promise<string> {
  return (await Deno.readTextFile(`${ROOT}examples/echo.yaml`)) +
    "config:\n  execution:\n    budget: { max_tokens: 1 }\n";
}

Deno.test("formatCost() and formatDuration() write what people read, unknown cost included", () => {
  assertEquals(formatCost(undefined), "cost unknown");
  assertEquals(formatCost(0), "$0");
  assertEquals(formatCost(0.000182), "$0.000182");
  assertEquals(formatCost(0.000034), "$0.000034");
  assertEquals(formatCost(0.0123456), "$0.0123");
  assertEquals(formatCost(0.5), "$0.50");
  assertEquals(formatCost(1.234), "$1.23");
  assertEquals(formatCost(1e-9), "<$0.000001");
  assertEquals(formatDuration(12), "12 ms");
  assertEquals(formatDuration(420), "0.42 s");
  assertEquals(formatDuration(12_345), "12.3 s");
  assertEquals(formatDuration(125_000), "2 min 5 s");
});

Deno.test("renderState() lays state out like YAML and quotes text that would read as another type", () => {
  const text = renderState({
    topic: "tide pools",
    count: 3,
    numeric_text: "42",
    flag_text: "true",
    empty: "",
    missing: null,
    article: "# Title\n\nBody\n",
    tags: ["a", "b"],
    none: [],
    profile: { city: "Porto", scores: [1, 2] },
    items: [{ title: "One", minutes: 5 }, { title: "Two", minutes: 7 }],
  }, paint(false));
  assertEquals(
    text,
    [
      "topic: tide pools",
      "count: 3",
      'numeric_text: "42"',
      'flag_text: "true"',
      'empty: ""',
      "missing: null",
      "article:",
      "  # Title",
      "",
      "  Body",
      "tags:",
      "  - a",
      "  - b",
      "none: []",
      "profile:",
      "  city: Porto",
      "  scores:",
      "    - 1",
      "    - 2",
      "items:",
      "  - title: One",
      "    minutes: 5",
      "  - title: Two",
      "    minutes: 7",
      "",
    ].join("\n"),
  );
});

Deno.test("cli.ts run stops quietly with exit 141 when its standard output is closed (| head)", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const items = Array.from({ length: 40 }, (_, i) => JSON.stringify({ message: `m${i}` }));
  await Deno.writeTextFile(`${dir.path}/items.jsonl`, items.join("\n") + "\n");
  const child = cliCommand(
    ["--allow-read", "--allow-env"],
    [
      "run",
      "examples/echo.yaml",
      "--mock",
      "--mock-latency",
      "20",
      "--concurrency",
      "1",
      "--input-file",
      "items.jsonl",
    ],
    dir.path,
    "piped",
  ).spawn();
  // Read the first line, then close the pipe as `head -1` does.
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let stdout = "";
  while (!stdout.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  const stderr = await new Response(child.stderr).text();
  const { code } = await child.status;
  assertEquals(code, 141, stderr);
  assertEquals(JSON.parse(stdout.split("\n")[0]!).status, "success");
  assert(!stderr.includes("error"), stderr);
  assert(!stderr.includes("Batch of"), stderr);
});

Deno.test("run --json and batch lines carry costs without floating-point noise", async () => {
  await using dir = await tempDirWith({
    "items.jsonl": '{"message": "hello"}\n{"message": "a b"}\n',
  });
  const significant = (usd: number) =>
    usd.toExponential().replace(/e.*$/, "").replace(".", "").length;
  const once = testIO();
  assertEquals(
    await main(["run", "examples/echo.yaml", "--mock", "--json", "-i", "message=hello"], once),
    0,
  );
  const { metadata } = JSON.parse(once.out());
  const batch = testIO();
  assertEquals(
    await main(
      ["run", "examples/echo.yaml", "--mock", "--input-file", `${dir.path}/items.jsonl`],
      batch,
    ),
    0,
  );
  const lines = batch.out().trimEnd().split("\n").map((line) => JSON.parse(line).metadata);
  for (const meta of [metadata, ...lines]) {
    for (const usd of [meta.costUsd, meta.knownCostUsd, meta.nodeExecutions[0].costUsd]) {
      assert(typeof usd === "number" && usd > 0 && significant(usd) <= 12, String(usd));
    }
  }
});

Deno.test("run prints a workflow warning once, as validate does, without a second prefix", async () => {
  const text = (await Deno.readTextFile(`${ROOT}examples/echo.yaml`)).replace(
    "edges:",
    "config:\n  llm: { provider: openai, model: gpt-9-ultra }\nedges:",
  );
  await using dir = await tempDirWith({ "unpriced.yaml": text });
  const io = testIO();
  assertEquals(
    await main(["run", `${dir.path}/unpriced.yaml`, "--mock", "-i", "message=hi"], io),
    0,
  );
  const [warning] = io.err().split("\n").filter((line) => line.includes("Cannot price model"));
  assertMatch(warning!, /^\S+unpriced\.yaml:\d+:\d+: warning: Cannot price model "gpt-9-ultra"/);
  assertEquals(warning!.match(/warning/g)?.length, 1, warning);
});

Deno.test("run suggests quotes for text that reads as a number and JSON for a list, printing each problem once", async () => {
  const one = testIO();
  assertEquals(await main(["run", "examples/echo.yaml", "--mock", "-i", "message=404"], one), 2);
  assertStringIncludes(one.err(), `-i 'message="404"'`);
  const two = testIO();
  const args = [
    "run",
    "examples/user_profile.yaml",
    "--mock",
    "-i",
    "name=5",
    "-i",
    "interests=a,b",
  ];
  assertEquals(await main(args, two), 2);
  const err = two.err();
  assertStringIncludes(err, "error: Cannot start the run as 2 input problems were found\n");
  assertStringIncludes(err, `-i 'name="5"'`);
  assertStringIncludes(err, `-i 'interests=["a","b"]'`);
  for (const field of ["name", "interests"]) {
    assertEquals(err.split(`Cannot accept input "${field}"`).length - 1, 1, err);
  }
});

Deno.test("run prints the trace id of a failed run that was recorded", async () => {
  await using dir = await tempDirWith({ "budget.yaml": await overBudgetEcho() });
  const db = `${dir.path}/mlflow.db`;
  const io = testIO({ cwd: dir.path });
  const args = ["run", `${dir.path}/budget.yaml`, "--mock", "-i", "message=hi"];
  assertEquals(await main([...args, "--tracking-uri", `sqlite:///${db}`], io), 1, io.err());
  const [row] = queryRows(db, "SELECT request_id, status FROM trace_info");
  assertEquals(row?.status, "ERROR");
  assertStringIncludes(io.err(), `Trace ${row?.request_id} recorded in sqlite:///${db}`);
});
