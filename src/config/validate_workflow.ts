/**
 * Semantic validation of a workflow (SPEC section 3): the checks beyond the schema.
 *
 * @module
 */
import { type Diagnostic, sortDiagnostics } from "./diagnostic.ts";
import { type LoadedWorkflow, sourceMapOf } from "./loaded_workflow.ts";
import type { WorkflowConfig } from "./schema.ts";
import { parseSource } from "./_parse_source.ts";
import { SourceMap } from "./_source_map.ts";
import type { PromptSource, ValidationHooks } from "./_check_context.ts";
import { type Check, runChecks, viewOfConfig } from "./_run_checks.ts";
import { checkTools } from "./_check_settings.ts";
import { ownValue } from "./_own_property.ts";

export type { KeyDestination, ValidationHooks } from "./_check_context.ts";

/** Options of {@linkcode validateWorkflow}. */
export interface ValidateWorkflowOptions extends ValidationHooks {
  /**
   * The text the workflow came from, so that diagnostics get lines and columns. A
   * {@linkcode LoadedWorkflow} brings its file name and positions already.
   *
   * @default {undefined}
   */
  source?: { text: string; file?: string | undefined } | undefined;
  /**
   * Prompt templates by node id, for nodes with a `prompt_file` when validating a bare
   * configuration (a {@linkcode LoadedWorkflow} carries its own). Nodes whose prompt is
   * unknown are not checked for placeholders.
   *
   * @default {undefined}
   */
  prompts?: Readonly<Record<string, string>> | undefined;
}

/**
 * Runs the semantic checks of SPEC section 3 on a workflow that passed the schema: graph
 * shape, outputs and their types, template placeholders, route expressions, loop and parallel
 * fields, tools, providers and prices, and the tracking URI. It never calls a model or the
 * network. `loadWorkflow` and `parseWorkflow` already run it; call it to re-check a
 * configuration built or changed in code.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, validateWorkflow } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: echo}
 * state: {fields: {message: {type: str, required: true}, reply: {type: str}}}
 * nodes: [{id: echo, prompt: "Repeat: {state.message}", outputs: [reply]}]
 * edges: [{from: START, to: echo}, {from: echo, to: END}]
 * `);
 * const diagnostics = validateWorkflow(workflow, { toolNames: [] });
 * if (diagnostics.length !== 0) throw new Error("expected a valid workflow");
 * ```
 *
 * @param workflow A loaded workflow, or a parsed configuration.
 * @param options Tool names, a price check, the source text and prompt texts.
 * @returns The errors and warnings found, in file order.
 */
export function validateWorkflow(
  workflow: LoadedWorkflow | WorkflowConfig,
  options: ValidateWorkflowOptions = {},
): Diagnostic[] {
  return validate(workflow, options);
}

/**
 * Checks the tools a loaded workflow names against the tools a run has: the tool check of
 * {@linkcode validateWorkflow} (names exist, each entry's `config` fits its tool), with the
 * positions of the workflow's file. The engine calls it when it compiles a workflow, so that
 * a run accepts exactly the tools `validate` accepts with the same hooks.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow } from "./parse_workflow.ts";
 * import { validateWorkflowTools } from "./validate_workflow.ts";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: search}
 * state: {fields: {topic: {type: str, required: true}, notes: {type: str}}}
 * nodes: [{id: search, prompt: "Search {state.topic}", outputs: [notes], tools: [serch]}]
 * edges: [{from: START, to: search}, {from: search, to: END}]
 * `, { file: "search.yaml" });
 * const [problem] = validateWorkflowTools(workflow, { toolNames: ["search"] });
 * if (problem?.code !== "unknown_tool" || problem.line !== 5) throw new Error();
 * ```
 *
 * @param workflow The loaded workflow.
 * @param hooks The names of the tools that exist, and a check of a tool's settings.
 * @returns The tool problems, in file order.
 */
export function validateWorkflowTools(
  workflow: LoadedWorkflow,
  hooks: Pick<ValidationHooks, "toolNames" | "checkToolConfig">,
): Diagnostic[] {
  return validate(workflow, hooks, [checkTools]);
}

function validate(
  workflow: LoadedWorkflow | WorkflowConfig,
  options: ValidateWorkflowOptions,
  checks?: readonly Check[],
): Diagnostic[] {
  const { source, prompts } = options;
  const loaded = "config" in workflow && "prompts" in workflow ? workflow : undefined;
  const config = loaded ? loaded.config : workflow as WorkflowConfig;
  const file = source?.file ?? loaded?.file;
  const sourceMap = source
    ? parseSource(source.text, file).sourceMap
    : (loaded && sourceMapOf(loaded)) ?? new SourceMap("", file);
  const texts = loaded?.prompts ?? prompts ?? {};
  const promptSources = new Map<number, PromptSource>();
  config.nodes.forEach((node, index) => {
    const text = node.prompt ?? ownValue(texts, node.id);
    if (text !== undefined) promptSources.set(index, { text, file: node.prompt_file });
  });
  return sortDiagnostics(
    runChecks(viewOfConfig(config), promptSources, options, sourceMap, checks),
  );
}
