/**
 * Parses and validates workflow text (YAML or JSON): pure, no I/O.
 *
 * @module
 */
import type { LoadedWorkflow } from "./loaded_workflow.ts";
import type { ValidationHooks } from "./_check_context.ts";
import { analyzeSource } from "./_analyze.ts";
import { parseSource } from "./_parse_source.ts";
import { type SafeParseWorkflowResult, toResult, unwrapResult } from "./_workflow_result.ts";

export type { SafeParseWorkflowResult } from "./_workflow_result.ts";

/** Options of {@linkcode parseWorkflow} and {@linkcode safeParseWorkflow}. */
export interface ParseWorkflowOptions extends ValidationHooks {
  /**
   * The file the text came from, named in every diagnostic.
   *
   * @default {undefined}
   */
  file?: string | undefined;
  /**
   * Text of each `prompt_file`, keyed by the path exactly as the workflow writes it. A node
   * whose prompt file is missing here is an error.
   *
   * @default {{}}
   */
  promptFiles?: Readonly<Record<string, string>> | undefined;
}

/**
 * Parses and validates workflow text: the YAML (or JSON), the schema and every semantic check,
 * all reported at once. Never throws for a bad workflow.
 *
 * @example Usage
 * ```ts
 * import { safeParseWorkflow } from "@configurable-agents/core";
 * const result = safeParseWorkflow("schema_version: '1.0'\nflow: {nmae: x}\n", { file: "w.yaml" });
 * if (result.ok) throw new Error("expected problems");
 * const unknown = result.diagnostics.find((d) => d.code === "unknown_key");
 * if (unknown?.line !== 2 || unknown.suggestion !== "did you mean 'name'?") throw new Error();
 * ```
 *
 * @param text The workflow text.
 * @param options The file name, prompt file texts and validation hooks.
 * @returns The workflow with its warnings, or every diagnostic (errors and warnings).
 */
export function safeParseWorkflow(
  text: string,
  options: ParseWorkflowOptions = {},
): SafeParseWorkflowResult {
  const {
    file,
    promptFiles,
    toolNames,
    isModelPriced,
    checkToolConfig,
    keyDestination,
    registryPrompts,
  } = options;
  const analysis = analyzeSource(parseSource(text, file), {
    promptFiles,
    toolNames,
    isModelPriced,
    checkToolConfig,
    keyDestination,
    registryPrompts,
  });
  return toResult(analysis, file);
}

/**
 * Parses and validates workflow text, throwing when it has errors.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: greet}
 * state: {fields: {name: {type: str, required: true}, greeting: {type: str}}}
 * nodes: [{id: greet, prompt: "Greet {state.name}", outputs: [greeting]}]
 * edges: [{from: START, to: greet}, {from: greet, to: END}]
 * `);
 * if (workflow.config.config.llm.provider !== "google") throw new Error("v0.1 default");
 * ```
 *
 * @param text The workflow text.
 * @param options The file name, prompt file texts and validation hooks.
 * @returns The workflow, defaults applied, with its warnings.
 * @throws {WorkflowError} `CONFIG_INVALID` carrying every diagnostic when there is an error.
 */
export function parseWorkflow(text: string, options: ParseWorkflowOptions = {}): LoadedWorkflow {
  return unwrapResult(safeParseWorkflow(text, options), options.file);
}
