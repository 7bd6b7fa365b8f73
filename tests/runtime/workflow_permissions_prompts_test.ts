import { workflowPermissions } from "../../src/runtime/workflow_permissions.ts";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { loaded } from "./_helpers.ts";

const REGISTRY_FLOW: WorkflowInput = {
  schema_version: "1.0",
  flow: { name: "summary" },
  state: { fields: { text: { type: "str", required: true }, summary: { type: "str" } } },
  nodes: [{ id: "s", prompt: "prompts:/summarizer@production", outputs: ["summary"] }],
  edges: [{ from: "START", to: "s" }, { from: "s", to: "END" }],
  config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
};

Deno.test("workflowPermissions() adds read access to the registry's SQLite file for an untracked run", () => {
  const permissions = workflowPermissions(loaded(REGISTRY_FLOW), { mock: true, tracking: false });
  assertEquals(permissions.read, ["mlflow.db"]);
  assertEquals(permissions.write, []);
  assertEquals(permissions.net, []);
  assert(permissions.env.includes("MLFLOW_TRACKING_URI"));
  const elsewhere = workflowPermissions(loaded(REGISTRY_FLOW), {
    mock: true,
    tracking: false,
    env: (name) => name === "MLFLOW_TRACKING_URI" ? "sqlite:///prompts.db" : undefined,
  });
  assertEquals(elsewhere.read, ["prompts.db"]);
});

Deno.test("workflowPermissions() adds the tracking server's host and credentials for a registry there", () => {
  const permissions = workflowPermissions(
    loaded(REGISTRY_FLOW, { tracking_uri: "http://mlflow.internal:5000" }),
    { mock: true, tracking: false },
  );
  assertEquals(permissions.net, ["mlflow.internal:5000"]);
  assert(permissions.env.includes("MLFLOW_TRACKING_TOKEN"));
  assert(!permissions.env.includes("MLFLOW_TRACKING_URI"), "the workflow names its URI");
  assertEquals(permissions.read, []);
});

Deno.test("workflowPermissions() asks nothing more for a workflow without registry prompts", () => {
  const inline = {
    ...REGISTRY_FLOW,
    nodes: [{ id: "s", prompt: "Summarize {state.text}", outputs: ["summary"] }],
  };
  const permissions = workflowPermissions(loaded(inline), { mock: true, tracking: false });
  assertEquals([permissions.read, permissions.net], [[], []]);
  assert(!permissions.env.includes("MLFLOW_TRACKING_URI"));
});
