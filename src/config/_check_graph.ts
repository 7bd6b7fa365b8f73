/**
 * Semantic checks of the graph (SPEC section 3, item 1): node ids unique, edge endpoints
 * exist, exactly one START edge and one way out of each node, every node reachable from
 * START and able to reach END, cycles only through `loop` or `routes` edges, a parallel
 * target reached only by its fan-out, and a loop's `back_to` leading round to its node.
 *
 * @module
 */
import type { EdgeConfig } from "./schema.ts";
import { END, START } from "./constants.ts";
import type { CheckContext } from "./_check_context.ts";
import { adjacency, type Step, stepsOf, targetsOf, walk } from "./_graph_steps.ts";
import { loopBody } from "./loop_body.ts";
import { suggestName } from "./suggest.ts";

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
    if (edge.loop?.back_to === END) {
      ctx.error(
        "invalid_edge",
        `Cannot loop back to END as each round of a loop runs nodes`,
        ["edges", index, "loop", "back_to"],
        { suggestion: "put the earliest node of the round in 'back_to', and END in 'exit_to'" },
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
  const steps = soundSteps(ctx);
  // Without a START edge every node is unreachable; that one error says it all.
  if (!ids || !steps || !steps.some((step) => step.from === START)) return;
  const reached = walk(START, steps, "forward");
  const finishing = walk(END, steps, "backward");
  const cycle = findPlainCycle(steps);
  const onPlainCycle = new Set(cycle?.map((step) => step.from));
  const leaving = new Set(steps.map((step) => step.from));
  const onCycle = nodesOnCycles(steps);
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
    if (!leaving.has(id)) {
      ctx.error(
        "dead_end_node",
        `Cannot finish the workflow from node "${id}" as no edge leaves it`,
        path,
        { suggestion: `add '- {from: ${id}, to: END}'` },
      );
    } else if (onCycle.has(id)) {
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

/**
 * Each loop's `back_to` leads to the node the loop leaves, so that a round has nodes to run.
 *
 * @param ctx The validation pass.
 */
export function checkLoopRounds(ctx: CheckContext): void {
  const edges = ctx.view.edges;
  if (!edges || !soundSteps(ctx)) return;
  edges.forEach((edge, index) => {
    const back = edge.loop?.back_to;
    if (back === undefined || back === END || loopBody(edges, index).length > 0) return;
    ctx.error(
      "loop_without_round",
      `Cannot loop back from "${edge.from}" to "${back}" as no path leads from "${back}" to "${edge.from}"`,
      ["edges", index, "loop", "back_to"],
      { suggestion: `loop back to a node on the way to "${edge.from}", or leave out 'back_to'` },
    );
  });
}

/** The steps of the graph when every endpoint is a known name (else they are reported). */
function soundSteps(ctx: CheckContext): Step[] | undefined {
  const ids = ctx.view.nodeIds;
  const edges = ctx.view.edges;
  if (!ids || !edges) return undefined;
  const steps = edges.flatMap((edge, index) => stepsOf(edge, index));
  // A bad endpoint is reported already; graph checks would only echo it.
  const names = new Set([START, END, ...ids]);
  const broken = steps.some((step) =>
    !names.has(step.from) || !names.has(step.to) || step.from === END || step.to === START
  );
  return broken ? undefined : steps;
}

/**
 * The names that can come back to themselves: members of a strongly connected component of
 * more than one name, or with a step to themselves (Tarjan's algorithm, without recursion so
 * that long chains of nodes cannot overflow the stack).
 */
function nodesOnCycles(steps: readonly Step[]): Set<string> {
  const next = adjacency(steps, "forward");
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cyclic = new Set<string>();
  for (const step of steps) if (step.from === step.to) cyclic.add(step.from);
  for (const root of next.keys()) {
    if (index.has(root)) continue;
    const frames: { name: string; edge: number }[] = [{ name: root, edge: 0 }];
    index.set(root, index.size);
    low.set(root, index.get(root)!);
    stack.push(root);
    onStack.add(root);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      const out = next.get(frame.name) ?? [];
      if (frame.edge < out.length) {
        const to = out[frame.edge++]!.to;
        if (!index.has(to)) {
          index.set(to, index.size);
          low.set(to, index.get(to)!);
          stack.push(to);
          onStack.add(to);
          frames.push({ name: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.name, Math.min(low.get(frame.name)!, index.get(to)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.name, Math.min(low.get(parent.name)!, low.get(frame.name)!));
      if (low.get(frame.name) !== index.get(frame.name)) continue;
      const component: string[] = [];
      for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
        onStack.delete(name);
        component.push(name);
        if (name === frame.name) break;
      }
      if (component.length > 1) { for (const name of component) cyclic.add(name); }
    }
  }
  return cyclic;
}

/**
 * The first cycle made only of plain steps (depth-first search, without recursion so that
 * long chains of nodes cannot overflow the stack), if any.
 */
function findPlainCycle(steps: readonly Step[]): Step[] | undefined {
  const plain = steps.filter((step) => step.plain);
  const next = adjacency(plain, "forward");
  const state = new Map<string, "open" | "done">();
  for (const first of plain) {
    if (state.has(first.from)) continue;
    // `trail[i]` is the step that led to `frames[i + 1]`.
    const trail: Step[] = [];
    const frames: { name: string; edge: number }[] = [{ name: first.from, edge: 0 }];
    state.set(first.from, "open");
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      const out = next.get(frame.name) ?? [];
      if (frame.edge >= out.length) {
        state.set(frame.name, "done");
        frames.pop();
        trail.pop();
        continue;
      }
      const step = out[frame.edge++]!;
      if (state.get(step.to) === "open") {
        trail.push(step);
        return trail.slice(trail.findIndex((s) => s.from === step.to));
      }
      if (!state.has(step.to)) {
        trail.push(step);
        state.set(step.to, "open");
        frames.push({ name: step.to, edge: 0 });
      }
    }
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
