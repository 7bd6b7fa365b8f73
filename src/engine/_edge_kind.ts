/**
 * The registry of edge kinds. Each kind (`to`, `routes`, `loop`, `parallel`) describes itself:
 * where it may lead, the channels it needs, the roles it gives nodes, and how it routes. Shared
 * code looks the kind up; it never switches on it.
 *
 * @module
 */
import type { EdgeConfig, NodeConfig } from "../config/schema.ts";
import type {
  ChannelSpec,
  GraphRouter,
  GraphState,
  GraphWiring,
  NodeCallConfig,
} from "./_langgraph.ts";
import type { NodeDecoration } from "./_node_plan.ts";
import type { StateModel } from "./state_model.ts";

/** What an edge kind can see of the workflow. */
export interface EdgeContext {
  /** Nodes by id. */
  readonly nodes: ReadonlyMap<string, NodeConfig>;
  /** Every edge. */
  readonly edges: readonly EdgeConfig[];
  /** The state model. */
  readonly state: StateModel;
  /**
   * The next steps after a node by its outgoing edges (`END` when it has none).
   *
   * @param nodeId The node.
   * @param state The state after it.
   * @param call What LangGraph passed the router that asks, when it asks during a run.
   */
  next(nodeId: string, state: GraphState, call?: NodeCallConfig): string[];
  /** Every node (or `END`) the outgoing edges of a node may lead to. */
  destinationsOf(nodeId: string): string[];
}

/**
 * How one kind of edge behaves in the engine. Its rules (fields, types, endpoints) are the
 * validator's: an edge kind only builds and routes what validation accepted.
 */
export interface EdgeKind {
  /** Every node (or `END`) the edge may lead to. */
  destinations(edge: EdgeConfig): string[];
  /** Channels the edge needs, by name (they replace a state field's default channel). */
  channels(edge: EdgeConfig, context: EdgeContext): Record<string, ChannelSpec>;
  /** Roles the edge gives nodes, by node id. */
  decorations(edge: EdgeConfig, context: EdgeContext): [string, NodeDecoration][];
  /** Picks the next step after the source node. */
  router(edge: EdgeConfig, context: EdgeContext): GraphRouter;
  /** Adds the edge to the graph. */
  connect(edge: EdgeConfig, graph: GraphWiring, context: EdgeContext): void;
}

/** Names of the edge kinds, which are also the keys that select them in an edge. */
export type EdgeKindName = "to" | "routes" | "loop" | "parallel";

/**
 * Finds the kind of an edge: the one whose key the edge has.
 *
 * @param edge The edge.
 * @param kinds The registry.
 * @returns The kind's name and behaviour.
 * @throws {TypeError} When the edge has none of the keys.
 */
export function edgeKindOf(
  edge: EdgeConfig,
  kinds: Readonly<Record<EdgeKindName, EdgeKind>>,
): { name: EdgeKindName; kind: EdgeKind } {
  const name = (Object.keys(kinds) as EdgeKindName[]).find((key) => edge[key] !== undefined);
  if (!name) {
    throw new TypeError(`Cannot follow the edge from "${edge.from}" as it has no target`);
  }
  return { name, kind: kinds[name] };
}

/**
 * Reads a kind's own part of an edge.
 *
 * @param edge The edge.
 * @param key The kind's key.
 * @returns The part.
 * @throws {TypeError} When the edge has no such part.
 */
export function edgePart<K extends EdgeKindName>(
  edge: EdgeConfig,
  key: K,
): NonNullable<EdgeConfig[K]> {
  const part = edge[key];
  if (part === undefined) {
    throw new TypeError(`Cannot read '${key}' of the edge from "${edge.from}" as it has none`);
  }
  return part as NonNullable<EdgeConfig[K]>;
}

/**
 * The `connect` of an edge that routes with a function: adds its router under a name unique to
 * its source node.
 *
 * @param prefix Names the router (`<prefix>_after_<source>`).
 * @returns The `connect` of the kind.
 */
export function connectRouter(prefix: string): EdgeKind["connect"] {
  return function connect(this: EdgeKind, edge, graph, context) {
    graph.addRouter(
      edge.from,
      `${prefix}_after_${edge.from}`,
      this.router(edge, context),
      this.destinations(edge),
    );
  };
}
