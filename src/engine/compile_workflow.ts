/**
 * `compileWorkflow`: checks what the graph of a workflow needs and compiles it onto
 * LangGraph, once, so it can run many times.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { compileGraph } from "./_compile_graph.ts";
import { runCompiledWorkflow } from "./_run_workflow.ts";
import type { EngineDeps, ExecuteOptions, RunResult } from "./engine_types.ts";
import type { StateModel } from "./state_model.ts";

/** Options of one run of a compiled workflow: those of `executeWorkflow` but the deps. */
export type CompiledRunOptions = Omit<ExecuteOptions, "deps">;

/** A workflow compiled onto LangGraph, ready to run. */
export interface CompiledWorkflow {
  /** The workflow. */
  readonly workflow: LoadedWorkflow;
  /** Its state model (types and defaults of the state fields). */
  readonly state: StateModel;
  /** Its node ids, in declaration order. */
  readonly nodeIds: readonly string[];
  /**
   * Runs the workflow once.
   *
   * @param inputs The run's inputs by state field.
   * @param options Tracer, mock mode, seed, signal, events.
   * @returns The final state and metadata.
   * @throws {WorkflowError} What stopped the run.
   */
  run(inputs: Readonly<Record<string, unknown>>, options?: CompiledRunOptions): Promise<RunResult>;
}

/**
 * Compiles a loaded workflow: every problem the graph would meet (unknown node references, a
 * missing START edge, unknown tools, outputs without a state field, route conditions that do
 * not parse or read unknown fields, loop and parallel fields of the wrong type) is reported at
 * once, before any model is called.
 *
 * @example Usage
 * ```ts
 * import { compileWorkflow } from "./compile_workflow.ts";
 * import { WorkflowSchema } from "../config/schema.ts";
 * import { isWorkflowError } from "../errors.ts";
 * const config = WorkflowSchema.parse({
 *   schema_version: "1.0",
 *   flow: { name: "broken" },
 *   state: { fields: { topic: { type: "str" } } },
 *   nodes: [{ id: "write", prompt: "Write about {topic}", outputs: ["topic"] }],
 *   edges: [{ from: "START", to: "wirte" }],
 * });
 * const loaded = { config, prompts: { write: "Write about {topic}" }, file: undefined, warnings: [] };
 * try {
 *   compileWorkflow(loaded, {});
 *   throw new Error("expected a build error");
 * } catch (error) {
 *   if (!isWorkflowError(error) || error.code !== "GRAPH_BUILD_FAILED") throw error;
 *   if (!error.message.includes("did you mean 'write'?")) throw error;
 * }
 * ```
 *
 * @param loaded The loaded workflow.
 * @param deps The engine's collaborators (`tools` is needed to compile; the rest to run).
 * @returns The compiled workflow.
 * @throws {WorkflowError} `GRAPH_BUILD_FAILED` (phase `build`) with every problem in
 * `diagnostics`.
 */
export function compileWorkflow(
  loaded: LoadedWorkflow,
  deps: Partial<EngineDeps>,
): CompiledWorkflow {
  const parts = compileGraph(loaded, deps);
  return {
    workflow: loaded,
    state: parts.state,
    nodeIds: [...parts.plans.keys()],
    run: (inputs, options = {}) =>
      runCompiledWorkflow(loaded, () => parts, inputs, { ...options, deps: deps as EngineDeps }),
  };
}
