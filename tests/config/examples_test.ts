import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { loadWorkflow } from "../../src/config/load_workflow.ts";
import { TOOL_NAMES } from "./_workflows.ts";

const DIR = new URL("../../examples/", import.meta.url);
const REQUIRED = [
  "echo.yaml",
  "simple_greeting.yaml",
  "article_writer.yaml",
  "support_triage.yaml",
  "refine_loop.yaml",
  "parallel_research.yaml",
  "user_profile.yaml",
  "writer_critic.yaml",
];

async function examples(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (entry.name.endsWith(".yaml")) names.push(entry.name);
  }
  return names.sort();
}

async function load(name: string) {
  return await loadWorkflow(new URL(name, DIR).pathname, {
    readTextFile: (path) => Deno.readTextFile(path),
    toolNames: TOOL_NAMES,
  });
}

Deno.test("every example is valid, without warnings, and points editors at the schema", async () => {
  const names = await examples();
  for (const name of REQUIRED) assert(names.includes(name), `missing example ${name}`);
  for (const name of names) {
    const text = await Deno.readTextFile(new URL(name, DIR));
    assertStrictEquals(
      text.split("\n")[0],
      "# yaml-language-server: $schema=../schema/workflow.schema.json",
      name,
    );
    assertEquals((await load(name)).warnings, [], name);
  }
});

Deno.test("the examples exercise every edge kind, tools, prompt files and nested state", async () => {
  const configs = await Promise.all(
    (await examples()).map(async (name) => (await load(name)).config),
  );
  const edges = configs.flatMap((config) => config.edges);
  for (const kind of ["to", "routes", "loop", "parallel"] as const) {
    assert(edges.some((edge) => edge[kind] !== undefined), `no ${kind} edge`);
  }
  const nodes = configs.flatMap((config) => config.nodes);
  assert(nodes.some((node) => node.prompt_file !== undefined), "no prompt_file");
  assert(nodes.some((node) => node.inputs !== undefined), "no inputs");
  const fields = configs.flatMap((config) => Object.values(config.state.fields));
  assert(
    fields.some((field) => JSON.stringify(field.schema ?? {}).includes('"schema"')),
    "no nested object",
  );
});

Deno.test("article_writer is the Quickstart demo: research with serper_search, then write", async () => {
  const { config } = await load("article_writer.yaml");
  assertEquals(config.nodes.map((node) => node.id), ["research", "write"]);
  assertEquals(config.nodes[0]?.tools, ["serper_search"]);
  assertStrictEquals(config.state.fields.topic?.required, true);
  assertStrictEquals(config.config.observability?.mlflow?.enabled, true);
  assertStrictEquals(config.config.observability?.mlflow?.experiment_name, "article_writer_demo");
  assertEquals(config.edges.map((edge) => `${edge.from}->${edge.to}`), [
    "START->research",
    "research->write",
    "write->END",
  ]);
});
