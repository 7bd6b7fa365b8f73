/**
 * `executeWorkflow`: compile a loaded workflow onto LangGraph and run it once.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { compileGraph } from "./_compile_graph.ts";
import { runCompiledWorkflow } from "./_run_workflow.ts";
import type { ExecuteOptions, RunResult } from "./engine_types.ts";

/**
 * Runs a workflow: validates the inputs against the state types, compiles the graph, runs it
 * on LangGraph with the collaborators in `options.deps`, and returns the final state (plain
 * JSON, declared fields only) with the run's metadata. The tracer sees the start and the end
 * of the run in every outcome, failures included.
 *
 * @example Usage
 * ```ts
 * import { executeWorkflow } from "./execute_workflow.ts";
 * import { WorkflowSchema } from "../config/schema.ts";
 * import { FakeListChatModel } from "@langchain/core/utils/testing";
 * const config = WorkflowSchema.parse({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { name: { type: "str", required: true }, greeting: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Greet {name}", outputs: ["greeting"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const model = () => new FakeListChatModel({ responses: ['{"greeting": "Hello, Ada"}'] });
 * const result = await executeWorkflow(
 *   { config, prompts: { greet: "Greet {name}" }, file: undefined, warnings: [] },
 *   { name: "Ada" },
 *   {
 *     deps: {
 *       createChatModel: () => Promise.resolve(model()),
 *       createMockChatModel: model,
 *       env: () => undefined,
 *       fetch: () => Promise.reject(new Error("offline")),
 *       readTextFile: () => Promise.reject(new Error("no files")),
 *       writeTextFile: () => Promise.reject(new Error("no files")),
 *       now: () => 0,
 *     },
 *   },
 * );
 * if (result.state.greeting !== "Hello, Ada") throw new Error(String(result.state.greeting));
 * ```
 *
 * @param loaded The loaded workflow.
 * @param inputs The run's inputs by state field.
 * @param options Collaborators, tracer, mock mode, seed, signal and progress events.
 * @returns The final state and the run metadata (status, duration, usage, cost, ids, node
 * executions).
 * @throws {WorkflowError} `INPUT_INVALID` (phase `input`), `GRAPH_BUILD_FAILED` (phase
 * `build`), or, in phase `execute` with the node id, `LLM_REQUEST_FAILED`,
 * `LLM_OUTPUT_INVALID`, `TOOL_FAILED`, `TIMEOUT`, `BUDGET_EXCEEDED`, `CANCELLED`,
 * `NODE_FAILED`, `MISSING_CREDENTIALS`.
 * @throws {TypeError} When the options are malformed.
 */
export function executeWorkflow(
  loaded: LoadedWorkflow,
  inputs: Readonly<Record<string, unknown>>,
  options: ExecuteOptions,
): Promise<RunResult> {
  return runCompiledWorkflow(loaded, () => compileGraph(loaded, options.deps), inputs, options);
}
