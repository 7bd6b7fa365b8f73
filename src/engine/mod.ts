/**
 * The engine: compiles a validated workflow onto a LangGraph.js `StateGraph`
 * ({@linkcode compileWorkflow}) and runs it as often as needed (`CompiledWorkflow.run`) — templates,
 * typed state, structured outputs, a real tool-call loop, retries, timeouts, budget, routes,
 * loops and parallel fan-out — recording every node, LLM call and tool call through a
 * `Tracer`. It touches no global I/O: everything comes in through {@linkcode EngineDeps}.
 *
 * @module
 */
export { compileWorkflow } from "./compile_workflow.ts";
export type { CompiledWorkflow } from "./compile_workflow.ts";
export { toolValidationHooks } from "./tool_validation_hooks.ts";
export { MAX_TOOL_ROUNDS } from "./engine_types.ts";
export type {
  EngineDeps,
  EngineEvent,
  LoopEnd,
  LoopPosition,
  NodeExecution,
  PricedAs,
  RunDeps,
  RunMetadata,
  RunOptions,
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
export { checkMockAnswers } from "./mock_answers.ts";
export type {
  CheckMockAnswersOptions,
  MockAnswer,
  MockAnswerProblem,
  MockAnswers,
} from "./mock_answers.ts";
