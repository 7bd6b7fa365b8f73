import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { datasetFile } from "../tracking/report/_dataset.ts";
import { fakeCliIO } from "../tracking/report/_fake_cli_io.ts";

Deno.test("traces list prints the newest traces up to --limit", async () => {
  await using ws = await datasetFile("3.10");
  const io = fakeCliIO(ws.dir);
  assertEquals(await main(["traces", "list", "--limit", "2"], io), 0, io.err());
  const lines = io.out().trimEnd().split("\n");
  assertEquals(lines.length, 4);
  assertStringIncludes(lines[0] ?? "", `Traces at sqlite:///${ws.dir}/mlflow.db, newest first`);
  assert(
    /^trace id +workflow +started \(UTC\) +duration +status +tokens +cost$/.test(lines[1] ?? ""),
  );
  assert(lines[2]?.startsWith(`${ws.runs.summaryKilledUntagged.traceId}  summary`), lines[2]);
  assertStringIncludes(lines[3] ?? "", ws.runs.articleToday.traceId);
  assert(/ 192 +\$0\.000370$/.test(lines[3] ?? ""), lines[3]);
});

Deno.test("traces list --json lists traces of one experiment with null for unknown cost", async () => {
  await using ws = await datasetFile("3.10");
  const io = fakeCliIO(ws.dir);
  assertEquals(
    await main(["traces", "list", "--json", "--experiment", "configurable_agents"], io),
    0,
  );
  const entries = JSON.parse(io.out()) as Record<string, unknown>[];
  assertEquals(entries.length, 4);
  const unpriced = entries.find((entry) => entry.trace_id === ws.runs.summaryUnpriced.traceId);
  assertEquals([unpriced?.workflow, unpriced?.cost_usd, unpriced?.state], ["summary", null, "OK"]);
  const failed = entries.find((entry) => entry.trace_id === ws.runs.articleYesterdayFailed.traceId);
  assertEquals([failed?.state, failed?.cost_usd], ["ERROR", 0.000009]);
});

Deno.test("traces list says nothing is recorded when the file does not exist", async () => {
  const dir = await Deno.makeTempDir();
  const io = fakeCliIO(dir);
  assertEquals(await main(["traces", "list"], io), 0);
  assertStringIncludes(io.out(), "No traces recorded yet at sqlite:///mlflow.db");
  const json = fakeCliIO(dir);
  assertEquals(await main(["traces", "list", "--json"], json), 0);
  assertEquals(JSON.parse(json.out()), []);
  await Deno.remove(dir);
});

Deno.test("traces show prints the span tree with tokens, cost and errors", async () => {
  await using ws = await datasetFile("3.10");
  const io = fakeCliIO(ws.dir);
  const id = ws.runs.articleYesterdayFailed.traceId;
  assertEquals(await main(["traces", "show", id], io), 0, io.err());
  const lines = io.out().trimEnd().split("\n");
  assertStringIncludes(lines[0] ?? "", `Trace ${id} · workflow_article`);
  assertStringIncludes(lines[0] ?? "", "ERROR");
  assert(lines[1]?.startsWith("workflow_article  AGENT"), lines[1]);
  assertStringIncludes(lines[1] ?? "", "20 in / 10 out  $0.00000900");
  assert(lines[2]?.startsWith("├─ write  CHAIN"), lines[2]);
  assert(lines[3]?.startsWith("│  └─ ChatModel  CHAT_MODEL"), lines[3]);
  assert(lines[4]?.startsWith("└─ review  CHAIN"), lines[4]);
  assertStringIncludes(lines[4] ?? "", "✗ ValueError: model returned invalid JSON");
});

Deno.test("traces show accepts an id without tr- and prints JSON", async () => {
  await using ws = await datasetFile("3.10");
  const io = fakeCliIO(ws.dir);
  const id = ws.runs.articleToday.traceId;
  assertEquals(await main(["traces", "show", id.slice(3).toUpperCase(), "--json"], io), 0);
  const trace = JSON.parse(io.out());
  assertEquals(trace.trace_id, id);
  assertEquals(trace.run_id, ws.runs.articleToday.runId);
  const [root] = trace.spans;
  assertEquals([root.type, root.total_tokens, root.llm_calls], ["AGENT", 192, 2]);
  assertEquals(root.children.map((child: { name: string }) => child.name), ["write", "review"]);
  assertEquals(root.children[0].children.map((c: { type: string }) => c.type), [
    "CHAT_MODEL",
    "TOOL",
  ]);
});

Deno.test("traces show exits 1 for an unknown trace and 2 for an unknown experiment", async () => {
  await using ws = await datasetFile("3.10");
  const missing = fakeCliIO(ws.dir);
  assertEquals(await main(["traces", "show", "tr-0123"], missing), 1);
  assertStringIncludes(missing.err(), `Cannot show trace "tr-0123" as no trace has that id`);
  assertStringIncludes(missing.err(), "hint: List the recorded traces with: traces list");
  const elsewhere = fakeCliIO(ws.dir);
  const id = ws.runs.articleLastMonth.traceId;
  assertEquals(
    await main(["traces", "show", id, "--experiment", "configurable_agents"], elsewhere),
    1,
  );
  assertStringIncludes(elsewhere.err(), `in experiment "configurable_agents"`);
  const badExperiment = fakeCliIO(ws.dir);
  assertEquals(await main(["traces", "show", id, "--experiment", "nope"], badExperiment), 2);
  assertStringIncludes(badExperiment.err(), `Cannot find experiment "nope"`);
  const noFile = fakeCliIO(ws.dir);
  assertEquals(
    await main(["traces", "show", id, "--tracking-uri", "sqlite:///absent.db"], noFile),
    1,
  );
  assertStringIncludes(noFile.err(), "at sqlite:///absent.db");
});

Deno.test("traces show lists each parallel node run with its item index", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = fakeCliIO(dir);
    const args = ["run", `${Deno.cwd()}/examples/parallel_research.yaml`, "--mock", "--json"];
    assertEquals(
      await main([...args, "-i", "question=Why?", "--tracking-uri", "sqlite:///mlflow.db"], run),
      0,
      run.err(),
    );
    const { traceId } = JSON.parse(run.out()).metadata;
    const io = fakeCliIO(dir);
    assertEquals(await main(["traces", "show", traceId], io), 0, io.err());
    const answers = io.out().split("\n").filter((line) => line.includes("answer"));
    assertEquals(answers.map((line) => line.match(/answer\[\d\]/)?.[0]), [
      "answer[0]",
      "answer[1]",
      "answer[2]",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
