/**
 * Validates a workflow built in code (an object, not text): the same checks as
 * `parseWorkflow`, giving the {@linkcode LoadedWorkflow} the engine accepts.
 *
 * @module
 */
import type { LoadedWorkflow } from "./loaded_workflow.ts";
import { analyzeSource } from "./_analyze.ts";
import type { ParsedSource } from "./_parse_source.ts";
import { SourceMap } from "./_source_map.ts";
import type { ParseWorkflowOptions } from "./parse_workflow.ts";
import { type SafeParseWorkflowResult, toResult, unwrapResult } from "./_workflow_result.ts";

/** Options of {@linkcode prepareWorkflow} and {@linkcode safePrepareWorkflow}. */
export type PrepareWorkflowOptions = ParseWorkflowOptions;

/**
 * Validates a workflow object (as written in a file, or a parsed `WorkflowConfig`): the
 * schema and every semantic check, all reported at once, without positions (there is no
 * text). Never throws for a bad workflow.
 *
 * @example Usage
 * ```ts
 * import { safePrepareWorkflow } from "@configurable-agents/core";
 * const result = safePrepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "echo" },
 *   state: { fields: { message: { type: "str", required: true }, reply: { type: "str" } } },
 *   nodes: [{ id: "echo", prompt: "Repeat: {state.message}", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "ehco" }, { from: "echo", to: "END" }],
 * });
 * if (result.ok) throw new Error("expected the misspelt node to be reported");
 * if (result.diagnostics[0]?.suggestion !== "did you mean 'echo'?") throw new Error();
 * ```
 *
 * @param workflow The workflow object.
 * @param options The file name for diagnostics, prompt file texts and validation hooks.
 * @returns The workflow with its warnings, or every diagnostic (errors and warnings).
 */
export function safePrepareWorkflow(
  workflow: unknown,
  options: PrepareWorkflowOptions = {},
): SafeParseWorkflowResult {
  const analysis = analyzeSource(sourceOfValue(workflow, options.file), options);
  return toResult(analysis, options.file);
}

/**
 * Validates a workflow object (as written in a file, or a parsed `WorkflowConfig`), throwing
 * when it has errors: the way to run a workflow built in code.
 *
 * @example Usage
 * ```ts
 * import { prepareWorkflow, runWorkflow } from "@configurable-agents/core";
 * const workflow = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "greet" },
 *   state: { fields: { name: { type: "str", required: true }, greeting: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Greet {state.name}", outputs: ["greeting"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const result = await runWorkflow(workflow, { name: "Ada" }, { mock: true, tracker: false });
 * if (typeof result.state.greeting !== "string") throw new Error();
 * ```
 *
 * @param workflow The workflow object.
 * @param options The file name for diagnostics, prompt file texts and validation hooks.
 * @returns The workflow, defaults applied, with its warnings.
 * @throws {WorkflowError} `CONFIG_INVALID` carrying every diagnostic when there is an error.
 */
export function prepareWorkflow(
  workflow: unknown,
  options: PrepareWorkflowOptions = {},
): LoadedWorkflow {
  return unwrapResult(safePrepareWorkflow(workflow, options), options.file);
}

function sourceOfValue(value: unknown, file: string | undefined): ParsedSource {
  const sourceMap = new SourceMap("", file);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return { value, sourceMap, diagnostics: [], ok: true };
  }
  const found = Array.isArray(value)
    ? "a list"
    : value === null || value === undefined
    ? String(value)
    : `a ${typeof value}`;
  return {
    value: undefined,
    sourceMap,
    diagnostics: [{
      severity: "error",
      code: "not_a_mapping",
      message:
        `Cannot prepare the workflow as it is ${found}: a workflow is an object with schema_version, flow, state, nodes and edges`,
      path: [],
      ...(file === undefined ? {} : { file }),
    }],
    ok: false,
  };
}
