/**
 * Fakes for engine tests: a scripted chat model that records every request, a recording
 * tracer, test deps with an instant sleep and a fake clock, a helper that validates a
 * workflow object into a LoadedWorkflow; `runOnce` (compile and run once) is re-exported.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { Runnable } from "@langchain/core/runnables";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { z } from "zod";
import type { LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { prepareWorkflow } from "../../src/config/prepare_workflow.ts";
import type { EngineDeps } from "../../src/engine/engine_types.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import { ToolRegistry } from "../../src/tools/tool_registry.ts";
import type { Tool } from "../../src/tools/tool.ts";
import type {
  LlmCallRecord,
  RunEnd,
  RunStart,
  RunTrace,
  SpanOptions,
  Tracer,
} from "../../src/tracking/tracer.ts";

export { runOnce } from "../_helpers/run_once.ts";

/** One scripted answer: a message, an error to throw, or a function of the request. */
export type ScriptStep =
  | AIMessage
  | Error
  | ((messages: BaseMessage[], signal: AbortSignal | undefined) => AIMessage | Promise<AIMessage>);

/** Options of {@linkcode ScriptedChatModel}. */
export interface ScriptedOptions {
  /** Answers in order; the last one repeats when `repeatLast` is set. */
  steps: ScriptStep[];
  /** Keep answering with the last step. */
  repeatLast?: boolean;
}

interface ScriptState {
  steps: ScriptStep[];
  repeatLast: boolean;
  requests: BaseMessage[][];
  tools: unknown[][];
}

/** A chat model that answers from a script and records every request. */
export class ScriptedChatModel extends BaseChatModel {
  readonly #state: ScriptState;

  /** @param options The script. */
  constructor(options: ScriptedOptions) {
    super({});
    this.#state = {
      steps: [...options.steps],
      repeatLast: options.repeatLast ?? false,
      requests: [],
      tools: [],
    };
  }

  /** Every request, in order. */
  get requests(): BaseMessage[][] {
    return this.#state.requests;
  }

  /** The tools each request had bound. */
  get boundTools(): unknown[][] {
    return this.#state.tools;
  }

  /** @returns `"scripted"`. */
  _llmType(): string {
    return "scripted";
  }

  /** @returns `"ScriptedChatModel"`. */
  static override lc_name(): string {
    return "ScriptedChatModel";
  }

  /**
   * Binds tools: they are recorded with each request.
   *
   * @param tools The tools.
   * @returns The model with the tools bound.
   */
  override bindTools(
    tools: BindToolsInput[],
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions> {
    return this.withConfig({ tools } as Partial<BaseChatModelCallOptions>);
  }

  /**
   * Answers with the next step.
   *
   * @param messages The request.
   * @param options Call options (signal, tools).
   * @returns The answer.
   */
  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
  ): Promise<ChatResult> {
    const state = this.#state;
    state.requests.push([...messages]);
    state.tools.push((options as { tools?: unknown[] }).tools ?? []);
    const step = state.steps.length > 1 || !state.repeatLast ? state.steps.shift() : state.steps[0];
    if (!step) throw new Error(`The script ran out after ${state.requests.length - 1} requests`);
    if (step instanceof Error) throw step;
    const message = typeof step === "function" ? await step(messages, options.signal) : step;
    return {
      generations: [{ text: typeof message.content === "string" ? message.content : "", message }],
    };
  }
}

let callIds = 0;

/**
 * A structured answer: a call of the `answer` function with these arguments.
 *
 * @param args The answer.
 * @param tokens Input and output tokens reported.
 * @returns The message.
 */
export function answer(
  args: Record<string, unknown>,
  tokens: { input?: number; output?: number } = {},
): AIMessage {
  return withUsage(
    new AIMessage({
      content: "",
      tool_calls: [{ id: `call_${++callIds}`, name: "answer", args, type: "tool_call" }],
    }),
    tokens,
  );
}

/**
 * A message that asks for tool calls.
 *
 * @param calls Tool names and arguments.
 * @returns The message.
 */
export function toolCalls(...calls: { name: string; args: Record<string, unknown> }[]): AIMessage {
  return withUsage(
    new AIMessage({
      content: "",
      tool_calls: calls.map((c) => ({ id: `call_${++callIds}`, ...c, type: "tool_call" as const })),
    }),
    {},
  );
}

/**
 * A plain text answer.
 *
 * @param content The text.
 * @returns The message.
 */
export function text(content: string): AIMessage {
  return withUsage(new AIMessage({ content }), {});
}

/**
 * A step that never answers until its signal aborts; `then` runs once it is waiting (to fire a
 * timer or abort a signal from inside the call).
 *
 * @param then Runs after the step started waiting.
 * @returns The step.
 */
export function hang(then?: (signal: AbortSignal | undefined) => void): ScriptStep {
  return (_messages, signal) => {
    const waiting = new Promise<AIMessage>((_, reject) => {
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    then?.(signal);
    return waiting;
  };
}

function withUsage(message: AIMessage, tokens: { input?: number; output?: number }): AIMessage {
  const input = tokens.input ?? 10;
  const output = tokens.output ?? 5;
  const fields = {
    content: message.content,
    tool_calls: message.tool_calls ?? [],
    usage_metadata: { input_tokens: input, output_tokens: output, total_tokens: input + output },
  };
  // @langchain/core 1.4 types `usage_metadata` as never under exactOptionalPropertyTypes.
  return new AIMessage(fields as unknown as ConstructorParameters<typeof AIMessage>[0]);
}

/** An error shaped like a provider's HTTP error. */
export function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status });
}

/** A recorded span. */
export interface RecordedSpan {
  type: string;
  name: string;
  nodeId: string | undefined;
  inputs: unknown;
  outputs: unknown;
  llmCall: LlmCallRecord | undefined;
  error: unknown;
  children: RecordedSpan[];
}

/** A tracer that records runs as span trees. */
export class RecordingTracer implements Tracer {
  /** Runs started. */
  readonly starts: RunStart[] = [];
  /** Runs finished. */
  readonly ends: RunEnd[] = [];
  /** Root spans (one AGENT span per run). */
  readonly roots: RecordedSpan[] = [];
  /** Snapshots taken. */
  readonly snapshots: { nodeId: string; state: Record<string, unknown> }[] = [];

  /**
   * @param start The run.
   * @returns Its trace.
   */
  startRun(start: RunStart): RunTrace {
    this.starts.push(start);
    const root: RecordedSpan = {
      type: "AGENT",
      name: `workflow_${start.workflowName}`,
      nodeId: undefined,
      inputs: start.inputs,
      outputs: undefined,
      llmCall: undefined,
      error: undefined,
      children: [],
    };
    this.roots.push(root);
    const storage = new AsyncLocalStorage<RecordedSpan>();
    return {
      traceId: "tr-test",
      span: async <T>(options: SpanOptions, fn: (scope: never) => Promise<T>) => {
        const span: RecordedSpan = {
          type: options.type,
          name: options.name,
          nodeId: options.nodeId,
          inputs: options.inputs,
          outputs: undefined,
          llmCall: undefined,
          error: undefined,
          children: [],
        };
        (storage.getStore() ?? root).children.push(span);
        const scope = {
          setOutputs: (outputs: unknown) => span.outputs = outputs,
          setLlmCall: (call: LlmCallRecord) => span.llmCall = call,
          setAttributes: () => {},
        };
        try {
          return await storage.run(span, () => fn(scope as never));
        } catch (error) {
          span.error = error;
          throw error;
        }
      },
      snapshot: (nodeId, state) => this.snapshots.push({ nodeId, state: { ...state } }),
      finish: (end) => {
        this.ends.push(end);
        root.outputs = end.outputs;
        root.error = end.error;
        return Promise.resolve({ traceId: "tr-test", runId: "run-test" });
      },
    } as RunTrace;
  }
}

/**
 * Spans of a tree, depth first.
 *
 * @param span The root.
 * @returns Every span under it, itself first.
 */
export function flatten(span: RecordedSpan): RecordedSpan[] {
  return [span, ...span.children.flatMap(flatten)];
}

/** Test deps: no network, no files, a fake clock, an instant sleep that records its waits. */
export function testDeps(
  overrides: Partial<EngineDeps> & { model?: BaseChatModel } = {},
): EngineDeps & { sleeps: number[] } {
  const { model, ...rest } = overrides;
  let clock = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    ...(model ? { createChatModel: () => Promise.resolve(model) } : {}),
    env: () => undefined,
    fetch: () => Promise.reject(new Error("No network in tests")),
    readTextFile: () => Promise.reject(new Error("No files in tests")),
    writeTextFile: () => Promise.reject(new Error("No files in tests")),
    now: () => (clock += 10),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...rest,
  };
}

/**
 * A loaded workflow from a workflow object, validated as a file would be (`prepareWorkflow`).
 *
 * @param input The workflow as written.
 * @returns The loaded workflow.
 */
export function loadWorkflow(input: WorkflowInput): LoadedWorkflow {
  return prepareWorkflow(input);
}

/**
 * A tool registry with test tools.
 *
 * @param tools The tools.
 * @returns The registry (built-ins included).
 */
export function registryWith(...tools: Tool[]): ToolRegistry {
  return new ToolRegistry(tools);
}

/**
 * A tool that records its calls and returns what `result` computes.
 *
 * @param name Its name.
 * @param result Its result (or a throw).
 * @returns The tool and its calls.
 */
export function recordingTool(
  name: string,
  result: (args: { query: string }) => Promise<unknown>,
): { tool: Tool; calls: { query: string }[] } {
  const calls: { query: string }[] = [];
  const tool = defineTool({
    name,
    description: `Looks ${name} up`,
    parameters: z.object({ query: z.string().describe("What to look up") }),
    invoke: (args) => {
      calls.push(args);
      return result(args);
    },
  });
  return { tool, calls };
}

/**
 * The text of every message of a request, joined.
 *
 * @param messages A request.
 * @returns Its text.
 */
export function requestText(messages: readonly BaseMessage[]): string {
  return messages.map((m) => typeof m.content === "string" ? m.content : JSON.stringify(m.content))
    .join("\n");
}
