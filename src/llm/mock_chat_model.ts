/**
 * A chat model that needs no key and no network: deterministic, schema-conforming answers with
 * token counts from the real prompt.
 *
 * @module
 */
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput, ToolDefinition } from "@langchain/core/language_models/base";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ToolCall } from "@langchain/core/messages/tool";
import type { ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { abortableSleep, type Sleep } from "./_abortable_sleep.ts";
import { type ConversationFacts, readConversation } from "./_mock_prompt.ts";
import { mockValue, type Random, seededRandom } from "./_mock_values.ts";
import { ensureLangsmithOffline } from "./ensure_langsmith_offline.ts";
import { estimateTokens } from "./estimate_tokens.ts";
import { MAX_MOCK_LATENCY_MS } from "./mock_latency.ts";

/** Options of {@linkcode MockChatModel}. */
export interface MockChatModelOptions {
  /**
   * Seed of the answers: the same seed and prompt give the same answer. An integer.
   * @default 0
   */
  seed?: number;
  /**
   * Simulated latency of each call, in milliseconds, at most `MAX_MOCK_LATENCY_MS` (ten
   * minutes).
   * @default 0
   */
  latencyMs?: number;
  /**
   * Model name reported in `response_metadata.model_name`.
   * @default "mock"
   */
  modelName?: string;
  /**
   * Scripted answers: the calls of the tool named `tool` (the function `withStructuredOutput`
   * binds, named by its `name` option) get `values` in order, the last one repeating. Each
   * value replaces the generated arguments key by key: a scripted key wins, the keys it leaves
   * out are generated.
   * @default {no scripted answers}
   */
  answers?: MockScript;
  /**
   * Waits the latency; must reject when the signal aborts.
   * @default a timer cleared on abort
   */
  sleep?: Sleep;
}

/** Scripted answers of a {@linkcode MockChatModel}, see `MockChatModelOptions.answers`. */
export interface MockScript {
  /** The tool whose calls are scripted (the structured answer's function name). */
  readonly tool: string;
  /** The arguments to give, in order; the last repeats. */
  readonly values: readonly Readonly<Record<string, unknown>>[];
}

/** The constructor fields of an `AIMessageChunk`. */
type AIMessageChunkFields = Exclude<
  ConstructorParameters<typeof AIMessageChunk>[0],
  string | unknown[]
>;

/** Call options of {@linkcode MockChatModel}: the base ones plus the bound tools. */
export interface MockChatModelCallOptions extends BaseChatModelCallOptions {
  /** Tools bound with `bindTools`, in OpenAI's function format. */
  tools?: ToolDefinition[];
}

/**
 * A LangChain chat model for runs without a provider (`provider: mock`, `run --mock`).
 *
 * - Answers are deterministic for a seed and a prompt (all message contents and bound tool
 *   schemas); the same prompt asked again of the same model (a node revisited by a loop or a
 *   route back) gets a fresh answer, so mock runs of refine loops move on. They read
 *   plausibly: strings name their field and the prompt's subject ("Mock summary about tide
 *   pools, in brief"), lists have 2-3 items, numbers fall in ranges that suit their field name
 *   and schema bounds.
 * - Tools: a call with bound tools requests, in one message, every bound tool the
 *   conversation has not called yet, with arguments generated from the tool's JSON schema;
 *   once each has been called (its results are in the conversation) it answers in text. A
 *   `tool_choice` that names a tool forces a call of that tool; `"none"` forces text.
 * - Structured output: LangChain's generic `withStructuredOutput` binds one tool whose schema
 *   is the output schema; the mock calls it with conforming arguments, so `parsed` satisfies
 *   the schema (nested objects, lists, dicts, integers, floats, booleans, enums).
 * - Every message carries `usage_metadata`: input tokens estimated from the prompt text (tool
 *   schemas included) and output tokens from the generated content and tool calls, both with
 *   {@linkcode estimateTokens}.
 * - A pending latency wait rejects as soon as the call's signal aborts.
 *
 * @example Usage
 * ```ts
 * import { z } from "zod";
 * import { MockChatModel } from "./mock_chat_model.ts";
 * const model = new MockChatModel({ seed: 7 });
 * const structured = model.withStructuredOutput(
 *   z.object({ summary: z.string(), score: z.int().min(1).max(10) }),
 *   { includeRaw: true },
 * );
 * const { parsed, raw } = await structured.invoke("Write a summary about tide pools");
 * if (!Number.isInteger(parsed.score) || !parsed.summary.includes("tide pools")) throw new Error();
 * if (!("usage_metadata" in raw)) throw new Error("no usage");
 * ```
 */
export class MockChatModel extends BaseChatModel<MockChatModelCallOptions, AIMessageChunk> {
  /** Seed of the answers. */
  readonly seed: number;
  /** Simulated latency of each call, in milliseconds. */
  readonly latencyMs: number;
  /** Model name reported in the responses. */
  readonly modelName: string;
  readonly #sleep: Sleep;
  /** How often each prompt text was asked, so that a repeated prompt gets a new answer. */
  readonly #asked = new Map<string, number>();
  readonly #script: MockScript | undefined;
  /** Scripted answers given so far. */
  #answered = 0;

  /**
   * The LangChain class name.
   *
   * @returns `"MockChatModel"`.
   */
  static override lc_name(): string {
    return "MockChatModel";
  }

  /**
   * Creates a mock model.
   *
   * @param options Seed, latency, model name and sleep.
   * @throws {RangeError} When `seed` is not an integer or `latencyMs` is negative.
   */
  constructor(options: MockChatModelOptions = {}) {
    const {
      seed = 0,
      latencyMs = 0,
      modelName = "mock",
      sleep = abortableSleep,
      answers,
    } = options;
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(
        `Cannot create the mock model as seed must be an integer: received "${seed}"`,
      );
    }
    if (!Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > MAX_MOCK_LATENCY_MS) {
      throw new RangeError(
        `Cannot create the mock model as latencyMs must be from 0 to ${MAX_MOCK_LATENCY_MS} milliseconds: received "${latencyMs}"`,
      );
    }
    ensureLangsmithOffline();
    super({});
    this.seed = seed;
    this.latencyMs = latencyMs;
    this.modelName = modelName;
    this.#sleep = sleep;
    this.#script = answers;
  }

  /** The next scripted answer (the last one repeats), or `undefined` when there are none. */
  #nextAnswer(): Readonly<Record<string, unknown>> | undefined {
    const values = this.#script?.values ?? [];
    if (values.length === 0) return undefined;
    const answer = values[Math.min(this.#answered, values.length - 1)];
    this.#answered++;
    return answer;
  }

  /**
   * LangChain's type tag of the model.
   *
   * @returns `"mock"`.
   */
  _llmType(): string {
    return "mock";
  }

  /**
   * Binds tools (LangChain tools, zod-schema tools or OpenAI function definitions) to calls.
   *
   * @param tools The tools.
   * @param kwargs Further call options, such as `tool_choice`.
   * @returns The model with the tools bound.
   */
  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<MockChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, MockChatModelCallOptions> {
    return this.withConfig({ ...kwargs, tools: tools.map((tool) => convertToOpenAITool(tool)) });
  }

  /**
   * Generates the answer to `messages`.
   *
   * @param messages The conversation.
   * @param options Call options: signal, bound tools, tool choice.
   * @returns One generation.
   */
  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
  ): Promise<ChatResult> {
    const signal = options.signal;
    signal?.throwIfAborted();
    if (this.latencyMs > 0) await this.#sleep(this.latencyMs, signal);
    signal?.throwIfAborted();
    const tools = options.tools ?? [];
    const facts = readConversation(messages, tools);
    const asked = this.#asked.get(facts.promptText) ?? 0;
    this.#asked.set(facts.promptText, asked + 1);
    const random = seededRandom(
      this.seed,
      asked === 0 ? facts.promptText : `${facts.promptText}\u0000${asked}`,
    );
    const toCall = toolsToCall(tools, options.tool_choice, facts.calledTools);
    const toolCalls = toCall.map((tool, index) => mockToolCall(tool, index, facts, random));
    toolCalls.forEach((call, index) => {
      if (call.name !== this.#script?.tool) return;
      const scripted = this.#nextAnswer();
      if (scripted) toolCalls[index] = { ...call, args: { ...call.args, ...scripted } };
    });
    const content = toolCalls.length > 0 ? "" : answer(facts);
    const inputTokens = estimateTokens(facts.promptText);
    const outputTokens = estimateTokens(
      content +
        (toolCalls.length > 0
          ? JSON.stringify(toolCalls.map(({ name, args }) => ({ name, args })))
          : ""),
    );
    const fields = {
      content,
      tool_calls: toolCalls,
      id: `mock-${Math.floor(random() * 2 ** 32).toString(16)}`,
      usage_metadata: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
      response_metadata: { model_name: this.modelName, model_provider: "mock", seed: this.seed },
    };
    // @langchain/core 1.4's message typings resolve `usage_metadata` to `never` under
    // exactOptionalPropertyTypes, so the fields are cast; at run time the constructor keeps them.
    const message = new AIMessageChunk(fields as unknown as AIMessageChunkFields);
    return { generations: [{ text: content, message }] };
  }
}

/** The tools the next answer calls: the forced one, else every one not called yet. */
function toolsToCall(
  tools: readonly ToolDefinition[],
  choice: unknown,
  called: ReadonlySet<string>,
): ToolDefinition[] {
  if (tools.length === 0 || choice === "none") return [];
  const forced = forcedToolName(choice);
  if (forced !== undefined) return tools.filter((tool) => tool.function.name === forced);
  const pending = tools.filter((tool) => !called.has(tool.function.name));
  const mustCall = choice === "any" || choice === "required";
  return pending.length > 0 ? pending : mustCall ? tools.slice(0, 1) : [];
}

/** The tool a `tool_choice` names: `"name"`, `{ function: { name } }` or `{ name }`. */
function forcedToolName(choice: unknown): string | undefined {
  if (typeof choice === "string") {
    return ["auto", "any", "required", "none"].includes(choice) ? undefined : choice;
  }
  if (typeof choice !== "object" || choice === null) return undefined;
  const fn = "function" in choice ? choice.function : undefined;
  if (typeof fn === "object" && fn !== null && "name" in fn && typeof fn.name === "string") {
    return fn.name;
  }
  return "name" in choice && typeof choice.name === "string" ? choice.name : undefined;
}

function mockToolCall(
  tool: ToolDefinition,
  index: number,
  facts: ConversationFacts,
  random: Random,
): ToolCall {
  const value = mockValue(tool.function.parameters, tool.function.name, {
    random,
    subject: facts.subject,
  });
  const args = typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : { input: value };
  const id = `call_mock_${index + 1}_${Math.floor(random() * 2 ** 32).toString(16)}`;
  return { type: "tool_call", id, name: tool.function.name, args };
}

function answer(facts: ConversationFacts): string {
  const about = facts.subject === undefined ? "" : ` about ${facts.subject}`;
  const results = facts.toolResults.length;
  if (results === 0) return `Mock answer${about}.`;
  const first = facts.toolResults[0]?.replace(/\s+/g, " ").slice(0, 80) ?? "";
  return `Mock answer${about}, based on ${results} tool result${
    results === 1 ? "" : "s"
  }: "${first}".`;
}
