/**
 * Builds the LangGraph graph of a validated workflow: prepares each node, declares one channel
 * per state field plus the internal ones edges need, and wires the edges through the
 * edge-kind registry. It checks nothing: the workflow passed validation, which holds every
 * rule of the graph.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { END, type NodeConfig } from "../config/schema.ts";
import { errorMessage, WorkflowError } from "../errors.ts";
import { resolveModelSpec } from "../llm/model_spec.ts";
import { type EdgeContext, type EdgeKind, type EdgeKindName, edgeKindOf } from "./_edge_kind.ts";
import { LOOP_EDGE } from "./_edge_loop.ts";
import { PARALLEL_EDGE } from "./_edge_parallel.ts";
import { ROUTES_EDGE } from "./_edge_routes.ts";
import { TO_EDGE } from "./_edge_to.ts";
import {
  type ChannelSpec,
  type CompiledGraph,
  compileStateGraph,
  type GraphState,
} from "./_langgraph.ts";
import { executeNode } from "./_node_executor.ts";
import { type NodeDecoration, type NodePlan, runContextOf } from "./_node_plan.ts";
import type { NodeTool } from "./_tool_calls.ts";
import type { ToolLookup } from "./engine_types.ts";
import { createOutputModel, type OutputTarget } from "./output_model.ts";
import { createStateModel, type StateModel } from "./state_model.ts";

/** The behaviour of every edge kind, selected by the key an edge has. */
export const EDGE_KINDS: Readonly<Record<EdgeKindName, EdgeKind>> = {
  to: TO_EDGE,
  routes: ROUTES_EDGE,
  loop: LOOP_EDGE,
  parallel: PARALLEL_EDGE,
};

/** A workflow built onto LangGraph: what each run of it needs. */
export interface WorkflowGraph {
  /** The state model. */
  readonly state: StateModel;
  /** Every node, prepared. */
  readonly plans: ReadonlyMap<string, NodePlan>;
  /** The compiled LangGraph graph. */
  readonly langGraph: CompiledGraph;
}

/**
 * Builds the graph of a validated workflow.
 *
 * @param loaded The validated workflow.
 * @param tools The tools of the run (every tool the workflow names is among them).
 * @returns The graph and its prepared nodes.
 * @throws {WorkflowError} `GRAPH_BUILD_FAILED` (phase `build`) only when LangGraph or a node
 * refuses what validation accepted, which is a defect of this toolkit.
 */
export function buildWorkflowGraph(loaded: LoadedWorkflow, tools: ToolLookup): WorkflowGraph {
  const { config } = loaded;
  try {
    const state = createStateModel(config.state.fields);
    const context = edgeContext(loaded, state);
    const channels: Record<string, ChannelSpec> = {};
    for (const name of state.names) channels[name] = {};
    const decorations = new Map<string, NodeDecoration[]>();
    for (const edge of config.edges) {
      const { kind } = edgeKindOf(edge, EDGE_KINDS);
      Object.assign(channels, kind.channels(edge, context));
      for (const [nodeId, decoration] of kind.decorations(edge, context)) {
        decorations.set(nodeId, [...(decorations.get(nodeId) ?? []), decoration]);
      }
    }
    const plans = new Map<string, NodePlan>();
    for (const node of config.nodes) {
      plans.set(node.id, planNode(loaded, node, state, decorations.get(node.id) ?? [], tools));
    }
    const langGraph = compileStateGraph(channels, (wiring) => {
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
    return { state, plans, langGraph };
  } catch (error) {
    throw new WorkflowError(
      "GRAPH_BUILD_FAILED",
      `Cannot build the graph of workflow "${config.flow.name}" although it passed validation: ${
        errorMessage(error)
      }`,
      {
        phase: "build",
        cause: error,
        hint: "This is a defect of configurable-agents: please report it with the workflow file",
      },
    );
  }
}

function edgeContext(loaded: LoadedWorkflow, state: StateModel): EdgeContext {
  const { config } = loaded;
  const nodes = new Map(config.nodes.map((node) => [node.id, node]));
  const edgesFrom = new Map<string, typeof config.edges>();
  for (const edge of config.edges) {
    edgesFrom.set(edge.from, [...(edgesFrom.get(edge.from) ?? []), edge]);
  }
  const context: EdgeContext = {
    nodes,
    edges: config.edges,
    state,
    next: (nodeId, current, call) => {
      const edges = edgesFrom.get(nodeId) ?? [];
      if (edges.length === 0) return [END];
      return edges.flatMap((edge) => {
        const target = edgeKindOf(edge, EDGE_KINDS).kind.router(edge, context)(current, call);
        return typeof target === "string" ? [target] : target.filter(isName);
      });
    },
    destinationsOf: (nodeId) =>
      (edgesFrom.get(nodeId) ?? []).flatMap((edge) =>
        edgeKindOf(edge, EDGE_KINDS).kind.destinations(edge)
      ),
  };
  return context;
}

function isName(target: unknown): target is string {
  return typeof target === "string";
}

function planNode(
  loaded: LoadedWorkflow,
  node: NodeConfig,
  state: StateModel,
  decorations: readonly NodeDecoration[],
  lookup: ToolLookup,
): NodePlan {
  const { execution, llm } = loaded.config.config;
  const targets: Record<string, OutputTarget> = {};
  for (const output of node.outputs) {
    const target = decorations.map((d) => d.outputTarget?.(output)).find((t) => t) ??
      state.fields[output];
    if (target) targets[output] = target;
  }
  const tools = new Map<string, NodeTool>();
  for (const entry of node.tools ?? []) {
    const spec = typeof entry === "string" ? { name: entry, on_error: "fail" as const } : entry;
    const tool = lookup.get(spec.name);
    if (!tool) throw new TypeError(`the run has no tool "${spec.name}"`);
    tools.set(spec.name, { tool, onError: spec.on_error, config: spec.config ?? {} });
  }
  const prompt = loaded.prompts[node.id];
  if (prompt === undefined) throw new TypeError(`node "${node.id}" has no prompt`);
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
