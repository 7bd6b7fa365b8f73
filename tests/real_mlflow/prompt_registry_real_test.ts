/**
 * The prompt registry against real MLflow (see `_real_mlflow.ts` for how the builds are found;
 * without them every test here is ignored and one line says why), for each build:
 *
 * 1. The prompt registry contract, run against the build's `mlflow server`.
 * 2. A SQLite file: a prompt our CLI registers is loaded by MLflow's own
 *    `mlflow.genai.load_prompt("prompts:/name@alias")`; a prompt MLflow's own client registers
 *    (`mlflow.genai.register_prompt`, `set_prompt_alias`) is used by our `run`, and MLflow reads
 *    back the trace tag `mlflow.linkedPrompts` of that run.
 * 3. The same through the build's tracking server.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { tempDir } from "../runtime/_helpers.ts";
import { promptRegistryContract } from "../_contracts/prompt_registry_contract.ts";
import { RestPromptRegistry } from "../../src/tracking/prompts/rest_prompt_registry.ts";
import {
  cli,
  type LoadedPrompt,
  type MlflowBuild,
  type MlflowServer,
  NEWEST,
  probe,
  type Readback,
  SKIP_REASON,
  startServer,
  V39,
} from "./_real_mlflow.ts";

if (SKIP_REASON !== undefined) {
  // deno-lint-ignore no-console
  console.log(`real MLflow prompt registry suite: skipped (shown as ignored) as ${SKIP_REASON}`);
}

const FLOW = `
schema_version: "1.0"
flow: { name: review }
state:
  fields:
    text: { type: str, required: true }
    n: { type: int, default: 3 }
    review: { type: str }
nodes:
  - { id: review, prompt: "prompts:/reviewer@production", outputs: [review] }
edges:
  - { from: START, to: review }
  - { from: review, to: END }
config:
  llm: { provider: openai, model: gpt-4o-mini }
  # One MLflow run per execution, so that the run's prompt params can be read back too.
  observability: { mlflow: { enabled: true, experiment_name: prompts_real, run_per_execution: true } }
`;

const V1 = "Summarize {{text}} in {{n}} words.";
const V2 = "Summarize this text in {{n}} words: {{text}}";

/** One server per build, started by the first test that needs it and kept for the module. */
const servers = new Map<MlflowBuild, { dir: string; server: Promise<MlflowServer> }>();

function serverOf(build: MlflowBuild): Promise<MlflowServer> {
  let entry = servers.get(build);
  if (!entry) {
    const dir = Deno.makeTempDirSync({ prefix: "real_mlflow_prompts_" });
    const server = startServer(build, { backendStoreUri: "sqlite:///server.db", dir });
    entry = { dir, server };
    servers.set(build, entry);
  }
  return entry.server;
}

/** Our CLI registers the two golden versions of `summarizer`, "production" on version 2. */
async function registerOurs(dir: string, uri: string, net?: string): Promise<void> {
  const register = async (...args: string[]) => {
    const result = await cli(dir, [
      "prompts",
      "register",
      "summarizer",
      ...args,
      "--tracking-uri",
      uri,
    ], net);
    assertEquals(result.code, 0, result.stderr);
  };
  await register("--template", V1, "--message", "first", "--tag", "team=docs");
  await register("--template", V2, "--message", "second", "--alias", "production");
}

/** MLflow loads what we registered, as its own client registered it (golden data). */
async function assertMlflowLoadsOurs(build: MlflowBuild, dir: string, uri: string) {
  const [production, first] = await probe(build, [
    ["load_prompt", uri, "prompts:/summarizer@production"],
    ["load_prompt", uri, "prompts:/summarizer/1"],
  ], dir) as [LoadedPrompt, LoadedPrompt];
  assertEquals(
    [production.name, production.version, production.template, production.commit_message],
    ["summarizer", 2, V2, "second"],
  );
  assert(production.aliases.includes("production"), JSON.stringify(production));
  assertEquals(production.formatted, "Summarize this text in x words: x");
  assertEquals([first.template, first.commit_message, first.tags], [V1, "first", {
    team: "docs",
  }]);
}

/**
 * MLflow's client registers `reviewer` (version 2 under "production"); our run uses it and
 * MLflow reads the run's trace back with the version in `mlflow.linkedPrompts`.
 */
async function assertWeRunTheirs(build: MlflowBuild, dir: string, uri: string, net?: string) {
  await probe(build, [
    ["register_prompt", uri, "reviewer", "Review {{text}}", "first", null],
    ["register_prompt", uri, "reviewer", "Review {{text}} in {{n}} points", "second", "production"],
  ], dir);
  await Deno.writeTextFile(`${dir}/review.yaml`, FLOW);
  const shown = await cli(dir, ["prompts", "show", "reviewer", "--tracking-uri", uri], net);
  assertEquals(shown.code, 0, shown.stderr);
  assert(shown.stdout.includes("Review {{text}} in {{n}} points"), shown.stdout);
  const run = await cli(dir, [
    "run",
    "review.yaml",
    "--mock",
    "--json",
    "-i",
    "text=tide pools",
    "--tracking-uri",
    uri,
  ], net);
  assertEquals(run.code, 0, run.stderr);
  assert(!/warning/i.test(run.stderr), run.stderr);
  const { traceId } = JSON.parse(run.stdout).metadata;
  const [readback] = await probe(build, [["read", uri]], dir) as [Readback];
  const trace = readback.traces.find((found) => found.trace_id === traceId);
  assert(trace, `MLflow does not list trace ${traceId}`);
  assertEquals(trace.tags["mlflow.linkedPrompts"], '[{"name": "reviewer", "version": "2"}]');
  const node = trace.spans.find((span) => span.name === "review");
  assertEquals(node?.attributes["mlflow.linkedPrompts"], [{ name: "reviewer", version: "2" }]);
  const prompt = trace.spans.find((span) => span.span_type === "CHAT_MODEL")
    ?.attributes["mlflow.spanInputs"] as { messages: { content: string }[] } | undefined;
  assertEquals(prompt?.messages[0]?.content, "Review tide pools in 3 points");
  const ours = readback.runs.find((found) => found.params.node_review_prompt !== undefined);
  assertEquals(ours?.params.node_review_prompt, "prompts:/reviewer/2");
}

for (const [build, label] of [[NEWEST, "newest MLflow"], [V39, "MLflow 3.9"]] as const) {
  let contractTests = 0;
  promptRegistryContract(`real MLflow: RestPromptRegistry on the ${label} server`, async () => {
    const server = await serverOf(build!);
    const registry = new RestPromptRegistry(server.url, { env: () => undefined });
    return { registry, cleanup: () => registry.close(), prefix: `c${++contractTests}_` };
  }, { ignore: build === undefined });

  Deno.test({
    name:
      `real MLflow: a SQLite file's prompts are interchangeable between ${label}'s client and ours`,
    ignore: build === undefined,
    sanitizeResources: false,
    async fn() {
      await using dir = await tempDir();
      await registerOurs(dir.path, "sqlite:///ours.db");
      await assertMlflowLoadsOurs(build!, dir.path, "sqlite:///ours.db");
      await assertWeRunTheirs(build!, dir.path, "sqlite:///theirs.db");
    },
  });

  Deno.test({
    name:
      `real MLflow: a ${label} server's prompts are interchangeable between its client and ours`,
    ignore: build === undefined,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const server = await serverOf(build!);
      const net = new URL(server.url).host;
      await using dir = await tempDir();
      await registerOurs(dir.path, server.url, net);
      await assertMlflowLoadsOurs(build!, dir.path, server.url);
      await assertWeRunTheirs(build!, dir.path, server.url, net);
    },
  });

  Deno.test({
    name: `real MLflow: the ${label} server of the prompt registry tests stops`,
    ignore: build === undefined,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const entry = build && servers.get(build);
      assert(entry, "the tests above started the server");
      const server = await entry.server;
      await server[Symbol.asyncDispose]();
      await Deno.remove(entry.dir, { recursive: true });
      const down = await fetch(`${server.url}/health`).then(() => false, () => true);
      assert(down, `${server.url} still answers`);
    },
  });
}
