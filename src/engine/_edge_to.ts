/**
 * The `to` edge: always the same next node (or `END`).
 *
 * @module
 */
import { type EdgeKind, edgePart } from "./_edge_kind.ts";

/** A static edge. */
export const TO_EDGE: EdgeKind = {
  destinations: (edge) => [edgePart(edge, "to")],
  channels: () => ({}),
  decorations: () => [],
  router: (edge) => {
    const to = edgePart(edge, "to");
    return () => to;
  },
  connect: (edge, graph) => graph.addEdge(edge.from, edgePart(edge, "to")),
};
