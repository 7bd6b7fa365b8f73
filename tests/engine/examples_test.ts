import { loadWorkflow } from "../../src/config/load_workflow.ts";
import { createStateModel } from "../../src/engine/state_model.ts";
import { createToolRegistry } from "../../src/tools/tool_registry.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { sampleValue } from "../_helpers/sample_inputs.ts";
import { runOnce, testDeps } from "./_fakes.ts";

const EXAMPLES = new URL("../../examples/", import.meta.url);

const files = [...Deno.readDirSync(EXAMPLES)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".yaml"))
  .map((entry) => entry.name)
  .sort();

Deno.test("the examples directory has workflows to run", () => {
  assert(files.length > 0);
});

for (const name of files) {
  Deno.test(`compileWorkflow().run() runs examples/${name} with mock and state of the declared types`, async () => {
    const tools = createToolRegistry();
    const loaded = await loadWorkflow(new URL(name, EXAMPLES).pathname, {
      readTextFile: (path) => Deno.readTextFile(path),
      toolNames: [...tools.names()],
    });
    const model = createStateModel(loaded.config.state.fields);
    const inputs: Record<string, unknown> = {};
    for (const field of Object.values(model.fields)) {
      if (field.required) inputs[field.name] = sampleValue(field.type, field.objectSchema);
    }
    const result = await runOnce(loaded, inputs, {
      deps: testDeps({
        tools,
        createChatModel: () => Promise.reject(new Error("mock runs build no real model")),
      }),
      mock: true,
      seed: 1,
    });
    for (const field of Object.values(model.fields)) {
      const value = result.state[field.name];
      const checked = field.schema.safeParse(value);
      assert(checked.success, `${name}: ${field.name} = ${JSON.stringify(value)}`);
    }
    assert(result.metadata.nodeExecutions.every((e) => e.status === "success" && e.llmCalls > 0));
  });
}

Deno.test("examples/writer_critic.yaml ends its loop by approval or max_iterations, and says which", async () => {
  const loaded = await loadWorkflow(new URL("writer_critic.yaml", EXAMPLES).pathname, {
    readTextFile: (path) => Deno.readTextFile(path),
  });
  for (let seed = 0; seed < 8; seed++) {
    const result = await runOnce(loaded, { topic: "tide pools" }, {
      deps: testDeps({ createChatModel: () => Promise.reject(new Error("mock runs only")) }),
      mock: true,
      seed,
    });
    const [loop, ...others] = result.metadata.loops;
    assert(loop && others.length === 0, `seed ${seed}: one loop end`);
    const critics = result.metadata.nodeExecutions.filter((e) => e.nodeId === "critic");
    assertEquals(critics.map((e) => e.round), critics.map((_, index) => index + 1));
    assertEquals(loop.rounds, critics.length);
    assertEquals(loop.stoppedBy === "condition", result.state.approved === true, `seed ${seed}`);
    if (loop.stoppedBy === "max_iterations") assertEquals(loop.rounds, 3);
    else assert(loop.rounds <= 3);
  }
});
