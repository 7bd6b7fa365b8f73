/**
 * The graph of a workflow as directed steps between names (node ids, `START`, `END`): what
 * the graph checks walk, and what `loopBody` reads.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { EdgeConfig } from "./schema.ts";

/** A directed step of the graph, with where it is written. */
export interface Step {
  /** The name it leaves. */
  readonly from: string;
  /** The name it reaches. */
  readonly to: string;
  /** `plain` steps (`to` and parallel fan-outs) may not form cycles. */
  readonly plain: boolean;
  /** Where the step is written. */
  readonly path: JsonPath;
}

/**
 * The names an edge leads to as written, with the path of each: `to`, each route's `to`, a
 * loop's `exit_to` and `back_to`, a fan-out's `target_node`.
 *
 * @param edge The edge.
 * @param index Its index in `edges`.
 * @returns Each target and its path.
 */
export function targetsOf(edge: EdgeConfig, index: number): [string, JsonPath][] {
  const base = ["edges", index];
  if (edge.to !== undefined) return [[edge.to, [...base, "to"]]];
  if (edge.routes) {
    return edge.routes.map((route, r) => [route.to, [...base, "routes", r, "to"]]);
  }
  if (edge.loop) {
    const exit: [string, JsonPath] = [edge.loop.exit_to, [...base, "loop", "exit_to"]];
    const back = edge.loop.back_to;
    return back === undefined ? [exit] : [exit, [back, [...base, "loop", "back_to"]]];
  }
  if (edge.parallel) return [[edge.parallel.target_node, [...base, "parallel", "target_node"]]];
  return [];
}

/**
 * The steps of an edge: one per target, plus a loop's step back to its own node when it has
 * no `back_to`.
 *
 * @param edge The edge.
 * @param index Its index in `edges`.
 * @returns Its steps.
 */
export function stepsOf(edge: EdgeConfig, index: number): Step[] {
  const steps: Step[] = targetsOf(edge, index).map(([to, path]) => ({
    from: edge.from,
    to,
    plain: edge.to !== undefined || edge.parallel !== undefined,
    path,
  }));
  if (edge.loop && edge.loop.back_to === undefined) {
    steps.push({ from: edge.from, to: edge.from, plain: false, path: ["edges", index, "loop"] });
  }
  return steps;
}

/**
 * Steps grouped by the name they leave (`forward`) or reach (`backward`), in step order.
 *
 * @param steps The steps.
 * @param direction Which end groups them.
 * @returns The steps by name.
 */
export function adjacency(
  steps: readonly Step[],
  direction: "forward" | "backward",
): Map<string, Step[]> {
  const byName = new Map<string, Step[]>();
  for (const step of steps) {
    const here = direction === "forward" ? step.from : step.to;
    const list = byName.get(here);
    if (list) list.push(step);
    else byName.set(here, [step]);
  }
  return byName;
}

/**
 * Every name reachable from `origin` (itself included), breadth first.
 *
 * @param origin Where the walk starts.
 * @param steps The steps.
 * @param direction Along the steps (`forward`) or against them (`backward`).
 * @param stop A name reached but not walked on from (`origin` included).
 * @returns The names reached, in the order they were reached.
 */
export function walk(
  origin: string,
  steps: readonly Step[],
  direction: "forward" | "backward",
  stop?: string,
): Set<string> {
  const next = adjacency(steps, direction);
  const seen = new Set([origin]);
  const queue = [origin];
  for (let head = 0; head < queue.length; head++) {
    const here = queue[head]!;
    if (here === stop) continue;
    for (const step of next.get(here) ?? []) {
      const there = direction === "forward" ? step.to : step.from;
      if (!seen.has(there)) {
        seen.add(there);
        queue.push(there);
      }
    }
  }
  return seen;
}
