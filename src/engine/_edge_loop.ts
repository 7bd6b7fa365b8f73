/**
 * The `loop` edge: its source node repeats until a bool state field is true or it has run
 * `max_iterations` times, then the run goes on to `exit_to`. The iteration counter is a state
 * channel written by the node itself, so it persists across steps; a node entered again after
 * its loop ended starts counting from 1.
 *
 * @module
 */
import { formatTypeExpression } from "../config/type_expression.ts";
import { connectRouter, type EdgeKind, edgePart } from "./_edge_kind.ts";
import type { GraphState } from "./_langgraph.ts";

/**
 * Name of the channel that counts the iterations of a loop node.
 *
 * @param nodeId The loop's source node.
 * @returns The channel name.
 */
function loopCounterChannel(nodeId: string): string {
  return `__loop_${nodeId}`;
}

/** A loop edge. */
export const LOOP_EDGE: EdgeKind = {
  destinations: (edge) => [...new Set([edge.from, edgePart(edge, "loop").exit_to])],
  check: (edge, context) => {
    const loop = edgePart(edge, "loop");
    const field = context.state.fields[loop.condition_field];
    if (!field) {
      return [
        `Cannot loop on "${edge.from}" as the state has no field "${loop.condition_field}"`,
      ];
    }
    if (field.type.kind !== "bool") {
      return [
        `Cannot loop on "${edge.from}" as field "${loop.condition_field}" is "${
          formatTypeExpression(field.type)
        }", not "bool"`,
      ];
    }
    return [];
  },
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
