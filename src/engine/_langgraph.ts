/**
 * The one place that talks to LangGraph's `StateGraph`, with plain types: channels by name,
 * async node functions, static edges and routers. LangGraph's own generics (ten type
 * parameters, names known at compile time) do not fit a graph built from a file.
 *
 * @module
 */
import {
  Annotation,
  type BaseChannel,
  END,
  Send,
  START,
  type StateDefinition,
  StateGraph,
} from "@langchain/langgraph";
import { END as CONFIG_END, START as CONFIG_START } from "../config/schema.ts";

/** A graph state: channel name to value. */
export type GraphState = Record<string, unknown>;

/** A channel that is not last-value: how an update combines with the current value. */
export interface ChannelSpec {
  /** Combines the current value with one update. */
  reducer?: (current: unknown, update: unknown) => unknown;
}

/** What LangGraph passes a node besides its state. */
export interface NodeCallConfig {
  /** Values passed to `invoke` under `configurable`. */
  configurable?: Record<string, unknown>;
}

/** A node: the state in, the channel updates out. */
export type GraphNode = (state: GraphState, config: NodeCallConfig) => Promise<GraphState>;

/** A parallel run of a node with its own input state. */
export interface GraphSend {
  /** The node id. */
  readonly node: string;
  /** Its input state. */
  readonly state: GraphState;
}

/** What a router returns: node ids (`END` as written in workflow files) or parallel sends. */
export type RouteTarget = string | readonly (string | GraphSend)[];

/**
 * A router: picks the next step from the state after its source node. During a run LangGraph
 * passes it the same `configurable` as the nodes get.
 */
export type GraphRouter = (state: GraphState, call?: NodeCallConfig) => RouteTarget;

/** Adds nodes and edges. */
export interface GraphWiring {
  /** Adds a node. */
  addNode(name: string, node: GraphNode): void;
  /** Adds a static edge between node ids (`START`/`END` as written in workflow files). */
  addEdge(from: string, to: string): void;
  /**
   * Adds a conditional edge.
   *
   * @param from Source node or `START`.
   * @param name Unique name of the router.
   * @param router Picks the next step.
   * @param destinations Every node name (or `END`) it may return.
   */
  addRouter(from: string, name: string, router: GraphRouter, destinations: readonly string[]): void;
}

/** Options of one invocation. */
export interface GraphInvokeOptions {
  /** Aborts the run. */
  signal: AbortSignal;
  /** Most super-steps. */
  recursionLimit: number;
  /** Passed to every node. */
  configurable: Record<string, unknown>;
  /** Told the state after every step and the nodes that ran in it. */
  onStep?: (nodeIds: readonly string[], values: GraphState) => void;
}

/** A compiled graph. */
export interface CompiledGraph {
  /** Runs the graph from an initial state to its final state. */
  invoke(input: GraphState, options: GraphInvokeOptions): Promise<GraphState>;
}

/**
 * A parallel run of a node with its own input state.
 *
 * @param node The node id.
 * @param state Its input state.
 * @returns The send packet.
 */
export function sendTo(node: string, state: GraphState): GraphSend {
  return { node, state };
}

interface LooseStateGraph {
  addNode(name: string, node: GraphNode): unknown;
  addEdge(from: string, to: string): unknown;
  addConditionalEdges(
    from: string,
    path: (state: GraphState, call?: NodeCallConfig) => string | (string | Send)[],
    pathMap: string[],
  ): unknown;
  compile(): LooseCompiledGraph;
}

type StreamChunk = ["updates", Record<string, unknown>] | ["values", GraphState];

interface LooseCompiledGraph {
  stream(
    input: GraphState,
    options: {
      signal: AbortSignal;
      recursionLimit: number;
      configurable: Record<string, unknown>;
      streamMode: ["updates", "values"];
    },
  ): Promise<AsyncIterable<StreamChunk>>;
}

/**
 * Builds and compiles a state graph. Node ids that are also channel names (a node `summary`
 * writing the field `summary`, which LangGraph refuses) get the LangGraph name `<id>-node`,
 * which no identifier can take; callers only ever see node ids.
 *
 * @param channels Every channel by name; an empty spec is a last-value channel.
 * @param wire Adds the nodes and edges.
 * @returns The compiled graph.
 * @throws {Error} What LangGraph's validation throws (unknown or unreachable nodes).
 */
export function compileStateGraph(
  channels: Readonly<Record<string, ChannelSpec>>,
  wire: (graph: GraphWiring) => void,
): CompiledGraph {
  const definition: StateDefinition = {};
  for (const [name, spec] of Object.entries(channels)) {
    definition[name] = spec.reducer
      ? Annotation<unknown>({ reducer: spec.reducer, default: () => null })
      : Annotation<unknown>() as BaseChannel;
  }
  const graph = new StateGraph(Annotation.Root(definition)) as unknown as LooseStateGraph;
  const idOf = new Map<string, string>();
  const nameOf = (id: string): string => {
    if (id === CONFIG_START) return START;
    if (id === CONFIG_END) return END;
    return Object.hasOwn(channels, id) ? `${id}-node` : id;
  };
  wire({
    addNode: (id, node) => {
      idOf.set(nameOf(id), id);
      graph.addNode(nameOf(id), node);
    },
    addEdge: (from, to) => graph.addEdge(nameOf(from), nameOf(to)),
    addRouter: (from, name, router, destinations) => {
      const route = (state: GraphState, call?: NodeCallConfig): string | (string | Send)[] => {
        const target = router(state, call);
        if (typeof target === "string") return nameOf(target);
        return target.map((t) =>
          typeof t === "string" ? nameOf(t) : new Send(nameOf(t.node), t.state)
        );
      };
      const named = { [name]: route }[name] as typeof route;
      graph.addConditionalEdges(nameOf(from), named, destinations.map(nameOf));
    },
  });
  const compiled = graph.compile();
  return {
    async invoke(input, { onStep, ...options }) {
      const stream = await compiled.stream(input, {
        ...options,
        streamMode: ["updates", "values"],
      });
      let values = input;
      let ran: string[] = [];
      let first = true;
      for await (const [mode, chunk] of stream) {
        if (mode === "updates") {
          ran.push(...Object.keys(chunk).flatMap((name) => idOf.get(name) ?? []));
          continue;
        }
        values = chunk;
        if (!first) onStep?.(ran, values);
        first = false;
        ran = [];
      }
      return values;
    },
  };
}
