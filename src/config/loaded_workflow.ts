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
}
