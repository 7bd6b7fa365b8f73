/**
 * The configuration area: the schema of workflow files, their loader (YAML or JSON, with
 * source positions), the semantic validator, the JSON Schema for editors and the Mermaid
 * diagram, plus the small languages of the file (types, templates, route expressions).
 * It depends on no other area and does no I/O of its own.
 *
 * @example Usage
 * ```ts
 * import { safeParseWorkflow } from "./mod.ts";
 * const result = safeParseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: echo}
 * state: {fields: {message: {type: str, required: true}, reply: {type: str}}}
 * nodes: [{id: echo, prompt: "Repeat: {state.mesage}", outputs: [reply]}]
 * edges: [{from: START, to: echo}, {from: echo, to: END}]
 * `, { file: "echo.yaml" });
 * if (result.ok) throw new Error("expected a problem");
 * const [problem] = result.diagnostics;
 * if (problem?.suggestion !== "did you mean 'message'?" || problem.line !== 5) throw new Error();
 * ```
 *
 * @module
 */
export * from "./schema.ts";
export { loadWorkflow, type LoadWorkflowOptions, safeLoadWorkflow } from "./load_workflow.ts";
export {
  parseWorkflow,
  type ParseWorkflowOptions,
  safeParseWorkflow,
  type SafeParseWorkflowResult,
} from "./parse_workflow.ts";
export {
  prepareWorkflow,
  type PrepareWorkflowOptions,
  safePrepareWorkflow,
} from "./prepare_workflow.ts";
export {
  type KeyDestination,
  validateWorkflow,
  type ValidateWorkflowOptions,
  validateWorkflowTools,
  type ValidationHooks,
} from "./validate_workflow.ts";
export {
  isLoadedWorkflow,
  type LoadedWorkflow,
  type RegistryPromptUse,
  type VALIDATED,
} from "./loaded_workflow.ts";
export {
  applyRegistryPrompts,
  fromRegistryTemplate,
  type RegistryPromptLookup,
  registryPromptUris,
} from "./registry_prompts.ts";
export {
  formatPromptUri,
  isPromptUri,
  LATEST_ALIAS,
  parsePromptUri,
  type PromptUri,
} from "./prompt_uri.ts";
export { promptFilePath } from "./prompt_file_path.ts";
export {
  type Diagnostic,
  formatJsonPath,
  type JsonPath,
  sortDiagnostics,
  toJsonPath,
} from "./diagnostic.ts";
export { workflowJsonSchema } from "./json_schema.ts";
export { workflowToMermaid, type WorkflowToMermaidOptions } from "./workflow_to_mermaid.ts";
export { renderRunName, RUN_NAME_PLACEHOLDERS, type RunNameValues } from "./run_name.ts";
export { closestName, type ClosestNameOptions, quoteList, suggestName } from "./suggest.ts";
export {
  formatTypeExpression,
  isAssignableType,
  parseTypeExpression,
  TYPE_NAMES,
  type TypeExpression,
  TypeSyntaxError,
} from "./type_expression.ts";
export {
  parseTemplate,
  singlePlaceholder,
  type TemplatePlaceholder,
  templatePlaceholders,
  type TemplateSegment,
  type TemplateText,
} from "./template.ts";
export {
  type ComparisonOperator,
  evaluateExpression,
  type Expression,
  ExpressionEvaluationError,
  expressionFields,
  ExpressionSyntaxError,
  formatExpression,
  parseExpression,
} from "./expression.ts";
