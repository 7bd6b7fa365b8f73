/**
 * `provider: mock` in a workflow and a mock run (`run --mock`, `mock: true`) both answer with
 * the mock model, seeded by the run's seed; they differ in one way: a mock run never calls a
 * tool for real (it gets placeholders), while a node with `provider: mock` calls its tools.
 */
import { z } from "zod";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { MockChatModel, type MockChatModelOptions } from "../../src/llm/mock_chat_model.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import { assertEquals, assertNotEquals } from "../_helpers/assert.ts";
import { loadWorkflow, registryWith, runOnce, testDeps } from "./_fakes.ts";

function counter() {
  const calls: string[] = [];
  const tool = defineTool({
    name: "lookup",
    description: "Looks a word up",
    parameters: z.object({ word: z.string() }),
    invoke: ({ word }) => {
      calls.push(word);
      return Promise.resolve({ meaning: `meaning of ${word}` });
    },
  });
  return { tool, calls };
}

const workflow: WorkflowInput = {
  schema_version: "1.0",
  flow: { name: "define" },
  state: { fields: { word: { type: "str", required: true }, meaning: { type: "str" } } },
  nodes: [{
    id: "define",
    prompt: "Define {word}",
    outputs: ["meaning"],
    tools: ["lookup"],
    llm: { provider: "mock", model: "gpt-4o-mini" },
  }],
  edges: [{ from: "START", to: "define" }, { from: "define", to: "END" }],
};

Deno.test("a provider: mock node calls its tools for real; a mock run never does", async () => {
  const real = counter();
  await runOnce(loadWorkflow(workflow), { word: "tide" }, {
    deps: testDeps({ tools: registryWith(real.tool) }),
  });
  assertEquals(real.calls.length, 1);
  const mocked = counter();
  await runOnce(loadWorkflow(workflow), { word: "tide" }, {
    deps: testDeps({ tools: registryWith(mocked.tool) }),
    mock: true,
  });
  assertEquals(mocked.calls, []);
});

Deno.test("a provider: mock node follows the run's seed and mock model settings like a mock run", async () => {
  const seen: MockChatModelOptions[] = [];
  const run = async (seed: number) => {
    const { tool } = counter();
    const result = await runOnce(loadWorkflow(workflow), { word: "tide" }, {
      deps: testDeps({
        tools: registryWith(tool),
        createMockChatModel: (options) => (seen.push(options), new MockChatModel(options)),
      }),
      seed,
    });
    return result.state.meaning;
  };
  const [first, again, other] = [await run(1), await run(1), await run(2)];
  assertEquals(first, again);
  assertNotEquals(first, other);
  assertEquals(seen.length, 3);
  assertEquals(seen.map((options) => options.modelName), [
    "gpt-4o-mini",
    "gpt-4o-mini",
    "gpt-4o-mini",
  ]);
});
