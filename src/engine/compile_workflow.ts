/**
 * `compileWorkflow`: builds a validated workflow onto LangGraph, once, so that it can run many
 * times.
 *
 * @module
 */
import { isLoadedWorkflow, type LoadedWorkflow } from "../config/loaded_workflow.ts";
import { validateWorkflowTools } from "../config/validate_workflow.ts";
import { isPromptUri } from "../config/prompt_uri.ts";
import { WorkflowError } from "../errors.ts";
import { runWorkflowGraph } from "./_run_graph.ts";
import { buildWorkflowGraph } from "./_workflow_graph.ts";
import type { EngineDeps, RunOptions, RunResult, ToolLookup } from "./engine_types.ts";
import type { StateModel } from "./state_model.ts";
import { toolValidationHooks } from "./tool_validation_hooks.ts";

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
   * @throws {WorkflowError} `INPUT_INVALID` (phase `input`), or, in phase `execute` with the
   * node id, `LLM_REQUEST_FAILED`, `LLM_OUTPUT_INVALID`, `TOOL_FAILED`, `TIMEOUT`,
   * `BUDGET_EXCEEDED`, `CANCELLED`, `NODE_FAILED`, `MISSING_CREDENTIALS`.
   * @throws {TypeError} Inputs that are not an object.
   * @throws {RangeError} A seed that is not a finite number.
   */
  run(inputs: Readonly<Record<string, unknown>>, options?: RunOptions): Promise<RunResult>;
}

const NO_TOOLS: ToolLookup = { get: () => undefined, names: () => [] };

/**
 * Compiles a validated workflow with the collaborators of its runs. The workflow's graph rules
 * were checked when it was loaded (only the validator makes a {@linkcode LoadedWorkflow}), so
 * nothing is checked again but what depends on these collaborators: the tools the nodes name
 * must be among `deps.tools`, with settings they accept — the same check `validate` runs with
 * the same tools, reported with the same positions.
 *
 * @example Usage
 * ```ts
 * import { compileWorkflow } from "./compile_workflow.ts";
 * import { prepareWorkflow } from "../config/prepare_workflow.ts";
 * import { FakeListChatModel } from "@langchain/core/utils/testing";
 * const workflow = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { name: { type: "str", required: true }, greeting: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Greet {state.name}", outputs: ["greeting"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const model = () => new FakeListChatModel({ responses: ['{"greeting": "Hello, Ada"}'] });
 * const compiled = compileWorkflow(workflow, {
 *   createChatModel: () => Promise.resolve(model()),
 *   env: () => undefined,
 *   fetch: () => Promise.reject(new Error("offline")),
 *   readTextFile: () => Promise.reject(new Error("no files")),
 *   writeTextFile: () => Promise.reject(new Error("no files")),
 *   now: () => 0,
 * });
 * const result = await compiled.run({ name: "Ada" });
 * if (result.state.greeting !== "Hello, Ada") throw new Error(String(result.state.greeting));
 * ```
 *
 * @param workflow The validated workflow (from `loadWorkflow`, `parseWorkflow` or
 * `prepareWorkflow`).
 * @param deps The collaborators of its runs.
 * @returns The compiled workflow.
 * @throws {WorkflowError} `CONFIG_INVALID` (phase `validate`) carrying every diagnostic when
 * a node names a tool `deps.tools` lacks, or settings the tool refuses; or when a node's
 * `prompts:/...` URI was not looked up in the registry (see `resolveWorkflowPrompts`).
 * @throws {TypeError} When `workflow` was not made by the validator, or `deps` lacks `env` or
 * `now`.
 */
export function compileWorkflow(workflow: LoadedWorkflow, deps: EngineDeps): CompiledWorkflow {
  checkArguments(workflow, deps);
  checkPromptsResolved(workflow);
  const tools = deps.tools ?? NO_TOOLS;
  const problems = validateWorkflowTools(workflow, toolValidationHooks(tools));
  const errors = problems.filter((problem) => problem.severity === "error").length;
  if (errors > 0) {
    const file = workflow.file === undefined ? "" : ` "${workflow.file}"`;
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot compile the workflow${file} with the tools of this run as it has ${errors} error${
        errors === 1 ? "" : "s"
      }`,
      {
        phase: "validate",
        diagnostics: problems,
        hint: "register the tools the workflow names, or fix their settings",
      },
    );
  }
  const graph = buildWorkflowGraph(workflow, tools);
  const compiled = { loaded: workflow, graph, deps };
  return {
    workflow,
    state: graph.state,
    nodeIds: [...graph.plans.keys()],
    run: (inputs, options = {}) => runWorkflowGraph(compiled, inputs, options),
  };
}

function checkArguments(workflow: unknown, deps: EngineDeps): void {
  if (!isLoadedWorkflow(workflow)) {
    throw new TypeError(
      "Cannot compile the workflow as it was not made by the validator: pass the configuration through prepareWorkflow(), or load it with loadWorkflow() or parseWorkflow()",
    );
  }
  for (const name of ["env", "now"] as const) {
    if (typeof deps?.[name] !== "function") {
      throw new TypeError(`Cannot compile the workflow as deps.${name} is not a function`);
    }
  }
}

/** A node whose prompt names the registry runs only once the URI was looked up. */
function checkPromptsResolved(workflow: LoadedWorkflow): void {
  const node = workflow.config.nodes.find((node) =>
    node.prompt !== undefined && isPromptUri(node.prompt) &&
    workflow.registryPrompts?.[node.id] === undefined
  );
  if (node === undefined) return;
  throw new WorkflowError(
    "CONFIG_INVALID",
    `Cannot compile node "${node.id}" as its prompt "${node.prompt?.trim()}" was not looked up in the prompt registry`,
    {
      phase: "validate",
      nodeId: node.id,
      hint:
        "run it with runWorkflow or runBatch, which look it up, or pass it through resolveWorkflowPrompts first",
    },
  );
}
