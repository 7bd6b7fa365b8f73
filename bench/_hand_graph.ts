/**
 * The benchmark workflow written by hand on LangGraph.js: the same nodes, prompts, mock model
 * calls and structured outputs as `linearWorkflow(nodes)` run by the engine, without anything
 * the engine adds (typed state checks, templates, spans, budget, retries, timeouts, events).
 *
 * @module
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { HumanMessage } from "@langchain/core/messages";
import { z } from "zod";
import { ensureLangsmithOffline } from "../src/llm/ensure_langsmith_offline.ts";
import { MockChatModel } from "../src/llm/mock_chat_model.ts";

/** A compiled hand-written graph. */
export interface HandGraph {
  /** Runs the graph once. */
  invoke(input: { topic: string }): Promise<Record<string, unknown>>;
}

/** The node functions of the graph, in order, with LangGraph's loose node signature. */
interface LooseGraph {
  addNode(name: string, node: (state: Record<string, string>) => Promise<unknown>): LooseGraph;
  addEdge(from: string, to: string): LooseGraph;
  compile(): HandGraph;
}

/**
 * Builds the hand-written graph: node `step_i` asks a `MockChatModel` (seed `i`, `latencyMs`)
 * for `{ out_i: string }` through `withStructuredOutput` and writes it to state.
 *
 * @param nodes Number of nodes.
 * @param latencyMs Simulated latency of each model call.
 * @returns The compiled graph.
 */
export function handWrittenGraph(nodes: number, latencyMs: number): HandGraph {
  ensureLangsmithOffline();
  const channels: Record<string, ReturnType<typeof Annotation<string>>> = {
    topic: Annotation<string>(),
  };
  for (let i = 1; i <= nodes; i++) channels[`out_${i}`] = Annotation<string>();
  const graph = new StateGraph(Annotation.Root(channels)) as unknown as LooseGraph;
  for (let i = 1; i <= nodes; i++) {
    const field = `out_${i}`;
    const model = new MockChatModel({ seed: i, latencyMs, modelName: "gpt-4o-mini" });
    const answer = model.withStructuredOutput(z.object({ [field]: z.string() }), {
      includeRaw: true,
      name: "answer",
    });
    graph.addNode(`step_${i}`, async (state) => {
      const previous = i === 1 ? "" : ` Build on the previous step: ${state[`out_${i - 1}`]}`;
      const prompt = `Step ${i} of ${nodes}: write one sentence about ${state.topic}.${previous}`;
      const { parsed } = await answer.invoke([new HumanMessage(prompt)]);
      return { [field]: (parsed as Record<string, string>)[field] };
    });
    graph.addEdge(i === 1 ? START : `step_${i - 1}`, `step_${i}`);
  }
  graph.addEdge(`step_${nodes}`, END);
  return graph.compile();
}
