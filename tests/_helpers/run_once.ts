/**
 * `runOnce`: compile a workflow and run it once, what most engine and fault tests need.
 *
 * @module
 */
import type { LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import { compileWorkflow } from "../../src/engine/compile_workflow.ts";
import type { EngineDeps, RunOptions, RunResult } from "../../src/engine/engine_types.ts";

/**
 * Compiles a workflow with `options.deps` and runs it once (a compile error rejects too).
 *
 * @param workflow The loaded workflow.
 * @param inputs The run's inputs.
 * @param options The collaborators, and the options of the run.
 * @returns The run's result.
 */
export async function runOnce(
  workflow: LoadedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  options: RunOptions & { deps: EngineDeps },
): Promise<RunResult> {
  const { deps, ...runOptions } = options;
  return await compileWorkflow(workflow, deps).run(inputs, runOptions);
}
