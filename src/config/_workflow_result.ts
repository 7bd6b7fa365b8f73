/**
 * The result of parsing or loading a workflow, and its throwing form.
 *
 * @module
 */
import { WorkflowError } from "../errors.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { type LoadedWorkflow, sealLoadedWorkflow } from "./loaded_workflow.ts";
import type { Analysis } from "./_analyze.ts";

/** The outcome of `safeParseWorkflow` and `safeLoadWorkflow`. */
export type SafeParseWorkflowResult =
  | { readonly ok: true; readonly workflow: LoadedWorkflow }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Turns an analysis into a result.
 *
 * @param analysis The analysis.
 * @param file The workflow file.
 * @returns The result.
 */
export function toResult(analysis: Analysis, file: string | undefined): SafeParseWorkflowResult {
  if (!analysis.config) return { ok: false, diagnostics: analysis.diagnostics };
  return {
    ok: true,
    workflow: sealLoadedWorkflow({
      config: analysis.config,
      prompts: analysis.prompts,
      file,
      warnings: analysis.diagnostics.filter((d) => d.severity === "warning"),
    }, analysis.sourceMap),
  };
}

/**
 * Returns the workflow of a result, or throws its diagnostics.
 *
 * @param result The result.
 * @param file The workflow file, for the message.
 * @returns The workflow.
 * @throws {WorkflowError} `CONFIG_INVALID` carrying every diagnostic.
 */
export function unwrapResult(
  result: SafeParseWorkflowResult,
  file: string | undefined,
): LoadedWorkflow {
  if (result.ok) return result.workflow;
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  throw new WorkflowError(
    "CONFIG_INVALID",
    `Cannot load the workflow${file === undefined ? "" : ` "${file}"`} as it has ${errors} error${
      errors === 1 ? "" : "s"
    }`,
    {
      phase: "validate",
      diagnostics: result.diagnostics,
      hint: "fix the problems listed, then run 'validate' again",
    },
  );
}
