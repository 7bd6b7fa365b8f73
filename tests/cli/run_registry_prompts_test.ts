/**
 * The round trip of the README, through the CLI in subprocesses with the permissions
 * `permissions` prints: register → alias → run → move the alias → run, and the trace shows
 * which version ran. Plus `validate` on registry prompts.
 */
import { main } from "../../src/cli/main.ts";
import { assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { queryRows, ROOT, runCliProcess, tempDir } from "../runtime/_helpers.ts";
import { fakeCliIO } from "../tracking/report/_fake_cli_io.ts";

const FLOW = `
schema_version: "1.0"
flow: { name: summary }
state:
  fields:
    text: { type: str, required: true }
    n: { type: int, default: 3 }
    summary: { type: str }
nodes:
  - { id: summarize, prompt: "prompts:/summarizer@production", outputs: [summary] }
edges:
  - { from: START, to: summarize }
  - { from: summarize, to: END }
config:
  llm: { provider: openai, model: gpt-4o-mini }
  observability: { mlflow: { enabled: true, tracking_uri: "sqlite:///mlflow.db", async_logging: false } }
`;

const WRITE = [
  "--allow-read",
  "--allow-env",
  "--allow-write=mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal",
];

Deno.test("the README round trip on examples/registry: the run after the alias moved uses the new version", async () => {
  await using dir = await tempDir();
  const cwd = dir.path;
  await Deno.mkdir(`${cwd}/examples/registry`, { recursive: true });
  for (const name of ["summary.yaml", "summarizer_v1.txt", "summarizer_v2.txt"]) {
    await Deno.copyFile(`${ROOT}examples/registry/${name}`, `${cwd}/examples/registry/${name}`);
  }
  const cli = async (permissions: string[], args: string[]) => {
    const run = await runCliProcess(permissions, args, cwd);
    assertEquals(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
    return run.stdout;
  };
  const register = (file: string, ...more: string[]) =>
    cli(WRITE, ["prompts", "register", "summarizer", "--template-file", file, ...more]);
  await register("examples/registry/summarizer_v1.txt", "--alias", "production");
  await register("examples/registry/summarizer_v2.txt");
  // Exactly the flags `permissions` prints.
  const flow = "examples/registry/summary.yaml";
  const printed = await cli(["--allow-read"], ["permissions", flow, "--mock", "--json"]);
  const flags: string[] = JSON.parse(printed).flags;
  const args = ["run", flow, "--mock", "-i", "text=tide pools", "--json"];
  const first = JSON.parse(await cli(flags, args));
  await cli(WRITE, ["prompts", "alias", "summarizer", "production", "2"]);
  const second = JSON.parse(await cli(flags, args));
  const db = `${cwd}/mlflow.db`;
  const linked = (traceId: string) =>
    queryRows(
      db,
      `SELECT value FROM trace_tags WHERE key = 'mlflow.linkedPrompts' AND request_id = '${traceId}'`,
    )[0]?.value;
  assertEquals(linked(first.metadata.traceId), '[{"name": "summarizer", "version": "1"}]');
  assertEquals(linked(second.metadata.traceId), '[{"name": "summarizer", "version": "2"}]');
  const sent = (traceId: string) =>
    queryRows(
      db,
      `SELECT content FROM spans WHERE type = 'CHAT_MODEL' AND trace_id = '${traceId}'`,
    ).map((row) => JSON.parse(JSON.parse(String(row.content)).attributes["mlflow.spanInputs"]))
      .map((inputs) => inputs.messages[0].content);
  assertEquals(sent(first.metadata.traceId), ["Summarize tide pools in at most 20 words.\n"]);
  assertEquals(sent(second.metadata.traceId), [
    "Summarize tide pools in at most 20 words for a busy engineer. Lead with the main point.\n",
  ]);
  const shown = await cli(["--allow-read", "--allow-env"], [
    "traces",
    "show",
    second.metadata.traceId,
  ]);
  assertStringIncludes(shown, "prompts: summarizer v2");
});

Deno.test("validate checks registry templates it can read and warns about those it cannot", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/flow.yaml`, FLOW);
  const io = fakeCliIO(dir.path);
  const file = `${dir.path}/flow.yaml`;
  // No registry file yet: a warning, and the workflow is valid.
  assertEquals(await main(["validate", file], io), 0);
  assertStringIncludes(io.out(), "warning: Cannot check prompt");
  assertStringIncludes(io.out(), 'the registry file "mlflow.db" does not exist here');
  const register = fakeCliIO(dir.path);
  await main([
    "prompts",
    "register",
    "summarizer",
    "--template",
    "Summarize {{text}} for {{reader}}",
    "--alias",
    "production",
  ], register);
  const invalid = fakeCliIO(dir.path);
  assertEquals(await main(["validate", file], invalid), 2);
  assertStringIncludes(
    invalid.out(),
    'flow.yaml:10:30: error: Cannot fill {{reader}} in prompt "summarizer" version 1',
  );
  // A server this process may not reach (the tests may reach only the loopback interface).
  const remote = fakeCliIO(dir.path);
  const uri = "http://mlflow.invalid:5000";
  assertEquals(await main(["validate", file, "--tracking-uri", uri], remote), 0);
  assertStringIncludes(remote.out(), "only with --allow-net=mlflow.invalid:5000");
  // A server it may reach that does not answer.
  const down = fakeCliIO(dir.path);
  assertEquals(await main(["validate", file, "--tracking-uri", "http://127.0.0.1:9"], down), 0);
  assertStringIncludes(down.out(), "as the registry cannot be read (Cannot read registered model");
});
