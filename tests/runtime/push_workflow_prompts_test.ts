import { pushWorkflowPrompts } from "../../src/runtime/push_workflow_prompts.ts";
import { showPrompt } from "../../src/runtime/prompt_registry_api.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { tempDir } from "./_helpers.ts";

function workflow(prompt: string, mlflow = ""): string {
  return `
schema_version: "1.0"
flow: { name: "my flow!" }
state: { fields: { text: { type: str, required: true }, out: { type: str } } }
nodes:
  - { id: a, ${prompt}, outputs: [out] }
edges: [{ from: START, to: a }, { from: a, to: END }]
${mlflow}`;
}

Deno.test("pushWorkflowPrompts() pushes a prompt_file to the workflow's own tracking_uri", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/a.txt`, "Shorten {state.text}");
  await Deno.writeTextFile(
    `${dir.path}/flow.yaml`,
    workflow(
      "prompt_file: a.txt",
      `config: { observability: { mlflow: { tracking_uri: "sqlite:///${dir.path}/own.db" } } }`,
    ),
  );
  const result = await pushWorkflowPrompts(`${dir.path}/flow.yaml`, { env: () => undefined });
  assertEquals(result.location, `sqlite:///${dir.path}/own.db`);
  assertEquals(result.pushed.map((p) => [p.nodeId, p.name, p.uri]), [
    ["a", "my_flow_.a", "prompts:/my_flow_.a/1"],
  ]);
  const shown = await showPrompt("my_flow_.a", { trackingUri: `sqlite:///${dir.path}/own.db` });
  assertEquals(shown.selected.template, "Shorten {{state.text}}");
  assertEquals(shown.selected.message, `Pushed from ${dir.path}/flow.yaml`);
});

Deno.test("pushWorkflowPrompts() refuses literal text MLflow would read as a placeholder", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/flow.yaml`, workflow(`prompt: "{{{{text}}}} {text}"`));
  const error = await assertRejects(
    () =>
      pushWorkflowPrompts(`${dir.path}/flow.yaml`, { trackingUri: `sqlite:///${dir.path}/x.db` }),
    WorkflowError,
    'Cannot push the prompt of node "a" as its literal text "{{text}}" would be a placeholder',
  );
  assertEquals([error.code, error.nodeId], ["CONFIG_INVALID", "a"]);
  assertEquals([...Deno.readDirSync(dir.path)].map((e) => e.name), ["flow.yaml"]);
});
