/**
 * Workflow files written for the original Python project's v0.1 run unchanged with the mock
 * model and end with state of the declared types.
 */
import { runWorkflow } from "../../src/runtime/run_workflow.ts";
import { loadRunnableWorkflow } from "../../src/runtime/load_runnable_workflow.ts";
import { createStateModel } from "../../src/engine/state_model.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { stopReasonOf } from "../../src/engine/stop_reason.ts";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { sampleInputs } from "../_helpers/sample_inputs.ts";

const DIR = new URL("../fixtures/workflows/v0_1/", import.meta.url);

for (const entry of [...Deno.readDirSync(DIR)].sort((a, b) => a.name.localeCompare(b.name))) {
  Deno.test(`runWorkflow() runs the v0.1 file ${entry.name} with --mock into declared types`, async () => {
    const path = new URL(entry.name, DIR).pathname;
    const loaded = await loadRunnableWorkflow(path);
    const fields = loaded.config.state.fields;
    const inputs = sampleInputs(fields);

    // Seed 0 is the CLI's default.
    const result = await runWorkflow(loaded, inputs, { mock: true, seed: 0, tracker: false });

    assertEquals(result.metadata.status, "success");
    assertEquals(Object.keys(result.state).sort(), Object.keys(fields).sort());
    const model = createStateModel(fields);
    for (const node of loaded.config.nodes) {
      for (const output of node.outputs) {
        const value = result.state[output];
        assert(value !== null && value !== undefined, `output "${output}" of "${node.id}" is set`);
      }
    }
    for (const [name, field] of Object.entries(model.fields)) {
      const parsed = field.inputSchema.safeParse(result.state[name]);
      assert(
        parsed.success,
        `state "${name}" is a ${field.type.kind}: ${JSON.stringify(result.state[name])}`,
      );
    }
    assert(result.metadata.usage.total_tokens > 0);
  });
}

Deno.test("runWorkflow() stops an unbounded v0.1 route loop at the recursion limit", async () => {
  // conditional_review.yaml routes back to write_node until a score of 8 or more: nothing
  // bounds it but recursion_limit. With seed 7 the mock's scores stay below 8 for 12 rounds.
  const loaded = await loadRunnableWorkflow(new URL("conditional_review.yaml", DIR).pathname);
  const error = await assertRejects(
    () => runWorkflow(loaded, { topic: "tide pools" }, { mock: true, seed: 7, tracker: false }),
    Error,
    "took more than 25 steps",
  );
  assert(isWorkflowError(error));
  assertEquals(stopReasonOf(error), "recursion_limit");
});
