import { main } from "../../src/cli/main.ts";
import type { PermissionsReport } from "../../src/cli/permissions_command.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { chatCompletion, startFakeOpenAIServer } from "../_helpers/fake_openai_server.ts";
import {
  copyExamples,
  EXAMPLE_INPUTS,
  queryRows,
  ROOT,
  runCliProcess,
  tempDir,
  testIO,
  warningsIn,
} from "../runtime/_helpers.ts";

const TRACKING = "mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool";

/** What a tracked run reads of the environment for an OTLP collector and a parent trace. */
const TRACING_ENV = [
  "OTEL_SDK_DISABLED",
  "OTEL_TRACES_EXPORTER",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
  "OTEL_EXPORTER_OTLP_TIMEOUT",
  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
  "OTEL_EXPORTER_OTLP_COMPRESSION",
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
  "TRACEPARENT",
].join(",");

/**
 * The flags `permissions --mock` prints for each example, run from the repository root: `src`
 * is the package's source, which the CLI reads when it loads its `run` command.
 */
const MOCK_FLAGS: Record<string, string[]> = {
  article_writer: [
    `--allow-read=examples/article_writer.yaml,${TRACKING},src`,
    `--allow-write=${TRACKING}`,
    `--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR,MLFLOW_TRACKING_URI,USER,USERNAME,${TRACING_ENV}`,
  ],
  echo: ["--allow-read=examples/echo.yaml,src", "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR"],
  parallel_research: [
    "--allow-read=examples/parallel_research.yaml,src",
    "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR",
  ],
  refine_loop: [
    "--allow-read=examples/refine_loop.yaml,examples/prompts/review.txt,src",
    "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR",
  ],
  simple_greeting: [
    "--allow-read=examples/simple_greeting.yaml,src",
    "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR",
  ],
  support_triage: [
    "--allow-read=examples/support_triage.yaml,src",
    "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR",
  ],
  user_profile: [
    "--allow-read=examples/user_profile.yaml,src",
    "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR",
  ],
};

async function report(
  args: string[],
  env: Record<string, string> = {},
): Promise<PermissionsReport> {
  const io = testIO({ env });
  assertEquals(await main(["permissions", ...args, "--json"], io), 0, io.err());
  return JSON.parse(io.out());
}

for (const [name, flags] of Object.entries(MOCK_FLAGS)) {
  Deno.test(`permissions --mock prints the exact flags of examples/${name}.yaml`, async () => {
    const io = testIO();
    assertEquals(await main(["permissions", `examples/${name}.yaml`, "--mock"], io), 0, io.err());
    const [comment, command, ...rest] = io.out().trimEnd().split("\n");
    assertEquals(rest, []);
    assertStringIncludes(comment!, `# Deno permissions for a --mock run of examples/${name}.yaml`);
    assertStringIncludes(comment!, "it needs no network access");
    assertEquals(
      command,
      ["deno run --no-prompt", ...flags, `cli.ts run examples/${name}.yaml --mock`].join(" "),
    );
  });
}

Deno.test("permissions of a live run adds provider and tool hosts and key variables", async () => {
  const live = await report(["examples/article_writer.yaml"]);
  assertEquals(live.net, ["generativelanguage.googleapis.com", "google.serper.dev"]);
  for (const name of ["GOOGLE_API_KEY", "GEMINI_API_KEY", "SERPER_API_KEY"]) {
    assert(live.env.includes(name), name);
  }
  assertEquals(live.trackingUri, "sqlite:///mlflow.db");
  assertEquals(live.command.split(" ").slice(-3), [
    "cli.ts",
    "run",
    "examples/article_writer.yaml",
  ]);
  const untracked = await report(["examples/article_writer.yaml", "--no-tracking"]);
  assertEquals(untracked.trackingUri, null);
  assertEquals(untracked.write, []);
  assert(untracked.command.endsWith("run examples/article_writer.yaml --no-tracking"));
});

Deno.test("permissions follows --tracking-uri and MLFLOW_TRACKING_URI to a tracking server", async () => {
  const flag = await report([
    "examples/echo.yaml",
    "--mock",
    "--tracking-uri",
    "http://mlflow.internal:5000",
  ]);
  assertEquals(flag.net, ["mlflow.internal:5000"]);
  assertEquals(flag.write, [".mlflow-spool"]);
  assert(
    flag.env.includes("OTEL_EXPORTER_OTLP_ENDPOINT") && flag.env.includes("MLFLOW_TRACKING_TOKEN"),
  );
  assert(flag.command.endsWith("--mock --tracking-uri http://mlflow.internal:5000"));
  const env = await report(["examples/article_writer.yaml", "--mock"], {
    MLFLOW_TRACKING_URI: "https://mlflow.example.com",
  });
  assertEquals(env.net, ["mlflow.example.com:443"]);
});

Deno.test("permissions exits 2 for a bad tracking URI or an invalid workflow", async () => {
  const io = testIO();
  assertEquals(
    await main(["permissions", "examples/echo.yaml", "--tracking-uri", "ftp://x"], io),
    2,
  );
  assertStringIncludes(io.err(), 'Cannot use tracking URI "ftp://x"');
  const missing = testIO();
  assertEquals(await main(["permissions", "examples/nope.yaml"], missing), 2);
  assertStringIncludes(missing.err(), "Cannot load the workflow");
});

Deno.test("a mock run with exactly the printed flags succeeds for every example", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  for (const name of Object.keys(MOCK_FLAGS)) {
    const printed = await runCliProcess(
      ["--allow-read", "--allow-env"],
      ["permissions", `examples/${name}.yaml`, "--mock", "--json"],
      dir.path,
    );
    assertEquals(printed.code, 0, printed.stderr);
    const { flags } = JSON.parse(printed.stdout) as PermissionsReport;
    const run = await runCliProcess(
      flags,
      ["run", `examples/${name}.yaml`, "--mock", ...EXAMPLE_INPUTS[name]!],
      dir.path,
    );
    assertEquals(run.code, 0, `${name}: ${run.stderr}`);
    assertEquals(warningsIn(run.stderr), [], `${name}: ${run.stderr}`);
  }
  // article_writer is tracked: its trace is in the file the flags allowed.
  const traces = queryRows(`${dir.path}/mlflow.db`, "SELECT status FROM trace_info");
  assertEquals(traces, [{ status: "OK" }]);
});

Deno.test("a live run with exactly the printed flags reaches its provider and nothing else", async () => {
  await using server = startFakeOpenAIServer({
    fallback: chatCompletion({
      toolCalls: [{ name: "answer", arguments: { reply: "hello back" } }],
    }),
  });
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/local.yaml`,
    (await Deno.readTextFile(`${ROOT}examples/echo.yaml`)) +
      `config:\n  llm: { provider: openai-compatible, model: local-model, base_url: "${server.baseUrl}" }\n`,
  );
  const printed = await runCliProcess(
    ["--allow-read", "--allow-env"],
    ["permissions", "local.yaml", "--json"],
    dir.path,
  );
  assertEquals(printed.code, 0, printed.stderr);
  const { flags, net, env } = JSON.parse(printed.stdout) as PermissionsReport;
  assertEquals(net, [server.host]);
  assert(env.includes("OPENAI_COMPATIBLE_API_KEY"));
  const run = await runCliProcess(
    flags,
    ["run", "local.yaml", "--json", "-i", "message=hi"],
    dir.path,
  );
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout).state.reply, "hello back");
  assert(server.requests.length >= 1);
});

Deno.test("permissions --input-file --output prints the flags of a batch, and a tracked batch runs with exactly them", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const items = Array.from({ length: 6 }, (_, i) => JSON.stringify({ message: `m${i}` }));
  await Deno.writeTextFile(`${dir.path}/items.jsonl`, items.join("\n") + "\n");
  const args = [
    "examples/echo.yaml",
    "--mock",
    "--input-file",
    "items.jsonl",
    "--output",
    "results.jsonl",
  ];
  const printed = await runCliProcess(
    ["--allow-read", "--allow-env"],
    ["permissions", ...args, "--tracking-uri", "sqlite:///mlflow.db", "--json"],
    dir.path,
  );
  assertEquals(printed.code, 0, printed.stderr);
  const report = JSON.parse(printed.stdout) as PermissionsReport;
  assertEquals(report.inputFile, "items.jsonl");
  assert(
    report.read.includes("items.jsonl") && report.read.includes(`${ROOT}src`),
    report.read.join(),
  );
  assert(report.write.includes("results.jsonl"), report.write.join());
  assert(
    report.command.includes(
      "run examples/echo.yaml --mock --input-file items.jsonl --output results.jsonl",
    ),
    report.command,
  );
  const run = await runCliProcess(
    report.flags,
    ["run", ...args, "--tracking-uri", "sqlite:///mlflow.db"],
    dir.path,
  );
  assertEquals(run.code, 0, run.stderr);
  assertEquals(warningsIn(run.stderr), [], run.stderr);
  assert(!run.stderr.includes("Uncaught"), run.stderr);
  const traces = queryRows(`${dir.path}/mlflow.db`, "SELECT status FROM trace_info");
  assertEquals(traces.length, items.length);
  const results = (await Deno.readTextFile(`${dir.path}/results.jsonl`)).trimEnd().split("\n");
  assertEquals(results.length, items.length);
});

Deno.test("permissions --dataset prints the flags of evaluate, the judges' providers included, and evaluate runs with exactly them", async () => {
  await using workflowServer = startFakeOpenAIServer({
    fallback: chatCompletion({
      toolCalls: [{ name: "answer", arguments: { reply: "hello back" } }],
    }),
  });
  await using judgeServer = startFakeOpenAIServer({
    fallback: chatCompletion({
      toolCalls: [{ name: "answer", arguments: { rationale: "It answers", verdict: "yes" } }],
    }),
  });
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/local.yaml`,
    (await Deno.readTextFile(`${ROOT}examples/echo.yaml`)) +
      `config:\n  llm: { provider: openai-compatible, model: local-model, base_url: "${workflowServer.baseUrl}" }\n`,
  );
  // The judge asks another server than the workflow's.
  await Deno.writeTextFile(
    `${dir.path}/scorers.yaml`,
    [
      "scorers:",
      "  - { name: answered, contains: { field: reply, text: hello } }",
      "  - name: friendly",
      "    guidelines: The reply is friendly.",
      "    field: reply",
      `    model: { provider: openai-compatible, model: judge-model, base_url: "${judgeServer.baseUrl}" }`,
    ].join("\n") + "\n",
  );
  const records = ["hi", "yo"].map((message) => JSON.stringify({ inputs: { message } }));
  await Deno.writeTextFile(`${dir.path}/data.jsonl`, records.join("\n") + "\n");
  const args = [
    "local.yaml",
    "--dataset",
    "data.jsonl",
    "--scorers",
    "scorers.yaml",
    "--tracking-uri",
    "sqlite:///mlflow.db",
  ];
  const printed = await runCliProcess(
    ["--allow-read", "--allow-env"],
    ["permissions", ...args, "--json"],
    dir.path,
  );
  assertEquals(printed.code, 0, printed.stderr);
  const report = JSON.parse(printed.stdout) as PermissionsReport;
  assertEquals([report.dataset, report.scorers], ["data.jsonl", "scorers.yaml"]);
  assertEquals(report.net.toSorted(), [workflowServer.host, judgeServer.host].toSorted());
  assert(report.env.includes("OPENAI_COMPATIBLE_API_KEY"), report.env.join());
  assert(
    report.read.includes("data.jsonl") && report.read.includes("scorers.yaml"),
    report.read.join(),
  );
  assertStringIncludes(
    report.command,
    "evaluate local.yaml --dataset data.jsonl --scorers scorers.yaml --tracking-uri sqlite:///mlflow.db",
  );
  const run = await runCliProcess(report.flags, ["evaluate", ...args, "--json"], dir.path);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(warningsIn(run.stderr), [], run.stderr);
  assert(!run.stderr.includes("Uncaught"), run.stderr);
  const output = JSON.parse(run.stdout);
  assertEquals([output.aggregates.answered.mean, output.aggregates.friendly.mean], [1, 1]);
  assertEquals(judgeServer.requests.length, 2);
  const db = `${dir.path}/mlflow.db`;
  assertEquals(queryRows(db, "SELECT status FROM trace_info"), [
    { status: "OK" },
    { status: "OK" },
  ]);
  assertEquals(queryRows(db, "SELECT status FROM runs"), [{ status: "FINISHED" }]);
});

Deno.test("permissions exits 2 for --scorers without --dataset, or --dataset with --input-file or --output", async () => {
  const cases: [string[], string][] = [
    [["--scorers", "s.yaml"], "Cannot use --scorers without --dataset"],
    [["--dataset", "d.jsonl", "--input-file", "i.jsonl"], "Cannot use --dataset with --input-file"],
    [["--dataset", "d.jsonl", "--output", "o.jsonl"], "Cannot use --dataset with --output"],
  ];
  for (const [extra, message] of cases) {
    const io = testIO();
    assertEquals(await main(["permissions", "examples/echo.yaml", ...extra], io), 2, io.err());
    assertStringIncludes(io.err(), message);
  }
});
