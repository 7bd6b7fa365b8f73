/**
 * The runtime's entry points that `run`, `evaluate` and `permissions` import only after their flags are
 * checked: loading them loads LangChain, so a usage error never waits for it.
 *
 * @module
 */
export { loadRunnableWorkflow } from "../runtime/load_runnable_workflow.ts";
export { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
export { resolveTrackingDestination } from "../tracking/tracking_destination.ts";
export { runWorkflow } from "../runtime/run_workflow.ts";
export { runBatch } from "../runtime/run_batch.ts";
export { readJsonLines } from "../runtime/read_json_lines.ts";
export { flushTracking } from "../runtime/flush_tracking.ts";
export { permissionFlags, workflowPermissions } from "../runtime/workflow_permissions.ts";
export { evaluateWorkflow } from "../runtime/evaluate_workflow.ts";
export { loadDataset } from "../runtime/load_dataset.ts";
