/**
 * `graph <file>`: prints a Mermaid flowchart of a workflow.
 *
 * @module
 */
import { loadWorkflow } from "../config/load_workflow.ts";
import { workflowToMermaid } from "../config/workflow_to_mermaid.ts";
import type { CliIO } from "./io.ts";
import type { GraphOptions } from "./options.ts";
import { cliValidationContext } from "./_validation_context.ts";

/**
 * Runs `graph`: loads and validates the workflow, then prints its Mermaid flowchart.
 *
 * @param file The workflow file.
 * @param options `--direction` and the global options.
 * @param io The outside world.
 * @returns 0.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` or `CONFIG_INVALID` (exit 2, rendered by `main`).
 */
export async function graphCommand(
  file: string,
  options: GraphOptions,
  io: CliIO,
): Promise<number> {
  const workflow = await loadWorkflow(file, {
    readTextFile: (path, options) => io.readTextFile(path, options),
    ...(await cliValidationContext(io)),
  });
  io.stdout(workflowToMermaid(workflow.config, { direction: options.direction }));
  return 0;
}
