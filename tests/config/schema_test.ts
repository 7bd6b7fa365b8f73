import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { DEFAULT_MODEL, DEFAULT_PROVIDER } from "../../src/config/constants.ts";
import { EdgeSchema } from "../../src/config/edge_schema.ts";
import { LlmOverrideSchema, NodeSchema } from "../../src/config/node_schema.ts";
import { StateFieldSchema } from "../../src/config/state_schema.ts";
import { WorkflowSchema } from "../../src/config/schema.ts";

/** A minimal valid workflow file, as parsed YAML. */
function minimal(): Record<string, unknown> {
  return {
    schema_version: "1.0",
    flow: { name: "demo" },
    state: { fields: { topic: { type: "str", required: true }, out: { type: "str" } } },
    nodes: [{ id: "step", prompt: "Do {state.topic}", outputs: ["out"] }],
    edges: [{ from: "START", to: "step" }, { from: "step", to: "END" }],
  };
}

/** The paths and codes of the issues of a failed parse (empty when it succeeds). */
function issuesOf(
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  value: unknown,
) {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const issues = (result.error as { issues: { path: PropertyKey[]; code: string }[] }).issues;
  return issues.map((issue) => `${issue.path.join(".")}:${issue.code}`);
}

Deno.test("WorkflowSchema applies the v0.1 defaults", () => {
  const config = WorkflowSchema.parse(minimal());
  assertEquals(config.config.llm, { provider: DEFAULT_PROVIDER, model: DEFAULT_MODEL });
  assertEquals(config.config.execution, { timeout: 120, max_retries: 3, recursion_limit: 25 });
  assertStrictEquals(config.state.fields.out?.required, false);
  assertStrictEquals(DEFAULT_PROVIDER, "google");
  assertStrictEquals(DEFAULT_MODEL, "gemini-2.5-flash-lite");
});

Deno.test("WorkflowSchema accepts schema_version '1.0' and an unquoted 1.0, nothing else", () => {
  for (const version of ["1.0", 1]) {
    assertStrictEquals(
      WorkflowSchema.parse({ ...minimal(), schema_version: version }).schema_version,
      "1.0",
    );
  }
  for (const version of ["2.0", "1", 2, null]) {
    assertEquals(issuesOf(WorkflowSchema, { ...minimal(), schema_version: version }), [
      "schema_version:invalid_union",
    ]);
  }
});

Deno.test("WorkflowSchema requires schema_version, flow, state, nodes and edges", () => {
  for (const key of ["schema_version", "flow", "state", "nodes", "edges"]) {
    const value = minimal();
    delete value[key];
    const code = key === "schema_version" ? "invalid_union" : "invalid_type";
    assertEquals(issuesOf(WorkflowSchema, value), [`${key}:${code}`]);
  }
});

Deno.test("WorkflowSchema rejects unknown keys at every level", () => {
  const at = (mutate: (v: Record<string, unknown>) => void) => {
    const value = minimal();
    mutate(value);
    return issuesOf(WorkflowSchema, value);
  };
  assertEquals(at((v) => (v.extra = 1)), [":unrecognized_keys"]);
  assertEquals(at((v) => ((v.flow as Record<string, unknown>).nmae = "x")), [
    "flow:unrecognized_keys",
  ]);
  assertEquals(at((v) => (v.config = { llm: { modle: "x" } })), ["config.llm:unrecognized_keys"]);
  assertEquals(at((v) => (v.config = { observability: { mlflow: { enabeld: true } } })), [
    "config.observability.mlflow:unrecognized_keys",
  ]);
  assertEquals(
    at((
      v,
    ) => (((v.state as { fields: Record<string, Record<string, unknown>> }).fields.out as Record<
      string,
      unknown
    >).kind = "x")),
    ["state.fields.out:unrecognized_keys"],
  );
});

Deno.test("WorkflowSchema trims the flow name and rejects an empty one", () => {
  assertStrictEquals(
    WorkflowSchema.parse({ ...minimal(), flow: { name: "  demo " } }).flow.name,
    "demo",
  );
  assertEquals(issuesOf(WorkflowSchema, { ...minimal(), flow: { name: "   " } }), [
    "flow.name:too_small",
  ]);
});

Deno.test("WorkflowSchema keeps a numeric flow version as text", () => {
  assertStrictEquals(
    WorkflowSchema.parse({ ...minimal(), flow: { name: "d", version: 2 } }).flow.version,
    "2",
  );
});

Deno.test("StateFieldSchema checks the type grammar, required with default, and defaults", () => {
  assertEquals(StateFieldSchema.parse({ type: "list[int]" }), {
    type: "list[int]",
    required: false,
  });
  assertEquals(issuesOf(StateFieldSchema, { type: "list[int" }), ["type:custom"]);
  assertEquals(issuesOf(StateFieldSchema, { type: "str", required: true, default: "x" }), [
    "default:custom",
  ]);
  assert(StateFieldSchema.safeParse({ type: "str", required: true, default: null }).success);
  assert(
    StateFieldSchema.safeParse({
      type: "object",
      schema: { a: "int", b: { type: "object", schema: { c: "str" } } },
    }).success,
  );
  assertEquals(issuesOf(StateFieldSchema, { type: "object", schema: { a: "integer" } }), [
    "schema.a:custom",
  ]);
});

Deno.test("WorkflowSchema needs at least one state field, node and edge, with identifier names", () => {
  assertEquals(issuesOf(WorkflowSchema, { ...minimal(), state: { fields: {} } }), [
    "state.fields:custom",
  ]);
  assertEquals(issuesOf(WorkflowSchema, { ...minimal(), nodes: [] }), ["nodes:too_small"]);
  assertEquals(issuesOf(WorkflowSchema, { ...minimal(), edges: [] }), ["edges:too_small"]);
  assertEquals(
    issuesOf(WorkflowSchema, { ...minimal(), state: { fields: { "my-field": { type: "str" } } } }),
    ["state.fields.my-field:invalid_key"],
  );
});

Deno.test("NodeSchema checks ids, prompts, outputs, tools and limits", () => {
  const node = { id: "step", prompt: "p", outputs: ["out"] };
  assert(NodeSchema.safeParse(node).success);
  assertEquals(issuesOf(NodeSchema, { ...node, id: "END" }), ["id:custom"]);
  assertEquals(issuesOf(NodeSchema, { ...node, id: "2nd" }), ["id:invalid_format"]);
  assertEquals(issuesOf(NodeSchema, { id: "step", outputs: ["out"] }), [":custom"]);
  assertEquals(issuesOf(NodeSchema, { ...node, prompt_file: "p.md" }), ["prompt_file:custom"]);
  assertEquals(issuesOf(NodeSchema, { ...node, outputs: [] }), ["outputs:too_small"]);
  assertEquals(issuesOf(NodeSchema, { ...node, timeout: 0 }), ["timeout:too_small"]);
  assertEquals(issuesOf(NodeSchema, { ...node, max_retries: 1.5 }), ["max_retries:invalid_type"]);
  assertEquals(issuesOf(NodeSchema, { ...node, max_retries: -1 }), ["max_retries:too_small"]);
  const tools = NodeSchema.parse({ ...node, tools: ["http_get", { name: "serper_search" }] }).tools;
  assertEquals(tools, ["http_get", { name: "serper_search", on_error: "fail" }]);
  assertEquals(issuesOf(NodeSchema, { ...node, tools: [{ name: "x", on_error: "skip" }] }), [
    "tools.0:invalid_union",
  ]);
  assert(NodeSchema.safeParse({ ...node, optimize: { enabled: false, metric: "m" } }).success);
});

Deno.test("LlmOverrideSchema checks provider, temperature, max_tokens and endpoints", () => {
  assert(
    LlmOverrideSchema.safeParse({
      provider: "openai-compatible",
      base_url: "http://localhost:8000/v1",
    }).success,
  );
  assertEquals(issuesOf(LlmOverrideSchema, { provider: "azure" }), ["provider:invalid_value"]);
  assertEquals(issuesOf(LlmOverrideSchema, { temperature: 2.5 }), ["temperature:too_big"]);
  assertEquals(issuesOf(LlmOverrideSchema, { temperature: -0.1 }), ["temperature:too_small"]);
  assertEquals(issuesOf(LlmOverrideSchema, { max_tokens: 0 }), ["max_tokens:too_small"]);
  assertEquals(issuesOf(LlmOverrideSchema, { base_url: "localhost:11434" }), [
    "base_url:invalid_format",
  ]);
  assertEquals(issuesOf(LlmOverrideSchema, { api_base: "ftp://host" }), [
    "api_base:invalid_format",
  ]);
});

Deno.test("EdgeSchema needs exactly one of to, routes, loop and parallel", () => {
  assert(EdgeSchema.safeParse({ from: "a", to: "b" }).success);
  assertEquals(issuesOf(EdgeSchema, { from: "a" }), [":custom"]);
  assertEquals(issuesOf(EdgeSchema, { from: "a", to: "b", loop: { condition_field: "done" } }), [
    "loop:custom",
  ]);
  assertEquals(issuesOf(EdgeSchema, { from: "a", routes: [] }), ["routes:too_small"]);
});

Deno.test("EdgeSchema reads both forms of the default route and applies loop defaults", () => {
  const edge = EdgeSchema.parse({
    from: "a",
    routes: [
      { condition: { logic: "state.x > 1" }, to: "b" },
      { condition: { logic: "default" }, to: "c" },
      { condition: "default", to: "d" },
    ],
  });
  assertEquals(edge.routes?.map((route) => route.condition), [
    { logic: "state.x > 1" },
    "default",
    "default",
  ]);
  assertEquals(EdgeSchema.parse({ from: "a", loop: { condition_field: "done" } }).loop, {
    condition_field: "done",
    max_iterations: 10,
    exit_to: "END",
  });
  assertEquals(
    issuesOf(EdgeSchema, { from: "a", loop: { condition_field: "d", max_iterations: 0 } }),
    ["loop.max_iterations:too_small"],
  );
  assertEquals(
    issuesOf(EdgeSchema, { from: "a", loop: { condition_field: "d", max_iterations: 101 } }),
    ["loop.max_iterations:too_big"],
  );
  assertEquals(
    issuesOf(EdgeSchema, { from: "a", parallel: { items_field: "i", target_node: "t" } }),
    ["parallel.collect_field:invalid_type"],
  );
});

Deno.test("WorkflowSchema checks execution, budget, MLflow and logging settings", () => {
  const config = (value: unknown) => ({ ...minimal(), config: value });
  const parsed = WorkflowSchema.parse(
    config({ observability: { mlflow: {}, logging: { level: "warning" } } }),
  );
  assertEquals(parsed.config.observability?.mlflow, {
    enabled: false,
    experiment_name: "configurable_agents",
    log_prompts: true,
    log_artifacts: true,
    artifact_level: "standard",
    async_logging: true,
    redact: [],
    run_per_execution: false,
  });
  assertStrictEquals(parsed.config.observability?.logging?.level, "WARNING");
  assertEquals(
    issuesOf(WorkflowSchema, config({ observability: { logging: { level: "loud" } } })),
    [
      "config.observability.logging.level:invalid_value",
    ],
  );
  assertEquals(
    issuesOf(WorkflowSchema, config({ observability: { mlflow: { artifact_level: "all" } } })),
    [
      "config.observability.mlflow.artifact_level:invalid_value",
    ],
  );
  assertEquals(issuesOf(WorkflowSchema, config({ execution: { timeout: 0 } })), [
    "config.execution.timeout:too_small",
  ]);
  assertEquals(issuesOf(WorkflowSchema, config({ execution: { recursion_limit: 0 } })), [
    "config.execution.recursion_limit:too_small",
  ]);
  assertEquals(issuesOf(WorkflowSchema, config({ execution: { budget: { max_usd: -1 } } })), [
    "config.execution.budget.max_usd:too_small",
  ]);
  assertEquals(
    issuesOf(WorkflowSchema, config({ observability: { mlflow: { retention_days: 0 } } })),
    [
      "config.observability.mlflow.retention_days:too_small",
    ],
  );
});

Deno.test("WorkflowSchema accepts the v0.1 optimization section and rejects unknown keys in it", () => {
  assert(
    WorkflowSchema.safeParse({
      ...minimal(),
      optimization: { enabled: true, strategy: "BootstrapFewShot", max_demos: 4 },
    }).success,
  );
  assertEquals(issuesOf(WorkflowSchema, { ...minimal(), optimization: { epochs: 3 } }), [
    "optimization:unrecognized_keys",
  ]);
});
