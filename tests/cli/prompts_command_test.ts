import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { fakeCliIO } from "../tracking/report/_fake_cli_io.ts";
import { runCliProcess, tempDir } from "../runtime/_helpers.ts";
import { moduleGraph } from "../config/_cli_io.ts";

const WORKFLOW = `
schema_version: "1.0"
flow: { name: article writer }
state:
  fields:
    topic: { type: str, required: true }
    draft: { type: str }
    review: { type: str }
nodes:
  - { id: write, prompt: "Write about {topic} for {state.topic}; keep {{braces}}", inputs: { topic: "{state.topic}" }, outputs: [draft] }
  - { id: check, prompt: "prompts:/reviewer@production", outputs: [review] }
edges:
  - { from: START, to: write }
  - { from: write, to: check }
  - { from: check, to: END }
`;

Deno.test("prompts register makes a version only when the text changed, and --alias points at it", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/t.txt`, "Summarize {{text}} in {{n}} words.");
  const run = async (args: string[]) => {
    const io = fakeCliIO(dir.path);
    const code = await main(args, io);
    return { code, out: io.out(), err: io.err() };
  };
  const first = await run([
    "prompts",
    "register",
    "summarizer",
    "--template-file",
    `${dir.path}/t.txt`,
    "--message",
    "first",
    "--tag",
    "team=docs",
  ]);
  assertEquals(first.code, 0, first.err);
  assertStringIncludes(
    first.out,
    'Registered prompt "summarizer" version 1 at sqlite:///mlflow.db',
  );
  const same = await run([
    "prompts",
    "register",
    "summarizer",
    "--template",
    "Summarize {{text}} in {{n}} words.",
  ]);
  assertStringIncludes(same.out, 'Prompt "summarizer" unchanged: version 1');
  const second = await run([
    "prompts",
    "register",
    "summarizer",
    "--template",
    "v2 {{text}}",
    "--alias",
    "production",
    "--json",
  ]);
  const body = JSON.parse(second.out);
  assertEquals([body.created, body.uri, body.version.version], [
    true,
    "prompts:/summarizer@production",
    2,
  ]);
  assertEquals(body.version.aliases, ["production"]);
  const listed = await run(["prompts", "list"]);
  assert(/summarizer +2 +production → 2 +first/.test(listed.out), listed.out);
});

Deno.test("prompts show prints versions, aliases and the template of the version named", async () => {
  await using dir = await tempDir();
  const io = fakeCliIO(dir.path);
  await main(["prompts", "register", "p", "--template", "one {{a}}", "--message", "m1"], io);
  await main(["prompts", "register", "p", "--template", "two {{b}}", "--alias", "production"], io);
  await main(["prompts", "alias", "p", "staging", "1"], io);
  const shown = fakeCliIO(dir.path);
  assertEquals(await main(["prompts", "show", "prompts:/p@staging"], shown), 0, shown.err());
  const text = shown.out();
  assertStringIncludes(text, "aliases: production → 2, staging → 1");
  assertStringIncludes(text, "Template of version 1 (prompts:/p/1, text):\none {{a}}");
  assertStringIncludes(text, "variables: {{a}}");
  assert(/\n +2 +\S+ \S+ +production +-\n +1 +\S+ \S+ +staging +m1\n/.test(text), text);
  const latest = fakeCliIO(dir.path);
  await main(["prompts", "show", "p", "--json"], latest);
  assertEquals(JSON.parse(latest.out()).selected.template, "two {{b}}");
});

Deno.test("prompts alias moves an alias and says where it pointed before", async () => {
  await using dir = await tempDir();
  const io = fakeCliIO(dir.path);
  await main(["prompts", "register", "p", "--template", "one", "--alias", "production"], io);
  await main(["prompts", "register", "p", "--template", "two"], io);
  const moved = fakeCliIO(dir.path);
  assertEquals(await main(["prompts", "alias", "p", "production", "2"], moved), 0, moved.err());
  assertStringIncludes(moved.out(), 'Alias production of prompt "p" → version 2 (was 1)');
});

Deno.test("prompts commands exit 2 for bad input and 1 for a prompt that is not there", async () => {
  await using dir = await tempDir();
  const setup = fakeCliIO(dir.path);
  await main(["prompts", "register", "p", "--template", "one"], setup);
  const cases: [string[], number, string][] = [
    [["prompts", "register", "p"], 2, "neither --template nor --template-file is given"],
    [["prompts", "register", "p", "--template", "x", "--template-file", "f"], 2, "both"],
    [["prompts", "register", "p", "--template", "x", "--tag", "nokey"], 2, "is not key=value"],
    [["prompts", "register", "bad name", "--template", "x"], 2, 'the name "bad name"'],
    [["prompts", "register", "p", "--template", "x", "--alias", "latest"], 2, "is reserved"],
    [["prompts", "alias", "p", "production", "two"], 2, 'the version "two" is not a whole'],
    [["prompts", "alias", "p", "production", "7"], 2, "has no version 7: it has version 1"],
    [["prompts", "show", "prompts:/p"], 2, "names no version or alias"],
    [["prompts", "show", "prompts:/q@production"], 1, 'no prompt is named "q"'],
    [["prompts", "show", "p@production"], 1, 'has no alias "production"'],
    [["prompts", "list", "--tracking-uri", "ftp://x"], 2, 'scheme "ftp" is not supported'],
  ];
  for (const [args, code, fragment] of cases) {
    const io = fakeCliIO(dir.path);
    assertEquals(await main(args, io), code, `${args.join(" ")}: ${io.err()}`);
    assertStringIncludes(io.err(), fragment);
    assert(!io.err().includes("    at "), "no stack trace");
  }
  // Nothing was written by the refused registrations.
  const listed = fakeCliIO(dir.path);
  await main(["prompts", "show", "p", "--json"], listed);
  assertEquals(JSON.parse(listed.out()).versions.length, 1);
});

Deno.test("prompts push registers each inline prompt and prints the URIs to use", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/flow.yaml`, WORKFLOW);
  const io = fakeCliIO(dir.path);
  const code = await main(
    ["prompts", "push", `${dir.path}/flow.yaml`, "--alias", "production"],
    io,
  );
  assertEquals(code, 0, io.err());
  assertStringIncludes(io.out(), "Pushed 1 prompt of");
  assertStringIncludes(io.out(), "write  prompt: prompts:/article_writer.write@production");
  assertStringIncludes(io.out(), "check: already prompts:/reviewer@production");
  const shown = fakeCliIO(dir.path);
  await main(["prompts", "show", "prompts:/article_writer.write@production", "--json"], shown);
  assertEquals(
    JSON.parse(shown.out()).selected.template,
    "Write about {{topic}} for {{state.topic}}; keep {braces}",
  );
  const again = fakeCliIO(dir.path);
  await main(["prompts", "push", `${dir.path}/flow.yaml`, "--json"], again);
  const pushed = JSON.parse(again.out()).pushed;
  assertEquals(pushed.map((p: Record<string, unknown>) => [p.uri, p.created]), [
    ["prompts:/article_writer.write/1", false],
  ]);
});

Deno.test("prompts commands work against a tracking server", async () => {
  const server = await FakeMlflowServer.start();
  try {
    const io = fakeCliIO("/nonexistent");
    const uri = ["--tracking-uri", server.url];
    assertEquals(
      await main(
        ["prompts", "register", "p", "--template", "hi {{x}}", "--alias", "prod", ...uri],
        io,
      ),
      0,
      io.err(),
    );
    const shown = fakeCliIO("/nonexistent");
    assertEquals(await main(["prompts", "show", "prompts:/p@prod", ...uri], shown), 0);
    assertStringIncludes(shown.out(), `Prompt "p" at ${server.url}`);
    assertEquals(server.requestsTo("/api/2.0/mlflow/registered-models/alias", "POST").length, 1);
  } finally {
    await server.stop();
  }
});

Deno.test("prompts list needs only --allow-read and register only the file's write permission", async () => {
  await using dir = await tempDir();
  const db = ["mlflow.db", "mlflow.db-wal", "mlflow.db-shm", "mlflow.db-journal"];
  const read = ["--allow-read", "--allow-env"];
  const empty = await runCliProcess(read, ["prompts", "list"], dir.path);
  assertEquals(empty.code, 0, empty.stderr);
  assertStringIncludes(empty.stdout, "No prompts registered at sqlite:///mlflow.db");
  assertEquals([...Deno.readDirSync(dir.path)], [], "listing created no file");
  const refused = await runCliProcess(
    read,
    ["prompts", "register", "p", "--template", "x"],
    dir.path,
  );
  assertEquals(refused.code, 1);
  assertStringIncludes(refused.stderr, "--allow-write=");
  const registered = await runCliProcess(
    [...read, `--allow-write=${db.join(",")}`],
    ["prompts", "register", "p", "--template", "x"],
    dir.path,
  );
  assertEquals(registered.code, 0, registered.stderr);
  const listed = await runCliProcess(read, ["prompts", "list"], dir.path);
  assert(/^p +1 +- *$/m.test(listed.stdout), listed.stdout);
});

Deno.test("prompts commands load no LangChain, LangGraph or OpenTelemetry module", async () => {
  const modules = await moduleGraph("src/cli/prompts_command.ts");
  assert(modules.length > 10, "the graph was read");
  assertEquals(modules.filter((m) => /langchain|langgraph|langsmith|opentelemetry/.test(m)), []);
});
