/**
 * Runs whose nodes name MLflow registry prompts: looked up when the run starts (once per
 * batch), filled from inputs and state, refused before any model call when a placeholder is
 * unfilled, and recorded on the node span, in the trace tag `mlflow.linkedPrompts` (whether or
 * not the run has an MLflow run of its own) and, with `run_per_execution`, as params and a tag of
 * that run — against a SQLite file and against a tracking server.
 */
import { runWorkflow } from "../../src/runtime/run_workflow.ts";
import { runBatch } from "../../src/runtime/run_batch.ts";
import { registerPrompt, setPromptAlias } from "../../src/runtime/prompt_registry_api.ts";
import { SqlitePromptRegistry } from "../../src/tracking/prompts/sqlite_prompt_registry.ts";
import type { PromptRegistry } from "../../src/tracking/prompts/prompt_registry.ts";
import type { WorkflowInput } from "../../src/config/schema.ts";
import type { EngineEvent } from "../../src/engine/engine_types.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { loaded, queryRows, tempDir } from "./_helpers.ts";

const SUMMARY: WorkflowInput = {
  schema_version: "1.0",
  flow: { name: "summary" },
  state: {
    fields: {
      text: { type: "str", required: true },
      n: { type: "int", default: 3 },
      summary: { type: "str" },
    },
  },
  nodes: [{
    id: "summarize",
    prompt: "prompts:/summarizer@production",
    inputs: { words: "{state.n}" },
    outputs: ["summary"],
  }],
  edges: [{ from: "START", to: "summarize" }, { from: "summarize", to: "END" }],
  config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
};

const V1 = "Summarize {{text}} in {{words}} words.";
const V2 = "In {{ n }} words, summarize: {{state.text}}";

/** The user message each model call of a SQLite-tracked trace was sent. */
function promptsSent(db: string, traceId: string | undefined): string[] {
  return queryRows(
    db,
    `SELECT content FROM spans WHERE type = 'CHAT_MODEL' AND trace_id = '${traceId}'`,
  ).map((row) => {
    const content = JSON.parse(String(row.content));
    return JSON.parse(content.attributes["mlflow.spanInputs"]).messages[0].content;
  });
}

Deno.test("runWorkflow() runs prompts:/name@production from a SQLite file and follows the moved alias", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const trackingUri = `sqlite:///${db}`;
  await registerPrompt("summarizer", V1, { trackingUri, alias: "production" });
  await registerPrompt("summarizer", V2, { trackingUri });
  const workflow = loaded(SUMMARY, {
    enabled: true,
    tracking_uri: trackingUri,
    async_logging: false,
    run_per_execution: true,
  });
  const deps = { cwd: dir.path, env: () => undefined };
  const first = await runWorkflow(workflow, { text: "tide pools" }, { mock: true, deps });
  assertEquals(promptsSent(db, first.metadata.traceId), ["Summarize tide pools in 3 words."]);
  await setPromptAlias("summarizer", "production", 2, { trackingUri });
  const second = await runWorkflow(workflow, { text: "tide pools" }, { mock: true, deps });
  assertEquals(promptsSent(db, second.metadata.traceId), ["In 3 words, summarize: tide pools"]);
  const tags = queryRows(
    db,
    "SELECT request_id, value FROM trace_tags WHERE key = 'mlflow.linkedPrompts' ORDER BY value",
  );
  assertEquals(tags, [
    { request_id: first.metadata.traceId, value: '[{"name": "summarizer", "version": "1"}]' },
    { request_id: second.metadata.traceId, value: '[{"name": "summarizer", "version": "2"}]' },
  ]);
  const params = queryRows(
    db,
    "SELECT p.value FROM params p JOIN runs r ON r.run_uuid = p.run_uuid WHERE p.key = 'node_summarize_prompt' ORDER BY r.start_time",
  );
  assertEquals(params.map((p) => p.value), ["prompts:/summarizer/1", "prompts:/summarizer/2"]);
  const runTags = queryRows(db, "SELECT value FROM tags WHERE key = 'mlflow.linkedPrompts'");
  assertEquals(runTags.length, 2);
  const [span] = queryRows(
    db,
    `SELECT content FROM spans WHERE name = 'summarize' AND trace_id = '${second.metadata.traceId}'`,
  );
  const attributes = JSON.parse(String(span?.content)).attributes;
  assertEquals(attributes["mlflow.linkedPrompts"], '[{"name": "summarizer", "version": "2"}]');
  assertEquals(attributes["configurable_agents.prompt_uri"], '"prompts:/summarizer@production"');

  // A single run (the default) has no MLflow run: its trace carries the linked prompts.
  const single = await runWorkflow(
    loaded(SUMMARY, { enabled: true, tracking_uri: trackingUri, async_logging: false }),
    { text: "tide pools" },
    { mock: true, deps },
  );
  assertEquals(single.metadata.runId, undefined);
  assertEquals(
    queryRows(
      db,
      `SELECT value FROM trace_tags WHERE key = 'mlflow.linkedPrompts' AND request_id = '${single.metadata.traceId}'`,
    ),
    [{ value: '[{"name": "summarizer", "version": "2"}]' }],
  );
  assertEquals(queryRows(db, "SELECT count(*) AS n FROM runs"), [{ n: 2 }]);
});

Deno.test("runBatch() looks each registry prompt up once for the whole batch", async () => {
  await using dir = await tempDir();
  const registry = await SqlitePromptRegistry.open(`${dir.path}/mlflow.db`, { mode: "write" });
  await registry.register("summarizer", { template: V1 });
  await registry.setAlias("summarizer", "production", 1);
  let loads = 0;
  const counting: PromptRegistry = Object.assign(Object.create(registry), {
    load: (uri: Parameters<PromptRegistry["load"]>[0]) => {
      loads++;
      return registry.load(uri);
    },
  });
  const items = ["a", "b", "c", "d"].map((text, index) => ({ line: index + 1, inputs: { text } }));
  const summary = await runBatch(loaded(SUMMARY), items, {
    mock: true,
    tracker: false,
    concurrency: 2,
    promptRegistry: counting,
  });
  await registry.close();
  assertEquals([summary.succeeded, loads], [4, 1]);
});

Deno.test("a registry placeholder nothing fills stops the run before any model call", async () => {
  await using dir = await tempDir();
  const trackingUri = `sqlite:///${dir.path}/mlflow.db`;
  await registerPrompt("summarizer", "Summarize {{text}} for {{audience}}", {
    trackingUri,
    alias: "production",
  });
  const events: EngineEvent["type"][] = [];
  const error = await assertRejects(
    () =>
      runWorkflow(loaded(SUMMARY), { text: "x" }, {
        mock: true,
        tracker: false,
        trackingUri,
        deps: { cwd: dir.path, env: () => undefined },
        onEvent: (event) => events.push(event.type),
      }),
    WorkflowError,
    'Cannot fill {{audience}} in prompt "summarizer" version 1 (prompts:/summarizer@production) of node "summarize"',
  );
  assertEquals(error.code, "CONFIG_INVALID");
  assertEquals(events, []);
});

Deno.test("a prompt or alias the registry does not have fails the run naming what it has", async () => {
  await using dir = await tempDir();
  const trackingUri = `sqlite:///${dir.path}/mlflow.db`;
  await registerPrompt("summarizer", V1, { trackingUri, alias: "staging" });
  const error = await assertRejects(
    () =>
      runWorkflow(loaded(SUMMARY), { text: "x" }, {
        mock: true,
        tracker: false,
        trackingUri,
        deps: { cwd: dir.path, env: () => undefined },
      }),
    WorkflowError,
    'prompt "summarizer" has no alias "production": it has version 1 and alias staging → 1',
  );
  assertEquals(error.code, "PROMPT_NOT_FOUND");
});

Deno.test("runWorkflow() resolves prompts from a tracking server and records them there", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await registerPrompt("summarizer", V1, {
      trackingUri: server.url,
      alias: "production",
      env: () => undefined,
    });
    const result = await runWorkflow(
      loaded(SUMMARY, {
        enabled: true,
        tracking_uri: server.url,
        async_logging: false,
        run_per_execution: true,
      }),
      { text: "tide pools" },
      { mock: true, deps: { env: () => undefined } },
    );
    assert(result.metadata.runId !== undefined);
    const [start] = server.requestsTo("/api/3.0/mlflow/traces", "POST");
    const tags = (start?.body as { trace: { trace_info: { tags: Record<string, string> } } })
      .trace.trace_info.tags;
    assertEquals(tags["mlflow.linkedPrompts"], '[{"name": "summarizer", "version": "1"}]');
    const run = server.runs.get(result.metadata.runId);
    assertEquals(run?.params.get("node_summarize_prompt"), "prompts:/summarizer/1");
    const spans = server.traces.get(result.metadata.traceId ?? "")?.spans ?? [];
    const node = spans.find((span) => span.name === "summarize");
    assertStringIncludes(JSON.stringify(node), "mlflow.linkedPrompts");
    assertEquals(server.requestsTo("/api/2.0/mlflow/registered-models/alias", "GET").length, 1);
  } finally {
    await server.stop();
  }
});
