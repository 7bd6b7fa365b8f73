/**
 * The `parallel` edge: one concurrent run of the target node per item of a list field, each
 * seeing its item as `{item}` and `{item_index}`. Each run's result is placed into the collect
 * field at its item's position by the field's reducer, so the order is the items' order
 * whatever order the runs finish in. Then the target's own outgoing edge continues once (at
 * once when the list is empty).
 *
 * @module
 */
import { parseTypeExpression, type TypeExpression } from "../config/type_expression.ts";
import { WorkflowError } from "../errors.ts";
import { type EdgeKind, edgePart } from "./_edge_kind.ts";
import { type GraphState, sendTo } from "./_langgraph.ts";
import type { OutputTarget } from "./output_model.ts";

/**
 * Key of a parallel run's input state that holds its item: not an identifier, so that no
 * state field can have it.
 */
const ITEM_CHANNEL = "parallel#item";

interface ParallelItem {
  readonly item: unknown;
  readonly index: number;
  readonly position: number;
}

/** One run's result, placed at its position in the collect field. */
class CollectedItem {
  readonly position: number;
  readonly value: unknown;

  constructor(position: number, value: unknown) {
    this.position = position;
    this.value = value;
  }
}

/**
 * Reducer of a collect field: a collected item goes to its position; any other update (an
 * input, a node writing the whole list) replaces the value.
 *
 * @param current The current value.
 * @param update The update.
 * @returns The new value.
 */
function collectReducer(current: unknown, update: unknown): unknown {
  if (!(update instanceof CollectedItem)) return update;
  const list = Array.isArray(current) ? [...current] : [];
  list[update.position] = update.value;
  return list;
}

/** A fan-out edge. */
export const PARALLEL_EDGE: EdgeKind = {
  destinations: (edge) => [edgePart(edge, "parallel").target_node],
  channels: (edge) => ({ [edgePart(edge, "parallel").collect_field]: { reducer: collectReducer } }),
  decorations: (edge, context) => {
    const { collect_field, target_node } = edgePart(edge, "parallel");
    const field = context.state.fields[collect_field];
    const node = context.nodes.get(target_node);
    const element: TypeExpression = field?.type.kind === "list" && field.type.element
      ? field.type.element
      : parseTypeExpression(node?.output_schema?.type ?? "str");
    const target: OutputTarget = {
      type: element,
      objectSchema: field?.objectSchema,
      description: field?.description,
    };
    return [[target_node, {
      locals: (state) => {
        const item = itemOf(state);
        return item ? { item: item.item, item_index: item.index } : {};
      },
      itemIndex: (state) => itemOf(state)?.index,
      outputTarget: (output) => output === collect_field ? target : undefined,
      updates: (values, state) => {
        const item = itemOf(state);
        if (!item) return values;
        return {
          ...values,
          [collect_field]: new CollectedItem(item.position, values[collect_field]),
        };
      },
    }]];
  },
  router: (edge, context) => {
    const { items_field, collect_field, target_node } = edgePart(edge, "parallel");
    return (state) => {
      const items = state[items_field] ?? [];
      if (!Array.isArray(items)) {
        throw new WorkflowError(
          "NODE_FAILED",
          `Cannot fan out to "${target_node}" as field "${items_field}" is not a list`,
          { phase: "execute", nodeId: target_node },
        );
      }
      if (items.length === 0) return context.next(target_node, state);
      const current = state[collect_field];
      const base = Array.isArray(current) ? current.length : 0;
      return items.map((item, index) => {
        const parallel: ParallelItem = { item, index, position: base + index };
        return sendTo(target_node, { ...state, [ITEM_CHANNEL]: parallel });
      });
    };
  },
  connect(edge, graph, context) {
    const { target_node } = edgePart(edge, "parallel");
    graph.addRouter(
      edge.from,
      `parallel_after_${edge.from}`,
      this.router(edge, context),
      [...new Set([target_node, ...context.destinationsOf(target_node)])],
    );
  },
};

function itemOf(state: GraphState): ParallelItem | undefined {
  const item = state[ITEM_CHANNEL];
  return typeof item === "object" && item !== null && "position" in item
    ? item as ParallelItem
    : undefined;
}
