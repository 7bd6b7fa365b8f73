/**
 * A workflow that parsed and validated, with its prompt templates resolved.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { WorkflowConfig } from "./schema.ts";

/** A parsed, validated workflow ready to compile. */
export interface LoadedWorkflow {
  /** The configuration, defaults applied. */
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
