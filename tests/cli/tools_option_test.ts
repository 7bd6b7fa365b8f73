/**
 * `--tools <module>`: custom tools (exports made with `defineTool`) for `run`, `validate` and
 * `permissions`.
 */
import { main } from "../../src/cli/main.ts";
import type { PermissionsReport } from "../../src/cli/permissions_command.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { tempDir, testIO } from "../runtime/_helpers.ts";

const TOOLS = "tests/fixtures/tools/word_tools.ts";

/** A node on the mock model (its tools run for real) that may call both custom tools. */
const WORKFLOW = `schema_version: "1.0"
flow: {name: words}
state:
  fields:
    text: {type: str, required: true}
    summary: {type: str}
nodes:
  - id: count
    prompt: "Count the words of {text}"
    outputs: [summary]
    tools: [count_words, shout]
    llm: {provider: mock, model: gpt-4o-mini}
edges:
  - {from: START, to: count}
  - {from: count, to: END}
`;

async function workflowFile(dir: string): Promise<string> {
  const path = `${dir}/words.yaml`;
  await Deno.writeTextFile(path, WORKFLOW);
  return path;
}

Deno.test("run --tools calls the module's tools from a provider: mock node", async () => {
  await using dir = await tempDir();
  const file = await workflowFile(dir.path);
  const io = testIO();
  assertEquals(
    await main(
      [
        "run",
        file,
        "--tools",
        TOOLS,
        "--no-tracking",
        "--json",
        "--mock-latency",
        "1",
        "-i",
        "text=a b c",
      ],
      io,
    ),
    0,
    io.err(),
  );
  const { metadata } = JSON.parse(io.out());
  assertEquals(metadata.nodeExecutions[0].toolCalls, 2);
  const without = testIO();
  assertEquals(await main(["run", file, "--no-tracking", "-i", "text=a"], without), 2);
  assertStringIncludes(without.err(), 'the tool "count_words" as no tool has that name');
});

Deno.test("validate --tools knows the module's tool names", async () => {
  await using dir = await tempDir();
  const file = await workflowFile(dir.path);
  const io = testIO();
  assertEquals(await main(["validate", file, "--tools", TOOLS], io), 0, io.out());
  assertStringIncludes(io.out(), "valid");
  const without = testIO();
  assertEquals(await main(["validate", file], without), 2);
  assertStringIncludes(without.out(), 'Cannot give node "count" the tool "count_words"');
});

Deno.test("permissions --tools reads the module and adds its tools' permissions", async () => {
  await using dir = await tempDir();
  const file = await workflowFile(dir.path);
  const io = testIO();
  assertEquals(await main(["permissions", file, "--tools", TOOLS, "--json"], io), 0, io.err());
  const report = JSON.parse(io.out()) as PermissionsReport;
  assert(report.read.includes(TOOLS), report.read.join());
  assert(report.env.includes("WORD_TOOLS_LOCALE"), report.env.join());
  assertEquals(report.net, ["dictionary.example.com"]);
  assert(report.command.endsWith(`--tools ${TOOLS}`), report.command);
});

Deno.test("--tools exits 2 for a module that cannot be imported or exports no tool", async () => {
  await using dir = await tempDir();
  const file = await workflowFile(dir.path);
  const missing = testIO();
  assertEquals(
    await main(["validate", file, "--tools", "tests/fixtures/tools/nope.ts"], missing),
    2,
  );
  assertStringIncludes(
    missing.err(),
    'Cannot load tools from "tests/fixtures/tools/nope.ts" as the module cannot be imported',
  );
  const empty = testIO();
  assertEquals(
    await main(["run", file, "--tools", "tests/fixtures/tools/no_tools.ts", "-i", "text=a"], empty),
    2,
  );
  assertStringIncludes(
    empty.err(),
    'Cannot load tools from "tests/fixtures/tools/no_tools.ts" as it exports no tool',
  );
});
