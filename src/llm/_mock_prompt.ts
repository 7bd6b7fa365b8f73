/**
 * What the mock model reads from a conversation: its full text (for token counts and the
 * seed), its subject, and the tool calls and results so far.
 *
 * @module
 */
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { ToolDefinition } from "@langchain/core/language_models/base";

/** What the conversation so far holds. */
export interface ConversationFacts {
  /** Every message's content, tool calls and the bound tools' schemas, as one text. */
  promptText: string;
  /** What the last human message is about, when it says. */
  subject: string | undefined;
  /** Names of the tools the model has already called. */
  calledTools: ReadonlySet<string>;
  /** Contents of the tool results, in order. */
  toolResults: readonly string[];
}

/** Phrases that introduce the subject of a prompt, most specific first. */
const SUBJECT_PATTERNS: readonly RegExp[] = [
  /\b(?:topic|subject|theme)\s*(?:is|:|=)\s*["'“]?([^"'”\n.;!?]+)/i,
  /\b(?:about|regarding|concerning|on the topic of)\s+["'“]?([^"'”\n.,;:!?(){}]+)/i,
  /["“]([^"”\n]{3,60})["”]/,
];

/** Longest subject quoted in generated text, in words. */
const SUBJECT_WORDS = 6;

/**
 * Reads a conversation for the mock model.
 *
 * @param messages The messages the model was called with.
 * @param tools The tools bound to the call.
 * @returns The facts the mock answer is built from.
 */
export function readConversation(
  messages: readonly BaseMessage[],
  tools: readonly ToolDefinition[],
): ConversationFacts {
  const parts: string[] = [];
  const calledTools = new Set<string>();
  const toolResults: string[] = [];
  let lastHuman: string | undefined;
  for (const message of messages) {
    const content = contentText(message.content);
    parts.push(content);
    if (AIMessage.isInstance(message) && message.tool_calls && message.tool_calls.length > 0) {
      parts.push(JSON.stringify(message.tool_calls.map(({ name, args }) => ({ name, args }))));
      for (const call of message.tool_calls) calledTools.add(call.name);
    }
    if (ToolMessage.isInstance(message)) toolResults.push(content);
    if (HumanMessage.isInstance(message)) lastHuman = content;
  }
  if (tools.length > 0) parts.push(JSON.stringify(tools));
  const subjectSource = lastHuman ?? parts[parts.length - 1] ?? "";
  return {
    promptText: parts.join("\n"),
    subject: subjectOf(subjectSource),
    calledTools,
    toolResults,
  };
}

/** Text of a message content: a string as is, content blocks by their text, or JSON. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((block) =>
      typeof block === "object" && block !== null && "text" in block &&
        typeof block.text === "string"
        ? block.text
        : JSON.stringify(block)
    ).join("\n");
  }
  return JSON.stringify(content ?? "");
}

function subjectOf(text: string): string | undefined {
  for (const pattern of SUBJECT_PATTERNS) {
    const match = pattern.exec(text)?.[1]?.trim();
    if (match) return match.split(/\s+/).slice(0, SUBJECT_WORDS).join(" ");
  }
  return undefined;
}
