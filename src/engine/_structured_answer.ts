/**
 * The structured answer of a node: the model answers in the node's output schema, the answer
 * is checked against the state types, and an invalid answer is asked again with the problems
 * fed back.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { z } from "zod";
import { WorkflowError } from "../errors.ts";
import { messageText } from "./_chat_messages.ts";
import { callModel, type MessageRunnable, type ModelCallContext } from "./_model_call.ts";
import type { OutputModel } from "./output_model.ts";

/** Name of the function the model calls to answer. */
/** The function name of a node's structured answer (the mock's scripted answers target it). */
export const ANSWER_FUNCTION = "answer";

interface StructuredResult {
  raw: AIMessage | undefined;
  parsed: unknown;
}

/**
 * Asks for the node's structured answer, up to `1 + maxRetries` times while it is invalid.
 *
 * @param call The node's model call context (its `maxRetries` also bounds answer retries).
 * @param model The node's chat model.
 * @param messages The conversation so far; extended in place with rejected answers.
 * @param output The node's output model.
 * @returns The checked values by output name.
 * @throws {WorkflowError} `LLM_OUTPUT_INVALID` when no answer was valid, or what a model call
 * throws.
 */
export async function structuredAnswer(
  call: ModelCallContext,
  model: BaseChatModel,
  messages: BaseMessage[],
  output: OutputModel,
): Promise<Record<string, unknown>> {
  const structured = structuredRunnable(model, output, messages);
  let problems: readonly string[] = [];
  for (let attempt = 0; attempt <= call.maxRetries; attempt++) {
    const { raw, parsed } = await callModel(call, structured, messages, (r) => r.raw);
    const answer = parsed ?? (raw ? answerIn(raw) : undefined);
    const check = answer === undefined
      ? { ok: false as const, problems: ["The answer was not a JSON object of the schema"] }
      : output.check(answer);
    if (check.ok) return check.values;
    problems = check.problems;
    messages.push(...feedback(raw, problems));
  }
  throw new WorkflowError(
    "LLM_OUTPUT_INVALID",
    `Cannot use the answer of model "${call.model}" for node "${call.nodeId}" as it does not match the output schema after ${
      call.maxRetries + 1
    } attempt${call.maxRetries === 0 ? "" : "s"}: ${problems.join("; ")}`,
    {
      phase: "execute",
      nodeId: call.nodeId,
      hint: "Make the prompt describe the expected fields, or raise max_retries",
    },
  );
}

/**
 * The model with structured output and the raw response. Models whose structured output
 * returns only the parsed answer are accepted (no usage is known then); models that cannot
 * bind tools are asked for JSON in their text, with the schema in the conversation.
 */
function structuredRunnable(
  model: BaseChatModel,
  output: OutputModel,
  messages: BaseMessage[],
): MessageRunnable<StructuredResult> {
  if (typeof model.bindTools !== "function") {
    messages.push(
      new HumanMessage(
        `Answer with only a JSON object that follows this JSON Schema: ${
          JSON.stringify(z.toJSONSchema(output.schema))
        }`,
      ),
    );
    return {
      invoke: async (input, options) => {
        const raw = await model.invoke(input, options);
        return { raw: AIMessage.isInstance(raw) ? raw : undefined, parsed: undefined };
      },
    };
  }
  const runnable = model.withStructuredOutput(output.schema, {
    includeRaw: true,
    name: ANSWER_FUNCTION,
  }) as MessageRunnable<unknown>;
  return {
    invoke: async (input, options) => {
      const result = await runnable.invoke(input, options);
      if (isRecord(result) && "raw" in result && AIMessage.isInstance(result.raw)) {
        return { raw: result.raw, parsed: result.parsed ?? undefined };
      }
      return { raw: undefined, parsed: result ?? undefined };
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function answerIn(raw: AIMessage): unknown {
  const toolCall = raw.tool_calls?.find((c) => c.name === ANSWER_FUNCTION) ?? raw.tool_calls?.[0];
  if (toolCall) return toolCall.args;
  const text = messageText(raw).trim().replace(/^```(?:json)?\s*/i, "").replace(/```$/, "");
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function feedback(raw: AIMessage | undefined, problems: readonly string[]): BaseMessage[] {
  const text = `Your answer does not match the required schema: ${
    problems.join("; ")
  }. Answer again with every field of the schema, with the right types.`;
  if (!raw) return [new HumanMessage(text)];
  const calls = raw.tool_calls ?? [];
  if (calls.length === 0) return [raw, new HumanMessage(text)];
  return [
    raw,
    ...calls.map((c) =>
      new ToolMessage({
        tool_call_id: c.id ?? c.name,
        name: c.name,
        content: text,
        status: "error",
      })
    ),
  ];
}
