/**
 * `run --mock-answers <file>`: scripted mock answers per node, in order with the last one
 * repeating, checked against the workflow with positions.
 */
import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { tempDir, testIO } from "../runtime/_helpers.ts";

const REFINE = "examples/refine_loop.yaml";
const BRIEF = ["-i", "brief=A new app for tide pool walks"];

async function answersFile(dir: string, text: string): Promise<string> {
  const path = `${dir}/answers.yaml`;
  await Deno.writeTextFile(path, text);
  return path;
}

async function runNodes(
  args: string[],
): Promise<{ code: number; nodes: string[]; state: Record<string, unknown>; err: string }> {
  const io = testIO();
  const code = await main(["run", ...args, "--no-tracking", "--json"], io);
  if (code !== 0) return { code, nodes: [], state: {}, err: io.err() };
  const { state, metadata } = JSON.parse(io.out());
  return {
    code,
    nodes: metadata.nodeExecutions.map((e: { nodeId: string }) => e.nodeId),
    state,
    err: io.err(),
  };
}

Deno.test("run --mock-answers scripts a loop: answers in order, the last repeating", async () => {
  await using dir = await tempDir();
  const file = await answersFile(
    dir.path,
    "review:\n  - {approved: false, score: 4}\n  - {approved: false, score: 6}\n  - {approved: true, score: 9}\n",
  );
  const run = await runNodes([REFINE, "--mock", "--mock-answers", file, ...BRIEF]);
  assertEquals(run.code, 0, run.err);
  assertEquals(run.nodes, ["draft", "review", "review", "review"]);
  assertEquals([run.state.approved, run.state.score], [true, 9]);
  assertEquals(typeof run.state.feedback, "string"); // not scripted: generated
  const once = await answersFile(dir.path, "review: {approved: true, score: 8}\n");
  const single = await runNodes([REFINE, "--mock", "--mock-answers", once, ...BRIEF]);
  assertEquals(single.nodes, ["draft", "review"]);
});

Deno.test("run --mock-answers reports every answer that does not fit, with its position", async () => {
  await using dir = await tempDir();
  const file = await answersFile(
    dir.path,
    [
      "reveiw:",
      "  - {approved: true}",
      "review:",
      "  - {approved: yes please, score: 4}",
      "  - {aproved: true}",
      "  - 7",
      "",
    ].join("\n"),
  );
  const io = testIO();
  assertEquals(
    await main(["run", REFINE, "--mock", "--mock-answers", file, "--no-tracking", ...BRIEF], io),
    2,
  );
  const err = io.err();
  assertStringIncludes(err, `Cannot use the mock answers in "${file}" as 4 answers do not fit`);
  assertStringIncludes(
    err,
    `${file}:1:1: reveiw: Cannot script answers for node "reveiw" as the workflow has no such node: did you mean 'review'?`,
  );
  assertStringIncludes(err, `${file}:4:16: review[0].approved: `);
  assertStringIncludes(
    err,
    `${file}:5:15: review[1].aproved: Cannot answer "aproved" for node "review" as it is not one of its outputs`,
  );
  assertStringIncludes(err, `${file}:6:5: review[2]: Cannot use this answer for node "review"`);
  assert(!err.includes("    at "), err);
});

Deno.test("run --mock-answers needs the node on the mock model", async () => {
  await using dir = await tempDir();
  const file = await answersFile(dir.path, "review:\n  - {approved: true}\n");
  const io = testIO();
  assertEquals(
    await main(["run", REFINE, "--mock-answers", file, "--no-tracking", ...BRIEF], io),
    2,
  );
  assertStringIncludes(
    io.err(),
    'Cannot script answers for node "review" as it does not run on the mock model: add --mock',
  );
});
