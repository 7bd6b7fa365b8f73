/**
 * Builds the LangGraph graph of a workflow: checks what the graph needs (every problem at
 * once, before any model is called), prepares each node, declares one channel per state field
 * plus the internal ones edges need, and wires the edges through the edge-kind registry.
 *
 * @module
 */
import type { Diagnostic, JsonPath } from "../config/diagnostic.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { isPromptUri } from "../config/prompt_uri.ts";
import { END, type NodeConfig, START } from "../config/schema.ts";
import { errorMessage, WorkflowError } from "../errors.ts";
import { resolveModelSpec } from "../llm/mod.ts";
import { type EdgeContext, type EdgeKind, type EdgeKindName, edgeKindOf } from "./_edge_kind.ts";
import { LOOP_EDGE } from "./_edge_loop.ts";
import { ITEM_CHANNEL, PARALLEL_EDGE } from "./_edge_parallel.ts";
import { ROUTES_EDGE } from "./_edge_routes.ts";
import { TO_EDGE } from "./_edge_to.ts";
import { buildGraph, type ChannelSpec, type CompiledGraph, type GraphState } from "./_langgraph.ts";
import { executeNode } from "./_node_executor.ts";
import { type NodeDecoration, type NodePlan, runContextOf } from "./_node_plan.ts";
import { closestName, quoteList } from "../config/suggest.ts";
import type { NodeTool } from "./_tool_calls.ts";
import type { EngineDeps } from "./engine_types.ts";
import { createOutputModel, type OutputTarget } from "./output_model.ts";
import { createStateModel, type StateModel } from "./state_model.ts";

/** The behaviour of every edge kind, selected by the key an edge has. */
export const EDGE_KINDS: Readonly<Record<EdgeKindName, EdgeKind>> = {
  to: TO_EDGE,
  routes: ROUTES_EDGE,
  loop: LOOP_EDGE,
  parallel: PARALLEL_EDGE,
};

/** A workflow compiled onto LangGraph. */
export interface CompiledGraphParts {
  /** The state model. */
  readonly state: StateModel;
  /** Every node, prepared. */
  readonly plans: ReadonlyMap<string, NodePlan>;
  /** The compiled graph. */
  readonly graph: CompiledGraph;
}

interface Problem {
  message: string;
  path: JsonPath;
}

/**
 * Compiles a workflow onto LangGraph.
 *
 * @param loaded The loaded workflow.
 * @param deps The engine's collaborators (the tool lookup is used here).
 * @returns The graph and its prepared nodes.
 * @throws {WorkflowError} `GRAPH_BUILD_FAILED` (phase `build`) listing every problem.
 */
export function compileGraph(
  loaded: LoadedWorkflow,
  deps: Pick<EngineDeps, "tools">,
): CompiledGraphParts {
  const { config } = loaded;
  const state = createStateModel(config.state.fields);
  const nodes = new Map(config.nodes.map((node) => [node.id, node]));
  const problems: Problem[] = [];
  const edgesFrom = new Map<string, typeof config.edges>();
  for (const edge of config.edges) {
    edgesFrom.set(edge.from, [...(edgesFrom.get(edge.from) ?? []), edge]);
  }
  const context: EdgeContext = {
    nodes,
    state,
    next: (nodeId, current) => {
      const edges = edgesFrom.get(nodeId) ?? [];
      if (edges.length === 0) return [END];
      return edges.flatMap((edge) => {
        const target = edgeKindOf(edge, EDGE_KINDS).kind.router(edge, context)(current);
        return typeof target === "string" ? [target] : target.filter(isName);
      });
    },
    destinationsOf: (nodeId) =>
      (edgesFrom.get(nodeId) ?? []).flatMap((edge) =>
        edgeKindOf(edge, EDGE_KINDS).kind.destinations(edge)
      ),
  };

  problems.push(...checkEdges(loaded, nodes, edgesFrom, context));
  const channels: Record<string, ChannelSpec> = {};
  for (const name of state.names) channels[name] = {};
  const decorations = new Map<string, NodeDecoration[]>();
  if (problems.length === 0) {
    for (const edge of config.edges) {
      const { kind } = edgeKindOf(edge, EDGE_KINDS);
      Object.assign(channels, kind.channels(edge, context));
      for (const [nodeId, decoration] of kind.decorations(edge, context)) {
        decorations.set(nodeId, [...(decorations.get(nodeId) ?? []), decoration]);
      }
    }
  }
  for (const reserved of [ITEM_CHANNEL, ...Object.keys(channels)]) {
    if (reserved.startsWith("__") && Object.hasOwn(config.state.fields, reserved)) {
      problems.push({
        message: `Cannot use "${reserved}" as a state field as the engine uses that name`,
        path: ["state", "fields", reserved],
      });
    }
  }
  const plans = new Map<string, NodePlan>();
  config.nodes.forEach((node, index) => {
    const plan = planNode(loaded, node, index, state, decorations.get(node.id) ?? [], deps);
    if ("problems" in plan) problems.push(...plan.problems);
    else plans.set(node.id, plan);
  });
  if (problems.length > 0) throw buildError(problems, loaded.file);

  try {
    const graph = buildGraph(channels, (wiring) => {
      for (const plan of plans.values()) {
        wiring.addNode(
          plan.node.id,
          (current, call) => executeNode(plan, current, runContextOf(call)),
        );
      }
      for (const edge of config.edges) {
        edgeKindOf(edge, EDGE_KINDS).kind.connect(edge, wiring, context);
      }
    });
    return { state, plans, graph };
  } catch (error) {
    throw buildError(
      [{
        message: `Cannot build the graph: ${errorMessage(error)}`,
        path: ["edges"],
      }],
      loaded.file,
      error,
    );
  }
}

function isName(target: unknown): target is string {
  return typeof target === "string";
}

function checkEdges(
  loaded: LoadedWorkflow,
  nodes: ReadonlyMap<string, NodeConfig>,
  edgesFrom: ReadonlyMap<string, LoadedWorkflow["config"]["edges"]>,
  context: EdgeContext,
): Problem[] {
  const problems: Problem[] = [];
  const nodeIds = [...nodes.keys()];
  const known = (name: string, endpoint: string) => name === endpoint || nodes.has(name);
  loaded.config.edges.forEach((edge, index) => {
    const path = ["edges", index];
    const unknown = (name: string, role: string) => {
      const near = closestName(name, [...nodeIds, START, END]);
      problems.push({
        message: `Cannot connect ${role} "${name}" as no node has that id${
          near ? `: did you mean '${near}'?` : `: nodes are ${quoteList(nodeIds)}`
        }`,
        path,
      });
    };
    const before = problems.length;
    if (!known(edge.from, START)) unknown(edge.from, "the edge from");
    const { name, kind } = edgeKindOf(edge, EDGE_KINDS);
    for (const to of kind.destinations(edge)) {
      const isTarget = name === "parallel";
      if (!(isTarget ? nodes.has(to) : known(to, END))) unknown(to, "an edge to");
    }
    if (name !== "to" && (edgesFrom.get(edge.from)?.length ?? 0) > 1) {
      problems.push({
        message:
          `Cannot combine the '${name}' edge from "${edge.from}" with its other edges: give a node one '${name}' edge only`,
        path,
      });
    }
    if (problems.length === before) {
      for (const message of kind.check(edge, context)) problems.push({ message, path });
    }
  });
  if (!edgesFrom.has(START)) {
    problems.push({
      message: `Cannot start the graph as no edge leaves START: add { from: START, to: <node> }`,
      path: ["edges"],
    });
  }
  return problems;
}

function planNode(
  loaded: LoadedWorkflow,
  node: NodeConfig,
  index: number,
  state: StateModel,
  decorations: readonly NodeDecoration[],
  deps: Pick<EngineDeps, "tools">,
): NodePlan | { problems: Problem[] } {
  const { execution, llm } = loaded.config.config;
  const path = ["nodes", index];
  const problems: Problem[] = [];
  const prompt = loaded.prompts[node.id] ?? node.prompt;
  if (prompt === undefined) {
    problems.push({ message: `Cannot run node "${node.id}" as it has no prompt`, path });
  } else if (isPromptUri(prompt)) {
    problems.push({
      message:
        `Cannot run node "${node.id}" as its prompt "${prompt.trim()}" was not resolved from the prompt registry: run it with runWorkflow or runBatch, which resolve it`,
      path: [...path, "prompt"],
    });
  }
  const targets: Record<string, OutputTarget> = {};
  for (const output of node.outputs) {
    const target = decorations.map((d) => d.outputTarget?.(output)).find((t) => t) ??
      state.fields[output];
    if (target) targets[output] = target;
    else {
      const near = closestName(output, state.names);
      problems.push({
        message:
          `Cannot write output "${output}" of node "${node.id}" as the state has no such field${
            near ? `: did you mean '${near}'?` : ""
          }`,
        path: [...path, "outputs"],
      });
    }
  }
  const tools = new Map<string, NodeTool>();
  for (const entry of node.tools ?? []) {
    const spec = typeof entry === "string" ? { name: entry, on_error: "fail" as const } : entry;
    const tool = deps.tools?.get(spec.name);
    if (!tool) {
      const names = [...(deps.tools?.names() ?? [])];
      const near = closestName(spec.name, names);
      problems.push({
        message: `Cannot give tool "${spec.name}" to node "${node.id}" as no tool has that name${
          near ? `: did you mean '${near}'?` : `: known tools are ${quoteList(names)}`
        }`,
        path: [...path, "tools"],
      });
      continue;
    }
    tools.set(spec.name, { tool, onError: spec.on_error, config: spec.config ?? {} });
  }
  if (problems.length > 0 || prompt === undefined) return { problems };
  try {
    const timeout = node.timeout ?? execution.node_timeout;
    return {
      node,
      prompt,
      output: createOutputModel(node, targets),
      tools,
      spec: resolveModelSpec(llm, node.llm),
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      maxRetries: node.max_retries ?? execution.max_retries,
      decorations,
    };
  } catch (error) {
    return {
      problems: [{
        message: `Cannot build the output schema of node "${node.id}": ${errorMessage(error)}`,
        path: [...path, "output_schema"],
      }],
    };
  }
}

function buildError(problems: Problem[], file: string | undefined, cause?: unknown): WorkflowError {
  const diagnostics: Diagnostic[] = problems.map((problem) => ({
    severity: "error",
    code: "graph_build",
    message: problem.message,
    path: problem.path,
    ...(file === undefined ? {} : { file }),
  }));
  return new WorkflowError(
    "GRAPH_BUILD_FAILED",
    problems.length === 1
      ? (problems[0] as Problem).message
      : `Cannot build the graph as ${problems.length} problems were found: ${
        problems.map((p) => p.message).join("; ")
      }`,
    { phase: "build", diagnostics, ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * Reduces the values a graph returns to the declared state fields (internal channels
 * dropped), in declaration order.
 *
 * @param state The state model.
 * @param values The graph's final values.
 * @returns The state as plain JSON.
 */
export function declaredState(state: StateModel, values: GraphState): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const name of state.names) result[name] = values[name] ?? null;
  return result;
}
