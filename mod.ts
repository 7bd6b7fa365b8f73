/**
 * configurable-agents: run LLM agent workflows declared in YAML on LangGraph.js and record every
 * run in MLflow.
 *
 * @module
 */
export { WorkflowSchema } from "./src/config/schema.ts";
export type { NodeConfig, WorkflowConfig, WorkflowInput } from "./src/config/schema.ts";
export { isWorkflowError, WorkflowError } from "./src/errors.ts";
export type { WorkflowErrorCode, WorkflowPhase } from "./src/errors.ts";
