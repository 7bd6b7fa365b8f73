/**
 * The list of semantic checks and how a pass over them runs.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { WorkflowConfig } from "./schema.ts";
import type { SourceMap } from "./_source_map.ts";
import {
  CheckContext,
  type PromptSource,
  type ValidationHooks,
  type WorkflowView,
} from "./_check_context.ts";
import {
  checkEdgeEndpoints,
  checkLoopRounds,
  checkReachability,
  checkUniqueNodeIds,
} from "./_check_graph.ts";
import { checkStateFields } from "./_check_state.ts";
import { checkOutputs } from "./_check_outputs.ts";
import { checkEdgeKinds } from "./_check_edges.ts";
import { checkTemplates } from "./_check_templates.ts";
import { checkModels, checkTools, checkTracking, checkUnsupported } from "./_check_settings.ts";
import { checkEvaluation } from "./_check_evaluation.ts";

/** A semantic check: reports what it finds to the validation pass. */
export type Check = (ctx: CheckContext) => void;

/** Every semantic check, in the order their reports are most useful. */
const CHECKS: readonly Check[] = [
  checkUniqueNodeIds,
  checkEdgeEndpoints,
  checkReachability,
  checkLoopRounds,
  checkStateFields,
  checkOutputs,
  checkEdgeKinds,
  checkTemplates,
  checkTools,
  checkModels,
  checkTracking,
  checkUnsupported,
  checkEvaluation,
];

/**
 * Runs every semantic check on the valid parts of a workflow.
 *
 * @param view The valid parts.
 * @param prompts Prompt templates by node index.
 * @param hooks Tool names and price check.
 * @param sourceMap Positions in the workflow file.
 * @param checks The checks to run.
 * @returns The diagnostics found.
 */
export function runChecks(
  view: WorkflowView,
  prompts: ReadonlyMap<number, PromptSource>,
  hooks: ValidationHooks,
  sourceMap: SourceMap,
  checks: readonly Check[] = CHECKS,
): Diagnostic[] {
  const ctx = new CheckContext(view, prompts, hooks, sourceMap);
  for (const check of checks) check(ctx);
  return ctx.diagnostics;
}

/**
 * The view of a configuration that passed the schema: every part is valid.
 *
 * @param config The configuration.
 * @returns Its view.
 */
export function viewOfConfig(config: WorkflowConfig): WorkflowView {
  return {
    fields: config.state.fields,
    fieldNames: Object.keys(config.state.fields),
    nodes: config.nodes,
    nodeIds: config.nodes.map((node) => node.id),
    edges: config.edges,
    llm: config.config.llm,
    mlflow: config.config.observability?.mlflow,
    hasOptimization: config.optimization !== undefined,
    scorers: config.evaluation?.scorers,
  };
}
