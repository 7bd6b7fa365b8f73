/**
 * The `loop` edge: the nodes from `back_to` (the source node itself by default) to the source
 * node repeat, one round after another, until a bool state field is true or `max_iterations`
 * rounds have run; then the run goes on to `exit_to`. The source node, which ends each round,
 * writes the loop's state to a channel of its own after each round — the rounds so far and
 * whether another round follows — so the state persists across steps; the router only reads
 * it, and reports the end of the loop. A loop entered again after it ended starts at round 1.
 *
 * @module
 */
import { loopBody } from "../config/loop_body.ts";
import type { LoopConfig } from "../config/schema.ts";
import { connectRouter, type EdgeKind, edgePart } from "./_edge_kind.ts";
import type { GraphState } from "./_langgraph.ts";
import { findRunContext, type NodeDecoration } from "./_node_plan.ts";
import type { LoopEnd } from "./engine_types.ts";

/** What a loop's channel holds after each round. */
interface LoopState {
  /** Rounds run since the loop was entered. */
  readonly rounds: number;
  /** Whether another round follows; `false` once the loop has ended. */
  readonly open: boolean;
  /** What ended it, once it has ended. */
  readonly stoppedBy?: LoopEnd["stoppedBy"];
}

/**
 * Name of the channel that holds a loop's state: not an identifier, so that no state field or
 * node can have it.
 *
 * @param nodeId The loop's source node.
 * @returns The channel name.
 */
function loopChannel(nodeId: string): string {
  return `loop#${nodeId}`;
}

/** A loop edge. */
export const LOOP_EDGE: EdgeKind = {
  destinations: (edge) => {
    const loop = edgePart(edge, "loop");
    return [...new Set([loop.back_to ?? edge.from, loop.exit_to])];
  },
  channels: (edge) => ({ [loopChannel(edge.from)]: {} }),
  decorations: (edge, context) => {
    const loop = edgePart(edge, "loop");
    const channel = loopChannel(edge.from);
    const body = loopBody(context.edges, context.edges.indexOf(edge));
    const loopRound = (state: GraphState) => ({
      round: roundOf(loopStateOf(state, channel)),
      maxRounds: loop.max_iterations,
      bodySize: body.length,
    });
    const endsRound: NodeDecoration = {
      loopRound,
      updates: (values, state) => ({
        ...values,
        [channel]: afterRound(loop, channel, values, state),
      }),
    };
    return body.map((nodeId) => [nodeId, nodeId === edge.from ? endsRound : { loopRound }]);
  },
  router: (edge) => {
    const loop = edgePart(edge, "loop");
    const channel = loopChannel(edge.from);
    const backTo = loop.back_to ?? edge.from;
    return (state, call) => {
      const { rounds, open, stoppedBy = "condition" } = loopStateOf(state, channel);
      if (open) return backTo;
      const end: LoopEnd = {
        nodeId: edge.from,
        backTo,
        conditionField: loop.condition_field,
        rounds,
        maxRounds: loop.max_iterations,
        stoppedBy,
      };
      const run = findRunContext(call);
      run?.loops.push(end);
      run?.emit({ type: "loop_ended", ...end });
      return loop.exit_to;
    };
  },
  connect: connectRouter("loop"),
};

/**
 * The loop's state after the source node ran a round: the condition is read as the node
 * leaves it (its own output, else the state's value); met, it ends the loop before the last
 * round does.
 */
function afterRound(
  loop: LoopConfig,
  channel: string,
  values: Record<string, unknown>,
  state: GraphState,
): LoopState {
  const rounds = roundOf(loopStateOf(state, channel));
  const field = loop.condition_field;
  if ((Object.hasOwn(values, field) ? values[field] : state[field]) === true) {
    return { rounds, open: false, stoppedBy: "condition" };
  }
  if (rounds >= loop.max_iterations) return { rounds, open: false, stoppedBy: "max_iterations" };
  return { rounds, open: true };
}

/** The round a node of the loop runs in: the next one, or 1 when the loop starts afresh. */
function roundOf(loop: LoopState): number {
  return loop.open ? loop.rounds + 1 : 1;
}

function loopStateOf(state: GraphState, channel: string): LoopState {
  const value = state[channel];
  return typeof value === "object" && value !== null && "rounds" in value
    ? value as LoopState
    : { rounds: 0, open: false };
}
