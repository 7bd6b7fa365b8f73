/**
 * Semantic checks of the graph (SPEC section 3, item 1): node ids unique, edge endpoints
 * exist, exactly one START edge and one way out of each node, every node reachable from
 * START and able to reach END, cycles only through `loop` or `routes` edges, and a parallel
 * target reached only by its fan-out.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { EdgeConfig } from "./schema.ts";
import { END, START } from "./constants.ts";
import type { CheckContext } from "./_check_context.ts";
import { suggestName } from "./suggest.ts";

/** A directed step of the graph, with where it is written. */
interface Step {
  readonly from: string;
  readonly to: string;
  /** `plain` steps (`to` and parallel fan-outs) may not form cycles. */
  readonly plain: boolean;
  readonly path: JsonPath;
}

/**
 * Node ids are unique.
 *
 * @param ctx The validation pass.
 */
export function checkUniqueNodeIds(ctx: CheckContext): void {
  const seen = new Map<string, number>();
  ctx.view.nodes.forEach((node, index) => {
    if (!node) return;
    const first = seen.get(node.id);
    if (first === undefined) {
      seen.set(node.id, index);
      return;
    }
    const line = ctx.sourceMap.locate(["nodes", first, "id"])?.line;
    ctx.error(
      "duplicate_node",
      `Cannot declare node "${node.id}" twice: it is first declared as nodes[${first}]${
        line === undefined ? "" : ` on line ${line}`
      }`,
      ["nodes", index, "id"],
      { suggestion: "give each node its own id" },
    );
  });
}

/**
 * Edge endpoints exist, START has exactly one edge, each node has at most one edge out, and
 * a parallel target is reached only by its fan-out.
 *
 * @param ctx The validation pass.
 */
export function checkEdgeEndpoints(ctx: CheckContext): void {
  const ids = ctx.view.nodeIds;
  const edges = ctx.view.edges;
  if (!ids || !edges) return;
  const known = new Set(ids);
  const fromNames = [START, ...ids];
  const toNames = [...ids, END];

  const outgoing = new Map<string, number>();
  edges.forEach((edge, index) => {
    const fromPath = ["edges", index, "from"];
    if (edge.from === END) {
      ctx.error(
        "invalid_edge",
        `Cannot start an edge at END as the workflow stops there`,
        fromPath,
      );
    } else if (edge.from !== START && !known.has(edge.from)) {
      ctx.error(
        "unknown_node",
        `Cannot start an edge at "${edge.from}" as no node has that id`,
        fromPath,
        {
          suggestion: suggestName(edge.from, fromNames, "nodes"),
        },
      );
    } else {
      const first = outgoing.get(edge.from);
      if (first === undefined) outgoing.set(edge.from, index);
      else {
        ctx.error(
          edge.from === START ? "multiple_start_edges" : "multiple_edges",
          edge.from === START
            ? `Cannot start the workflow twice: edges[${first}] already leaves START`
            : `Cannot leave node "${edge.from}" by two edges: edges[${first}] already leaves it`,
          fromPath,
          { suggestion: "merge them into one edge with 'routes' to choose between targets" },
        );
      }
    }
    for (const [to, path] of targetsOf(edge, index)) {
      if (to === START) {
        ctx.error(
          "invalid_edge",
          `Cannot lead an edge to START as the workflow begins there`,
          path,
        );
      } else if (to !== END && !known.has(to)) {
        ctx.error("unknown_node", `Cannot lead an edge to "${to}" as no node has that id`, path, {
          suggestion: suggestName(to, toNames, "nodes"),
        });
      }
    }
    if (edge.from === START && edge.loop) {
      ctx.error(
        "invalid_edge",
        "Cannot loop at START as only a node can repeat",
        ["edges", index, "loop"],
        { suggestion: "start with '- {from: START, to: <node>}' and put the loop on that node" },
      );
    }
    if (edge.parallel?.target_node === END) {
      ctx.error(
        "invalid_edge",
        `Cannot fan out to END as a parallel target must be a node`,
        ["edges", index, "parallel", "target_node"],
      );
    }
  });
  if (!outgoing.has(START)) {
    ctx.error(
      "missing_start_edge",
      `Cannot start the workflow as no edge leaves START`,
      ["edges"],
      {
        suggestion: ids[0] === undefined ? undefined : `add '- {from: START, to: ${ids[0]}}'`,
      },
    );
  }
  checkParallelTargets(ctx, edges);
}

function checkParallelTargets(ctx: CheckContext, edges: readonly EdgeConfig[]): void {
  edges.forEach((edge, index) => {
    const target = edge.parallel?.target_node;
    if (target === undefined) return;
    edges.forEach((other, otherIndex) => {
      if (otherIndex === index) return;
      for (const [to, path] of targetsOf(other, otherIndex)) {
        if (to !== target) continue;
        ctx.error(
          "parallel_target_shared",
          `Cannot lead edges[${otherIndex}] to "${target}" as it is the parallel target of edges[${index}]: it runs once per item and only there`,
          path,
        );
      }
    });
  });
}

/**
 * Every node is reachable from START and can reach END, and cycles go through a `loop` or
 * `routes` edge.
 *
 * @param ctx The validation pass.
 */
export function checkReachability(ctx: CheckContext): void {
  const ids = ctx.view.nodeIds;
  const edges = ctx.view.edges;
  if (!ids || !edges) return;
  const steps = edges.flatMap((edge, index) => stepsOf(edge, index));
  // A bad endpoint is reported already; reachability would only echo it.
  const names = new Set([START, END, ...ids]);
  const broken = steps.some((step) =>
    !names.has(step.from) || !names.has(step.to) || step.from === END || step.to === START
  );
  // Without a START edge every node is unreachable; that one error says it all.
  if (broken || !steps.some((step) => step.from === START)) return;
  const reached = walk(START, steps, "forward");
  const finishing = walk(END, steps, "backward");
  const cycle = findPlainCycle(steps);
  const onPlainCycle = new Set(cycle?.map((step) => step.from));
  const reported = new Set<string>();
  ids.forEach((id, index) => {
    if (reported.has(id)) return;
    reported.add(id);
    const path = ["nodes", index, "id"];
    if (!reached.has(id)) {
      ctx.error(
        "unreachable_node",
        `Cannot reach node "${id}" as no path leads to it from START`,
        path,
        { suggestion: `add an edge to "${id}" or remove the node` },
      );
      return;
    }
    if (finishing.has(id) || onPlainCycle.has(id)) return;
    // Report where the way out is missing: a node no edge leaves, or a cycle with no exit.
    // Nodes that merely lead there are not reported again.
    if (!steps.some((step) => step.from === id)) {
      ctx.error(
        "dead_end_node",
        `Cannot finish the workflow from node "${id}" as no edge leaves it`,
        path,
        { suggestion: `add '- {from: ${id}, to: END}'` },
      );
    } else if (isOnCycle(id, steps)) {
      ctx.error(
        "dead_end_node",
        `Cannot finish the workflow from node "${id}" as every path from it returns to it and none leads to END`,
        path,
        { suggestion: "give the loop or one of the routes an exit towards END" },
      );
    }
  });
  if (cycle) reportPlainCycle(ctx, cycle);
}

function targetsOf(edge: EdgeConfig, index: number): [string, JsonPath][] {
  const base = ["edges", index];
  if (edge.to !== undefined) return [[edge.to, [...base, "to"]]];
  if (edge.routes) {
    return edge.routes.map((route, r) => [route.to, [...base, "routes", r, "to"]]);
  }
  if (edge.loop) return [[edge.loop.exit_to, [...base, "loop", "exit_to"]]];
  if (edge.parallel) return [[edge.parallel.target_node, [...base, "parallel", "target_node"]]];
  return [];
}

function stepsOf(edge: EdgeConfig, index: number): Step[] {
  const steps: Step[] = targetsOf(edge, index).map(([to, path]) => ({
    from: edge.from,
    to,
    plain: edge.to !== undefined || edge.parallel !== undefined,
    path,
  }));
  if (edge.loop) {
    steps.push({ from: edge.from, to: edge.from, plain: false, path: ["edges", index, "loop"] });
  }
  return steps;
}

function walk(
  origin: string,
  steps: readonly Step[],
  direction: "forward" | "backward",
): Set<string> {
  const seen = new Set([origin]);
  const queue = [origin];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const step of steps) {
      const [here, next] = direction === "forward" ? [step.from, step.to] : [step.to, step.from];
      if (here === name && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Whether a node can come back to itself. */
function isOnCycle(id: string, steps: readonly Step[]): boolean {
  const after = walk(id, steps, "forward");
  return steps.some((step) => step.to === id && after.has(step.from));
}

/** The first cycle made only of plain steps (depth-first search), if any. */
function findPlainCycle(steps: readonly Step[]): Step[] | undefined {
  const plain = steps.filter((step) => step.plain);
  const state = new Map<string, "open" | "done">();
  const trail: Step[] = [];
  const visit = (name: string): Step[] | undefined => {
    state.set(name, "open");
    for (const step of plain.filter((s) => s.from === name)) {
      trail.push(step);
      if (state.get(step.to) === "open") {
        return trail.slice(trail.findIndex((s) => s.from === step.to));
      }
      if (!state.has(step.to)) {
        const found = visit(step.to);
        if (found) return found;
      }
      trail.pop();
    }
    state.set(name, "done");
    return undefined;
  };
  for (const step of plain) {
    if (state.has(step.from)) continue;
    const cycle = visit(step.from);
    if (cycle) return cycle;
  }
  return undefined;
}

function reportPlainCycle(ctx: CheckContext, cycle: readonly Step[]): void {
  const last = cycle.at(-1);
  if (!last) return;
  const names = [...cycle.map((s) => s.from), last.to].map((n) => `"${n}"`).join(" -> ");
  ctx.error(
    "invalid_cycle",
    `Cannot repeat ${names} as a cycle needs a 'loop' or 'routes' edge to end it`,
    last.path,
    { suggestion: "use a 'loop' edge with a condition_field, or 'routes' with an exit" },
  );
}
