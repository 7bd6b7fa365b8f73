/**
 * `loopBody`: the nodes one round of a loop runs, from its `back_to` node to the node its
 * loop edge leaves. The validator requires a body; the engine tells each of these nodes which
 * round it is in.
 *
 * @module
 */
import { END, START } from "./constants.ts";
import type { EdgeConfig } from "./schema.ts";
import { stepsOf, walk } from "./_graph_steps.ts";

/**
 * The nodes one round of the loop of `edges[index]` may run: every node on a path from the
 * loop's `back_to` node (its own node when absent) to the node the loop edge leaves, both
 * included, in the order a walk from `back_to` reaches them. Empty when `edges[index]` is not
 * a loop or no such path exists.
 *
 * @example Usage
 * ```ts
 * import { loopBody } from "./loop_body.ts";
 * const edges = [
 *   { from: "START", to: "write" },
 *   { from: "write", to: "critic" },
 *   {
 *     from: "critic",
 *     loop: { condition_field: "approved", max_iterations: 3, exit_to: "END", back_to: "write" },
 *   },
 * ];
 * if (loopBody(edges, 2).join() !== "write,critic") throw new Error();
 * ```
 *
 * @param edges Every edge of the workflow.
 * @param index The loop edge.
 * @returns The node ids of one round.
 */
export function loopBody(edges: readonly EdgeConfig[], index: number): string[] {
  const edge = edges[index];
  if (!edge?.loop) return [];
  const start = edge.loop.back_to ?? edge.from;
  const steps = edges.flatMap(stepsOf);
  const ahead = walk(start, steps, "forward", edge.from);
  if (!ahead.has(edge.from)) return [];
  const leadingBack = walk(edge.from, steps, "backward");
  return [...ahead].filter((name) => leadingBack.has(name) && name !== START && name !== END);
}
