/**
 * A workflow that passed every check, with its prompt templates resolved: the only form of a
 * workflow the engine accepts. Only the validator makes one (`parseWorkflow`, `loadWorkflow`,
 * `prepareWorkflow` and their safe forms), so holding one is proof that the checks passed —
 * the engine compiles it without checking it again, and `validate` and `run` cannot disagree.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { WorkflowConfig } from "./schema.ts";
import type { SourceMap } from "./_source_map.ts";

/**
 * The brand of a {@linkcode LoadedWorkflow}: a symbol only the validator sets (as a hidden,
 * read-only property), so an object built by hand has neither the type nor the mark.
 */
export const VALIDATED: unique symbol = Symbol("configurable-agents.validated");

/** A parsed, validated workflow ready to compile. */
export interface LoadedWorkflow {
  /** The configuration, defaults applied (frozen: a change would void the checks). */
  readonly config: WorkflowConfig;
  /** Prompt template of every node by node id (`prompt`, or the text of `prompt_file`). */
  readonly prompts: Readonly<Record<string, string>>;
  /** The file it came from, when it came from a file. */
  readonly file: string | undefined;
  /** Warnings found while validating (errors would have stopped the load). */
  readonly warnings: readonly Diagnostic[];
  /**
   * The registry prompt each node whose `prompt` is a `prompts:/...` URI uses, once resolved
   * (`prompts` then holds its template); absent until then.
   */
  readonly registryPrompts?: Readonly<Record<string, RegistryPromptUse>> | undefined;
  /** Set by the validator only: the proof that every check passed. */
  readonly [VALIDATED]: true;
}

/** The registry prompt version a node uses. */
export interface RegistryPromptUse {
  /** The URI as the node names it (`prompts:/summarizer@production`). */
  readonly uri: string;
  /** The prompt's name. */
  readonly name: string;
  /** The version the URI resolved to when the run started. */
  readonly version: number;
}

/** Where each loaded workflow was written, for positions in later diagnostics. */
const SOURCES = new WeakMap<object, SourceMap>();

/**
 * Whether a value is a workflow the validator produced (and not a copy or a hand-built
 * object).
 *
 * @example Usage
 * ```ts
 * import { isLoadedWorkflow, parseWorkflow } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: echo}
 * state: {fields: {message: {type: str, required: true}, reply: {type: str}}}
 * nodes: [{id: echo, prompt: "Repeat: {state.message}", outputs: [reply]}]
 * edges: [{from: START, to: echo}, {from: echo, to: END}]
 * `);
 * if (!isLoadedWorkflow(workflow)) throw new Error("parseWorkflow validates");
 * if (isLoadedWorkflow({ ...workflow })) throw new Error("a copy is not validated");
 * ```
 *
 * @param value Anything.
 * @returns `true` when the validator made it.
 */
export function isLoadedWorkflow(value: unknown): value is LoadedWorkflow {
  return typeof value === "object" && value !== null && Object.hasOwn(value, VALIDATED);
}

/**
 * Makes a loaded workflow from parts that passed every check: freezes the configuration (all
 * but the default values of state fields, which become run state) and sets the brand. Only the
 * validator calls it; it is not exported from the package.
 *
 * @param parts The checked configuration, its prompts, file and warnings.
 * @param sourceMap Where the configuration was written.
 * @returns The loaded workflow.
 */
export function sealLoadedWorkflow(
  parts: Omit<LoadedWorkflow, typeof VALIDATED>,
  sourceMap: SourceMap,
): LoadedWorkflow {
  const workflow = {
    config: freezeConfig(parts.config),
    prompts: Object.freeze({ ...parts.prompts }),
    file: parts.file,
    warnings: Object.freeze([...parts.warnings]),
    ...(parts.registryPrompts === undefined
      ? {}
      : { registryPrompts: deepFreeze({ ...parts.registryPrompts }) }),
  };
  Object.defineProperty(workflow, VALIDATED, { value: true });
  SOURCES.set(workflow, sourceMap);
  return Object.freeze(workflow) as LoadedWorkflow;
}

/**
 * Where a loaded workflow was written, for positions in diagnostics about it.
 *
 * @param workflow The loaded workflow.
 * @returns Its source map, when the validator made it.
 */
export function sourceMapOf(workflow: LoadedWorkflow): SourceMap | undefined {
  return SOURCES.get(workflow);
}

function freezeConfig(config: WorkflowConfig): WorkflowConfig {
  for (const field of Object.values(config.state.fields)) {
    for (const [key, value] of Object.entries(field)) if (key !== "default") deepFreeze(value);
    Object.freeze(field);
  }
  Object.freeze(config.state.fields);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}
