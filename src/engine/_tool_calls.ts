/**
 * The tool-call loop of a node: the model asks for tools, each call runs (a TOOL span) and its
 * result goes back to the model, until it answers without tool calls or the rounds run out.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { formatJsonPath, toJsonPath } from "../config/diagnostic.ts";
import { errorMessage, WorkflowError } from "../errors.ts";
import type { HostIO, Tool } from "../tools/tool.ts";
import { raceAbort } from "./_abort_scope.ts";
import { callModel, type MessageRunnable, type ModelCallContext } from "./_model_call.ts";
import { MAX_TOOL_ROUNDS } from "./engine_types.ts";

/** A tool as a node uses it. */
export interface NodeTool {
  /** The tool. */
  readonly tool: Tool;
  /** `fail` stops the node on a tool error; `continue` hands the error to the model. */
  readonly onError: "fail" | "continue";
  /** The node's settings of the tool. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** What running tools needs beside the model call context. */
export interface ToolRunContext {
  /** The node's tools by name. */
  readonly tools: ReadonlyMap<string, NodeTool>;
  /** Mock runs never call tools for real; they use this result. */
  readonly mockResult: ((name: string, args: Record<string, unknown>) => unknown) | undefined;
  /** The host's I/O, handed to tools. */
  readonly io: HostIO;
  /** Counts tool calls. */
  readonly onToolCall: () => void;
}

/**
 * Runs the tool loop, appending every model response and tool result to `messages`.
 *
 * @param call The node's model call context.
 * @param model The node's chat model.
 * @param messages The conversation so far; extended in place.
 * @param run The tools and their I/O.
 * @throws {WorkflowError} `TOOL_FAILED` for a failing tool with `on_error: fail`, or what a
 * model call throws.
 */
export async function runToolLoop(
  call: ModelCallContext,
  model: BaseChatModel,
  messages: BaseMessage[],
  run: ToolRunContext,
): Promise<void> {
  if (typeof model.bindTools !== "function") {
    throw new WorkflowError(
      "NODE_FAILED",
      `Cannot give tools to node "${call.nodeId}" as model "${call.model}" does not support tool calling`,
      { phase: "execute", nodeId: call.nodeId },
    );
  }
  const bound = model.bindTools([...run.tools.values()].map(toolDefinition)) as MessageRunnable<
    unknown
  >;
  for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
    const response = await callModel(call, bound, messages, (result) => result);
    const message = AIMessage.isInstance(response)
      ? response
      : new AIMessage({ content: String(response) });
    messages.push(message);
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) return;
    for (const toolCall of calls) {
      messages.push(await runToolCall(call, run, toolCall));
    }
  }
}

async function runToolCall(
  call: ModelCallContext,
  run: ToolRunContext,
  toolCall: { id?: string | undefined; name: string; args: Record<string, unknown> },
): Promise<ToolMessage> {
  const entry = run.tools.get(toolCall.name);
  const callId = toolCall.id ?? toolCall.name;
  run.onToolCall();
  try {
    const result = await call.trace.span({
      type: "TOOL",
      name: toolCall.name,
      nodeId: call.nodeId,
      inputs: toolCall.args,
    }, async (scope) => {
      if (!entry) {
        throw new TypeError(
          `Cannot call tool "${toolCall.name}" as node "${call.nodeId}" has no such tool: its tools are ${
            [...run.tools.keys()].map((name) => `"${name}"`).join(", ")
          }`,
        );
      }
      const result = await invokeTool(call, run, entry, toolCall.args, scope.traceparent);
      scope.setOutputs(result);
      return result;
    });
    return new ToolMessage({
      tool_call_id: callId,
      name: toolCall.name,
      content: typeof result === "string" ? result : JSON.stringify(result ?? null),
    });
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason;
    const message = errorMessage(error);
    if (entry && entry.onError === "fail") {
      throw new WorkflowError(
        "TOOL_FAILED",
        `Cannot finish node "${call.nodeId}" as tool "${toolCall.name}" failed: ${message}`,
        {
          phase: "execute",
          nodeId: call.nodeId,
          cause: error,
          hint: "Set on_error: continue on the tool to let the model handle its errors",
        },
      );
    }
    return new ToolMessage({
      tool_call_id: callId,
      name: toolCall.name,
      content: `Error: ${message}`,
      status: "error",
    });
  }
}

async function invokeTool(
  call: ModelCallContext,
  run: ToolRunContext,
  entry: NodeTool,
  rawArgs: Record<string, unknown>,
  traceparent: string | undefined,
): Promise<unknown> {
  const parsed = entry.tool.parameters.safeParse(rawArgs);
  if (!parsed.success) {
    throw new TypeError(
      `Cannot call tool "${entry.tool.name}" as its arguments are invalid: ${
        parsed.error.issues.map((issue) =>
          `${formatJsonPath(toJsonPath(issue.path))}: ${issue.message}`
        ).join("; ")
      }`,
    );
  }
  const args = parsed.data as Record<string, unknown>;
  if (run.mockResult) return run.mockResult(entry.tool.name, args);
  call.signal.throwIfAborted();
  return await raceAbort(
    entry.tool.invoke(args, {
      ...run.io,
      signal: call.signal,
      config: entry.config,
      ...(traceparent === undefined ? {} : { traceparent }),
    }),
    call.signal,
  );
}

function toolDefinition(entry: NodeTool): {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
} {
  // The Standard JSON Schema converter of the zod schema (what `z.toJSONSchema` returns).
  const { $schema: _, ...parameters } = entry.tool.parameters["~standard"].jsonSchema.output({
    target: "draft-2020-12",
  });
  return {
    type: "function",
    function: { name: entry.tool.name, description: entry.tool.description, parameters },
  };
}
