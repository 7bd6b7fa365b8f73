/**
 * The engine: compiles a workflow onto a LangGraph.js `StateGraph` and runs it — templates,
 * typed state, structured outputs, a real tool-call loop, retries, timeouts, budget, routes,
 * loops and parallel fan-out — recording every node, LLM call and tool call through a
 * `Tracer`. It touches no global I/O: everything comes in through {@linkcode EngineDeps}.
 *
 * @module
 */
export { executeWorkflow } from "./execute_workflow.ts";
export { compileWorkflow } from "./compile_workflow.ts";
export type { CompiledRunOptions, CompiledWorkflow } from "./compile_workflow.ts";
export { MAX_TOOL_ROUNDS } from "./engine_types.ts";
export type {
  EngineDeps,
  EngineEvent,
  ExecuteOptions,
  NodeExecution,
  PricedAs,
  RunDeps,
  RunMetadata,
  RunResult,
  RunStatus,
  ToolLookup,
} from "./engine_types.ts";
export {
  resolveInputs,
  resolveTemplate,
  resolveTemplateValue,
  TemplateReferenceError,
} from "./resolve_template.ts";
export type { TemplateScope } from "./resolve_template.ts";
export { typeSchema } from "./type_schema.ts";
export type { TypeSchemaOptions } from "./type_schema.ts";
export { createStateModel, initialState } from "./state_model.ts";
export type { StateFieldModel, StateModel } from "./state_model.ts";
export { createOutputModel } from "./output_model.ts";
export type { OutputCheck, OutputModel, OutputTarget } from "./output_model.ts";
export { stopReasonOf } from "./stop_reason.ts";
