import { assertEquals, assertStrictEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { main } from "../../src/cli/main.ts";
import { fakeIO, moduleGraph, runCli } from "../config/_cli_io.ts";

Deno.test("graphCommand() prints a Mermaid flowchart of the workflow", async () => {
  const io = fakeIO();
  assertStrictEquals(await main(["graph", "examples/support_triage.yaml"], io), 0);
  const chart = io.out.join("");
  assertStrictEquals(chart.split("\n")[0], "flowchart TD");
  assertStringIncludes(chart, '  n_classify -->|"state.urgency #gt;= 4"| n_escalate\n');
  assertStringIncludes(chart, '  n_classify -.->|"default"| n_general\n');
});

Deno.test("graphCommand() follows --direction", async () => {
  const io = fakeIO();
  assertStrictEquals(
    await main(["graph", "--direction", "LR", "examples/refine_loop.yaml"], io),
    0,
  );
  const chart = io.out.join("");
  assertStrictEquals(chart.split("\n")[0], "flowchart LR");
  assertStringIncludes(chart, '  n_review -->|"loop until approved (max 3)"| n_review\n');
});

Deno.test("graphCommand() exits 2 with the diagnostics of an invalid workflow", async () => {
  const io = fakeIO({ files: { "w.yaml": "- not\n- a mapping\n" } });
  assertStrictEquals(await main(["graph", "w.yaml"], io), 2);
  assertEquals(io.out, []);
  const err = io.err.join("");
  assertStringIncludes(err, 'error: Cannot load the workflow "w.yaml" as it has 1 error\n');
  assertStringIncludes(
    err,
    "  w.yaml:1:1: error: Cannot load the workflow as the document is a list",
  );
});

Deno.test("cli.ts graph runs with --allow-read only", async () => {
  const run = await runCli(["graph", "examples/parallel_research.yaml"]);
  assertStrictEquals(run.code, 0, run.stderr);
  assertStringIncludes(run.stdout, "==>|");
  const missing = await runCli(["graph", "examples/missing.yaml"]);
  assertStrictEquals(missing.code, 2);
  assertStringIncludes(
    missing.stderr,
    'Cannot load the workflow "examples/missing.yaml" as the file cannot be read',
  );
});

Deno.test("graph_command.ts loads no LangChain, LangGraph or OpenTelemetry module", async () => {
  const modules = await moduleGraph("src/cli/graph_command.ts");
  assertEquals(modules.filter((m) => /langchain|langgraph|langsmith|opentelemetry/.test(m)), []);
});
