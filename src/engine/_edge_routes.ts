/**
 * The `routes` edge: the first route whose condition is true wins, else the default. A
 * condition that cannot be evaluated, or that gives something other than true or false, fails
 * the run: it never falls through to the default silently.
 *
 * @module
 */
import {
  evaluateExpression,
  type Expression,
  expressionFields,
  parseExpression,
} from "../config/expression.ts";
import { errorMessage, WorkflowError } from "../errors.ts";
import { connectRouter, type EdgeKind, edgePart } from "./_edge_kind.ts";
import { closestName } from "../config/suggest.ts";

/** A conditional edge. */
export const ROUTES_EDGE: EdgeKind = {
  destinations: (edge) => edgePart(edge, "routes").map((route) => route.to),
  check: (edge, context) => {
    const problems: string[] = [];
    for (const route of edgePart(edge, "routes")) {
      if (route.condition === "default") continue;
      const logic = route.condition.logic;
      let expression: Expression;
      try {
        expression = parseExpression(logic);
      } catch (error) {
        problems.push(
          `Cannot parse the route condition "${logic}" after "${edge.from}": ${
            errorMessage(error)
          }`,
        );
        continue;
      }
      for (const { path } of expressionFields(expression)) {
        const root = path[0] ?? "";
        if (Object.hasOwn(context.state.fields, root)) continue;
        const near = closestName(root, context.state.names);
        problems.push(
          `Cannot evaluate the route condition "${logic}" after "${edge.from}" as the state has no field "${root}"${
            near ? `: did you mean '${near}'?` : ""
          }`,
        );
      }
    }
    const defaults = edgePart(edge, "routes").filter((r) => r.condition === "default").length;
    if (defaults !== 1) {
      problems.push(
        `Cannot route after "${edge.from}" as its routes have ${defaults} default routes: give exactly one`,
      );
    }
    return problems;
  },
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
    return (state) => {
      for (const { to, logic, expression } of conditional) {
        if (evaluate(expression, logic, state, edge.from)) return to;
      }
      if (fallback === undefined) {
        throw routeError(edge.from, "no condition is true and there is no default route");
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
