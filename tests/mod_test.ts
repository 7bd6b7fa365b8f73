import { z } from "zod";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "./_helpers/assert.ts";
import {
  buildCostReport,
  type CostedCall,
  defineTool,
  flushTracking,
  isWorkflowError,
  type LoadedWorkflow,
  openTrackingReader,
  parseWorkflow,
  priceCall,
  runWorkflow,
  safeParseWorkflow,
  summarizeCosts,
  type ToolSchema,
  type ToolSchemaOutput,
  validateWorkflow,
  type WorkflowConfig,
  WorkflowError,
  workflowJsonSchema,
  workflowToMermaid,
} from "../mod.ts";

const WRITER = `
schema_version: "1.0"
flow: { name: root_smoke, version: "2" }
state:
  fields:
    topic: { type: str, required: true }
    outline: { type: "list[str]" }
    article: { type: str }
nodes:
  - id: plan
    prompt: "List the sections of an article about {state.topic}"
    outputs: [outline]
  - id: write
    prompt: "Write about {state.topic} following {state.outline}"
    outputs: [article]
edges:
  - { from: START, to: plan }
  - { from: plan, to: write }
  - { from: write, to: END }
config:
  llm: { provider: openai, model: gpt-4o-mini }
`;

function writer(extraConfig = ""): LoadedWorkflow {
  return parseWorkflow(WRITER + extraConfig, { file: "root_smoke.yaml" });
}

Deno.test("parseWorkflow() and validateWorkflow() accept a valid file, defaults applied", () => {
  const loaded = writer();
  const config: WorkflowConfig = loaded.config;
  assertEquals(config.flow.version, "2");
  assertEquals(config.config.execution.max_retries, 3);
  assertEquals(config.nodes.map((node) => node.id), ["plan", "write"]);
  assertEquals(validateWorkflow(loaded).filter((d) => d.severity === "error"), []);
  assertStringIncludes(workflowToMermaid(config), "n_plan --> n_write");
  assertEquals((workflowJsonSchema().required as string[]).includes("nodes"), true);
});

Deno.test("safeParseWorkflow() reports a misspelt key with its line and a suggestion", () => {
  const result = safeParseWorkflow(WRITER.replace("outputs: [article]", "output: [article]"), {
    file: "broken.yaml",
  });
  assert(!result.ok);
  const problem = result.diagnostics.find((d) => d.code === "unknown_key");
  assertEquals(problem?.file, "broken.yaml");
  assertEquals(problem?.line, 15);
  assertEquals(problem?.suggestion, "did you mean 'outputs'?");
});

Deno.test("runWorkflow() runs a mock workflow and returns typed state and metadata", async () => {
  const events: string[] = [];
  const result = await runWorkflow(writer(), { topic: "tide pools" }, {
    mock: true,
    tracker: false,
    onEvent: (event) => events.push(event.type),
  });
  assertEquals(result.state.topic, "tide pools");
  assert(Array.isArray(result.state.outline), "outline is a list");
  assert((result.state.outline as unknown[]).every((item) => typeof item === "string"));
  assertEquals(typeof result.state.article, "string");
  const { metadata } = result;
  assertEquals(metadata.status, "success");
  assertEquals(metadata.nodeExecutions.map((node) => node.nodeId), ["plan", "write"]);
  assert(metadata.usage.total_tokens > 0);
  // A mock run is priced as the model the nodes would use: a cost estimate, not zero.
  assert(metadata.costComplete && metadata.costUsd !== undefined && metadata.costUsd > 0);
  assertEquals(events[0], "run_started");
  assertEquals(events.at(-1), "run_finished");
});

Deno.test("runWorkflow() rejects missing inputs with a WorkflowError of phase input", async () => {
  const error = await assertRejects(
    () => runWorkflow(writer(), {}, { mock: true, tracker: false }),
    WorkflowError,
    "topic",
  );
  assert(isWorkflowError(error));
  assertEquals([error.code, error.phase], ["INPUT_INVALID", "input"]);
});

/** `true` when `A` and `B` are the same type, not merely assignable to each other. */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

Deno.test("ToolSchema: a zod object schema fits it and keeps its exact parsed type", () => {
  const schema = z.object({ text: z.string(), limit: z.int().default(3) });
  const asToolSchema: ToolSchema<Record<string, unknown>> = schema;
  const exact: IsExact<ToolSchemaOutput<typeof schema>, z.output<typeof schema>> = true;
  assert(exact);
  const parsed = asToolSchema.safeParse({ text: "hi" });
  assertEquals(parsed.success ? parsed.data : undefined, { text: "hi", limit: 3 });
  const failed = asToolSchema.safeParse({ limit: "x" });
  assertEquals(failed.success ? [] : failed.error.issues.map((issue) => issue.path), [
    ["text"],
    ["limit"],
  ]);
  const json = asToolSchema["~standard"].jsonSchema.output({ target: "draft-2020-12" });
  assertEquals(json.required, ["text", "limit"]);
});

Deno.test("runWorkflow() validates a file naming a user tool defined with defineTool", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/tooled.yaml`;
    await Deno.writeTextFile(
      file,
      WRITER.replace(
        'prompt: "Write about {state.topic} following {state.outline}"',
        'prompt: "Write about {state.topic} following {state.outline}"\n    tools: [word_count]',
      ),
    );
    const wordCount = defineTool({
      name: "word_count",
      description: "Counts the words of a text",
      parameters: z.object({ text: z.string().describe("The text") }),
      invoke: ({ text }) => Promise.resolve({ words: text.split(/\s+/).length }),
      mock: ({ text }) => ({ words: text.length }),
    });
    const result = await runWorkflow(file, { topic: "tide pools" }, {
      mock: true,
      tracker: false,
      tools: [wordCount],
    });
    assertEquals(result.metadata.status, "success");
    // Without the tool the same file is invalid.
    const error = await assertRejects(
      () => runWorkflow(file, { topic: "tide pools" }, { mock: true, tracker: false }),
      WorkflowError,
      "Cannot load the workflow",
    );
    assert(isWorkflowError(error) && error.code === "CONFIG_INVALID");
    const problems = error.diagnostics.map((problem) => problem.message).join("\n");
    assertStringIncludes(problems, '"word_count"');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runWorkflow() records a mock run in SQLite that buildCostReport() reads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = `${dir}/mlflow.db`;
    const result = await runWorkflow(writer(), { topic: "tide pools" }, {
      mock: true,
      trackingUri: `sqlite:///${db}`,
      deps: { cwd: dir, env: () => undefined },
      warn: (message) => {
        throw new Error(`unexpected tracking warning: ${message}`);
      },
    });
    await flushTracking();
    assert(result.metadata.traceId?.startsWith("tr-"), "a trace id");

    const reader = openTrackingReader(`sqlite:///${db}`, { cwd: dir, env: () => undefined });
    assert(reader !== undefined, "the database exists");
    try {
      const report = await buildCostReport(reader, { by: "workflow", now: Date.now() });
      assertEquals(report.rows.map((row) => row.group), ["root_smoke"]);
      assertEquals(report.totals.runs, 1);
      assertEquals(report.totals.totalTokens, result.metadata.usage.total_tokens);
      assertAlmostEquals(report.totals.costUsd ?? NaN, result.metadata.costUsd ?? NaN, 1e-12);

      const byNode = await buildCostReport(reader, { by: "node", now: Date.now() });
      assertEquals(byNode.rows.map((row) => row.group).sort(), ["plan", "write"]);
    } finally {
      await reader.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("priceCall() and summarizeCosts() total calls and keep unknown cost unknown", () => {
  const usage = { input_tokens: 1_000, output_tokens: 500, total_tokens: 1_500 };
  const known = priceCall({ provider: "openai", model: "gpt-4o-mini" }, usage);
  assert(known !== undefined && known.total_cost > 0);
  const calls: CostedCall[] = [
    { nodeId: "plan", provider: "openai", model: "gpt-4o-mini", usage, cost: known },
    { nodeId: "write", provider: "openai", model: "gpt-4o-mini", usage, cost: known },
  ];
  const summary = summarizeCosts(calls);
  assertAlmostEquals(summary.totals.cost?.total_cost ?? NaN, 2 * known.total_cost, 1e-12);
  assertEquals(summary.totals.usage.total_tokens, 3_000);
  assertEquals(Object.keys(summary.byNode).sort(), ["plan", "write"]);

  const unpriced = priceCall({ provider: "openai", model: "gpt-unknown" }, usage);
  assertEquals(unpriced, undefined);
  const partial = summarizeCosts([...calls, {
    nodeId: "write",
    provider: "openai",
    model: "gpt-unknown",
    usage,
    cost: unpriced,
  }]);
  assertEquals(partial.totals.cost, undefined);
  assertEquals(partial.unpricedModels, ["openai/gpt-unknown"]);
});
