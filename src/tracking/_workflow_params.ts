/**
 * The params an MLflow run of a workflow carries, the same for the run of one execution and
 * the run of a batch or an evaluation.
 *
 * @module
 */
import type { RunStart } from "./tracer.ts";

/** What the params are made of. */
export type WorkflowParamsSource =
  & Pick<RunStart, "workflowName" | "workflowVersion" | "provider" | "model">
  & { schemaVersion?: string | undefined; nodeCount?: number | undefined };

/**
 * `workflow_name`, `workflow_version`, `provider`, `model`, `schema_version` and, when known,
 * `node_count`.
 *
 * @param workflow The workflow.
 * @returns The params.
 */
export function workflowParams(workflow: WorkflowParamsSource): Record<string, string> {
  const params: Record<string, string> = {
    workflow_name: workflow.workflowName,
    workflow_version: workflow.workflowVersion ?? "unversioned",
    provider: workflow.provider,
    model: workflow.model,
    schema_version: workflow.schemaVersion ?? "1.0",
  };
  if (workflow.nodeCount !== undefined) params.node_count = String(workflow.nodeCount);
  return params;
}
