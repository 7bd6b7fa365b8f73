import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { loadWorkflow } from "../../src/config/load_workflow.ts";
import { TOOL_NAMES } from "./_workflows.ts";

const DIR = new URL("../fixtures/workflows/v0_1/", import.meta.url);

async function load(name: string) {
  return await loadWorkflow(new URL(name, DIR).pathname, {
    readTextFile: (path) => Deno.readTextFile(path),
    toolNames: TOOL_NAMES,
  });
}

Deno.test("loadWorkflow() accepts every v0.1 workflow file unchanged", async () => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(DIR)) names.push(entry.name);
  assert(names.length >= 5);
  for (const name of names.sort()) {
    const workflow = await load(name);
    assertEquals(
      workflow.warnings.filter((w) => w.code !== "not_implemented"),
      [],
      name,
    );
  }
});

Deno.test("loadWorkflow() reads an unquoted schema_version and version 1.0 as v0.1 did", async () => {
  const { config } = await load("nested_state.yaml");
  assertStrictEquals(config.schema_version, "1.0");
  assertStrictEquals(config.flow.version, "1.0");
  assertStrictEquals(config.state.fields.profile?.default, null);
  assertStrictEquals(config.config.llm.provider, "google");
});

Deno.test("loadWorkflow() reads v0.1 routes, including logic: default", async () => {
  const { config } = await load("conditional_review.yaml");
  assertEquals(config.edges[2]?.routes?.map((route) => route.condition), [
    { logic: "{state.score} >= 8" },
    "default",
  ]);
});

Deno.test("loadWorkflow() reads v0.1 observability settings and lower-case log levels", async () => {
  const { config } = await load("article_writer_mlflow.yaml");
  assertStrictEquals(config.config.observability?.mlflow?.tracking_uri, "sqlite:///mlflow.db");
  assertStrictEquals(config.config.observability?.logging?.level, "INFO");
  assertStrictEquals(config.nodes[1]?.log_prompts, false);
});

Deno.test("loadWorkflow() warns that v0.1 optimisation settings are not supported", async () => {
  const workflow = await load("simple_output.yaml");
  assertEquals(workflow.warnings.map((w) => w.path.join(".")), [
    "nodes.0.optimize",
    "optimization",
  ]);
  assertStrictEquals(workflow.config.config.execution.max_retries, 0);
});
