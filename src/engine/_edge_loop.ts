/**
 * The `loop` edge: its source node repeats until a bool state field is true or it has run
 * `max_iterations` times, then the run goes on to `exit_to`. The iteration counter is a state
 * channel written by the node itself, so it persists across steps; a node entered again after
 * its loop ended starts counting from 1.
 *
 * @module
 */
import { connectRouter, type EdgeKind, edgePart } from "./_edge_kind.ts";
import type { GraphState } from "./_langgraph.ts";

/**
 * Name of the channel that counts the rounds of a loop: not an identifier, so that no state
 * field or node can have it.
 *
 * @param nodeId The loop's source node.
 * @returns The channel name.
 */
function loopCounterChannel(nodeId: string): string {
  return `loop#${nodeId}`;
}

/** A loop edge. */
export const LOOP_EDGE: EdgeKind = {
  destinations: (edge) => [...new Set([edge.from, edgePart(edge, "loop").exit_to])],
  channels: (edge) => ({ [loopCounterChannel(edge.from)]: {} }),
  decorations: (edge) => {
    const loop = edgePart(edge, "loop");
    const counter = loopCounterChannel(edge.from);
    return [[edge.from, {
      updates: (values, state) => {
        const previous = iterations(state, counter);
        const ended = previous === 0 || state[loop.condition_field] === true ||
          previous >= loop.max_iterations;
        return { ...values, [counter]: ended ? 1 : previous + 1 };
      },
    }]];
  },
  router: (edge) => {
    const loop = edgePart(edge, "loop");
    const counter = loopCounterChannel(edge.from);
    return (state) =>
      state[loop.condition_field] === true || iterations(state, counter) >= loop.max_iterations
        ? loop.exit_to
        : edge.from;
  },
  connect: connectRouter("loop"),
};

function iterations(state: GraphState, counter: string): number {
  const value = state[counter];
  return typeof value === "number" ? value : 0;
}
