/**
 * The `routes` edge: the first route whose condition is true wins, else the default. A
 * condition that cannot be evaluated, or that gives something other than true or false, fails
 * the run: it never falls through to the default silently.
 *
 * @module
 */
import { evaluateExpression, type Expression, parseExpression } from "../config/expression.ts";
import { errorMessage, WorkflowError } from "../errors.ts";
import { connectRouter, type EdgeKind, edgePart } from "./_edge_kind.ts";

/** A conditional edge. */
export const ROUTES_EDGE: EdgeKind = {
  destinations: (edge) => edgePart(edge, "routes").map((route) => route.to),
  channels: () => ({}),
  decorations: () => [],
  router: (edge) => {
    const routes = edgePart(edge, "routes");
    const conditional = routes.flatMap(({ condition, to }) =>
      condition === "default"
        ? []
        : [{ to, logic: condition.logic, expression: parseExpression(condition.logic) }]
    );
    const fallback = routes.find((route) => route.condition === "default")?.to;
    // Validation leaves exactly one default route; this is the builder's own invariant.
    if (fallback === undefined) {
      throw new TypeError(`the routes after "${edge.from}" have no default`);
    }
    return (state) => {
      for (const { to, logic, expression } of conditional) {
        if (evaluate(expression, logic, state, edge.from)) return to;
      }
      return fallback;
    };
  },
  connect: connectRouter("routes"),
};

function evaluate(
  expression: Expression,
  logic: string,
  state: Readonly<Record<string, unknown>>,
  from: string,
): boolean {
  let value: unknown;
  try {
    value = evaluateExpression(expression, state);
  } catch (error) {
    throw routeError(
      from,
      `condition "${logic}" failed: ${errorMessage(error)}`,
      error,
    );
  }
  if (typeof value !== "boolean") {
    throw routeError(
      from,
      `condition "${logic}" gave ${JSON.stringify(value)} where true or false is needed`,
    );
  }
  return value;
}

function routeError(from: string, detail: string, cause?: unknown): WorkflowError {
  return new WorkflowError("NODE_FAILED", `Cannot choose the route after "${from}" as ${detail}`, {
    phase: "execute",
    nodeId: from,
    hint: "Check the route conditions against the types of the state fields they read",
    ...(cause === undefined ? {} : { cause }),
  });
}
