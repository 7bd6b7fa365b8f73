import { z } from "zod";
import { runWorkflow } from "../../src/runtime/run_workflow.ts";
import { flushTracking } from "../../src/runtime/flush_tracking.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import type { EngineEvent } from "../../src/engine/engine_types.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import { GREETING, loaded, queryRows, ROOT, tempDir } from "./_helpers.ts";

const LOOKUP_WORKFLOW = `
schema_version: "1.0"
flow: { name: lookup }
state:
  fields:
    city: { type: str, required: true }
    summary: { type: str }
nodes:
  - id: look
    prompt: "Find the weather in {state.city}"
    tools: [weather]
    outputs: [summary]
edges:
  - { from: START, to: look }
  - { from: look, to: END }
config:
  llm: { provider: openai, model: gpt-4o-mini }
`;

const weather = defineTool({
  name: "weather",
  description: "Tells the weather of a city",
  parameters: z.object({ city: z.string() }),
  invoke: () => Promise.reject(new Error("never called in mock runs")),
  mock: ({ city }) => ({ city, forecast: "sunny" }),
});

Deno.test("runWorkflow() runs a workflow file with the mock model and returns typed state", async () => {
  const events: EngineEvent["type"][] = [];
  const result = await runWorkflow(`${ROOT}examples/simple_greeting.yaml`, { name: "Ada" }, {
    mock: true,
    tracker: false,
    seed: 7,
    onEvent: (event) => events.push(event.type),
  });
  assertEquals(result.metadata.status, "success");
  assertEquals(typeof result.state.greeting, "string");
  assert(Number.isInteger(result.state.word_count));
  assertEquals(result.state.occasion, "a regular weekday");
  assertEquals(events, ["run_started", "node_started", "node_finished", "run_finished"]);
  // Mock calls are priced as the node's model (google/gemini-2.5-flash-lite is in the table).
  assert(result.metadata.costUsd !== undefined && result.metadata.costUsd > 0);
  assertEquals(result.metadata.traceId, undefined);
  const again = await runWorkflow(`${ROOT}examples/simple_greeting.yaml`, { name: "Ada" }, {
    mock: true,
    tracker: false,
    seed: 7,
  });
  assertEquals(again.state, result.state);
});

Deno.test("runWorkflow() validates a file against the user's tools and uses their mock results", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/lookup.yaml`;
  await Deno.writeTextFile(file, LOOKUP_WORKFLOW);
  const error = await assertRejects(
    () => runWorkflow(file, { city: "Porto" }, { mock: true, tracker: false }),
    Error,
    "Cannot load the workflow",
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_INVALID");
  assertStringIncludes(error.diagnostics[0]?.message ?? "", '"weather"');
  const result = await runWorkflow(file, { city: "Porto" }, {
    mock: true,
    tracker: false,
    tools: [weather],
  });
  assertEquals(result.metadata.nodeExecutions[0]?.toolCalls, 1);
});

Deno.test("runWorkflow() rejects a tool config that validate rejects, before any model call", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/fetch.yaml`;
  // http_get needs allowed_hosts: `validate` reports it, and so must `run`, even in a mock run.
  await Deno.writeTextFile(file, LOOKUP_WORKFLOW.replace("tools: [weather]", "tools: [http_get]"));
  let events = 0;
  const error = await assertRejects(
    () =>
      runWorkflow(file, { city: "Porto" }, {
        mock: true,
        tracker: false,
        onEvent: () => events++,
      }),
    Error,
    "Cannot load the workflow",
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_INVALID");
  const [problem] = error.diagnostics;
  assertEquals(problem?.code, "invalid_tool_config");
  assertStringIncludes(problem?.message ?? "", 'Cannot configure tool "http_get" of node "look"');
  assertEquals(events, 0, "the run never started");
});

Deno.test("runWorkflow() prices calls with the table CONFIGURABLE_AGENTS_PRICES names", async () => {
  await using dir = await tempDir();
  const prices = `${dir.path}/prices.json`;
  await Deno.writeTextFile(
    prices,
    JSON.stringify({ providers: { openai: { "gpt-4o-mini": { input: 1_000_000, output: 0 } } } }),
  );
  const env = (name: string) => name === "CONFIGURABLE_AGENTS_PRICES" ? prices : undefined;
  const result = await runWorkflow(loaded(), { name: "Ada" }, {
    mock: true,
    tracker: false,
    deps: { env },
  });
  // $1 per input token.
  assertEquals(result.metadata.costUsd, result.metadata.usage.input_tokens);
  const error = await assertRejects(
    () =>
      runWorkflow(loaded(), { name: "Ada" }, {
        mock: true,
        tracker: false,
        deps: { env: () => `${dir.path}/missing.json` },
      }),
    Error,
    "Cannot load prices from",
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_LOAD_FAILED");
});

Deno.test("runWorkflow() reports an unpriced model as cost unknown, never 0", async () => {
  const workflow = loaded({
    ...GREETING,
    config: { llm: { provider: "openai", model: "gpt-unheard-of" } },
  });
  const result = await runWorkflow(workflow, { name: "Ada" }, { mock: true, tracker: false });
  assertEquals(result.metadata.costUsd, undefined);
  assertEquals(result.metadata.costComplete, false);
});

Deno.test("runWorkflow() records the trace, linked to its agent version, and returns before the export with async_logging", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const result = await runWorkflow(loaded(), { name: "Ada" }, {
    mock: true,
    trackingUri: `sqlite:///${db}`,
    deps: { cwd: dir.path, env: () => undefined },
    warn: (message) => {
      throw new Error(`unexpected warning: ${message}`);
    },
  });
  assert(result.metadata.traceId?.startsWith("tr-"));
  assertEquals(result.metadata.runId, undefined);
  await flushTracking();
  assertEquals(queryRows(db, "SELECT request_id, status FROM trace_info"), [
    { request_id: result.metadata.traceId, status: "OK" },
  ]);
  // A single run has no MLflow run; its trace links to the workflow's version.
  assertEquals(queryRows(db, "SELECT status FROM runs"), []);
  const models = queryRows(db, "SELECT model_id, name FROM logged_models");
  assertEquals(models.length, 1);
  assert(/^greeting-[0-9a-f]{8}$/.test(String(models[0]?.name)));
  assertEquals(
    queryRows(db, "SELECT value FROM trace_request_metadata WHERE key = 'mlflow.modelId'"),
    [{ value: models[0]?.model_id }],
  );
});

Deno.test("runWorkflow() writes the trace before returning without async_logging", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const workflow = loaded(GREETING, {
    enabled: true,
    tracking_uri: `sqlite:///${db}`,
    async_logging: false,
    experiment_name: "sync",
  });
  const result = await runWorkflow(workflow, { name: "Ada" }, {
    mock: true,
    deps: { cwd: dir.path, env: () => undefined },
  });
  assertEquals(result.metadata.runId, undefined);
  const traces = queryRows(db, "SELECT request_id FROM trace_info");
  assertEquals(traces, [{ request_id: result.metadata.traceId }]);
  assertEquals(queryRows(db, "SELECT run_uuid FROM runs"), []);
});

Deno.test("runWorkflow() writes the trace and its own run before returning with run_per_execution", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const workflow = loaded(GREETING, {
    enabled: true,
    tracking_uri: `sqlite:///${db}`,
    async_logging: false,
    experiment_name: "sync",
    run_per_execution: true,
  });
  const result = await runWorkflow(workflow, { name: "Ada" }, {
    mock: true,
    deps: { cwd: dir.path, env: () => undefined },
  });
  assert(result.metadata.runId !== undefined);
  const runs = queryRows(db, "SELECT run_uuid, status FROM runs");
  assertEquals(runs, [{ run_uuid: result.metadata.runId, status: "FINISHED" }]);
  const traces = queryRows(db, "SELECT request_id FROM trace_info");
  assertEquals(traces, [{ request_id: result.metadata.traceId }]);
});

Deno.test("runWorkflow() stops on the signal with CANCELLED and records the trace as ERROR", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const controller = new AbortController();
  const error = await assertRejects(
    () =>
      runWorkflow(loaded(), { name: "Ada" }, {
        mock: true,
        mockLatencyMs: 60_000,
        trackingUri: `sqlite:///${db}`,
        signal: controller.signal,
        deps: {
          cwd: dir.path,
          env: () => undefined,
          // The mock model's latency: abort the run while the call waits.
          sleep: (_ms, signal) =>
            new Promise((_, reject) => {
              signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
              queueMicrotask(() => controller.abort());
            }),
        },
      }),
    Error,
    "cancelled",
  );
  assert(isWorkflowError(error) && error.code === "CANCELLED");
  await flushTracking();
  assertEquals(queryRows(db, "SELECT status FROM trace_info"), [{ status: "ERROR" }]);
});

Deno.test("runWorkflow() checks its options before reading anything", async () => {
  await assertRejects(
    () => runWorkflow("/nonexistent/workflow.yaml", {}, { mockLatencyMs: -1 }),
    RangeError,
    "mockLatencyMs must be from 0 to 600000 milliseconds",
  );
  await assertRejects(
    () => runWorkflow("/nonexistent/workflow.yaml", {}, { mockLatencyMs: 1e12 }),
    RangeError,
    'mockLatencyMs must be from 0 to 600000 milliseconds: got "1000000000000"',
  );
  await assertRejects(
    () => runWorkflow("/nonexistent/workflow.yaml", {}, { seed: Number.NaN }),
    RangeError,
    "seed is not a finite number",
  );
  const error = await assertRejects(
    () => runWorkflow("/nonexistent/workflow.yaml", {}, { tracker: false }),
    Error,
    'Cannot load the workflow "/nonexistent/workflow.yaml"',
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_LOAD_FAILED");
});

Deno.test("runWorkflow() rejects inputs that do not fit the state with INPUT_INVALID", async () => {
  const error = await assertRejects(
    () => runWorkflow(loaded(), { name: 42 }, { mock: true, tracker: false }),
    Error,
    'input "name"',
  );
  assert(isWorkflowError(error) && error.code === "INPUT_INVALID");
  assertStringIncludes(error.message, "str");
});

Deno.test("runWorkflow() refuses a path that is not a regular file instead of reading it forever", async () => {
  const error = await assertRejects(
    () => runWorkflow("/dev/zero", {}, { mock: true, tracker: false }),
    Error,
    "not a regular file",
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_LOAD_FAILED");
});
