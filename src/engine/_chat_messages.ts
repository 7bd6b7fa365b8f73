/**
 * LangChain messages as plain JSON for span inputs and outputs (`{role, content, ...}`).
 *
 * @module
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";

/** A message as a span records it. */
export interface ChatMessageRecord {
  /** `system`, `user`, `assistant` or `tool`. */
  role: string;
  /** Text of the message. */
  content: string;
  /** Tool calls of an assistant message. */
  tool_calls?: { id: string | undefined; name: string; args: Record<string, unknown> }[];
  /** The call a tool message answers. */
  tool_call_id?: string;
}

const ROLES: Record<string, string> = {
  human: "user",
  ai: "assistant",
  system: "system",
  tool: "tool",
};

/**
 * Converts a message to its span record.
 *
 * @param message A LangChain message.
 * @returns The record.
 */
export function toChatMessage(message: BaseMessage): ChatMessageRecord {
  const record: ChatMessageRecord = {
    role: ROLES[message.type] ?? message.type,
    content: messageText(message),
  };
  if (AIMessage.isInstance(message) && message.tool_calls && message.tool_calls.length > 0) {
    record.tool_calls = message.tool_calls.map((call) => ({
      id: call.id,
      name: call.name,
      args: call.args,
    }));
  }
  if (ToolMessage.isInstance(message)) record.tool_call_id = message.tool_call_id;
  return record;
}

/**
 * The text of a message: its string content, or its content blocks as JSON.
 *
 * @param message A LangChain message.
 * @returns The text.
 */
export function messageText(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : JSON.stringify(message.content);
}
