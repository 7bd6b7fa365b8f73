/**
 * Semantic checks of conditional, loop and parallel edges (SPEC section 3, item 4): route
 * expressions parse and read existing fields, exactly one default route, loop fields are
 * bool, parallel fields are lists and the target writes exactly the collected field.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { EdgeConfig } from "./schema.ts";
import type { CheckContext } from "./_check_context.ts";
import { followPath } from "./_field_types.ts";
import { expressionFields, ExpressionSyntaxError, parseExpression } from "./expression.ts";
import { formatTypeExpression } from "./type_expression.ts";
import { suggestName } from "./suggest.ts";

/**
 * Checks the routes, loops and fan-outs of every edge.
 *
 * @param ctx The validation pass.
 */
export function checkEdgeKinds(ctx: CheckContext): void {
  for (const [index, edge] of (ctx.view.edges ?? []).entries()) {
    const base = ["edges", index];
    if (edge.routes) checkRoutes(ctx, edge.routes, [...base, "routes"]);
    if (edge.loop) checkLoop(ctx, edge.loop, [...base, "loop"]);
    if (edge.parallel) checkParallel(ctx, edge.parallel, [...base, "parallel"]);
  }
}

function checkRoutes(
  ctx: CheckContext,
  routes: NonNullable<EdgeConfig["routes"]>,
  path: JsonPath,
): void {
  const defaults = routes.flatMap((route, r) => route.condition === "default" ? [r] : []);
  if (defaults.length === 0) {
    ctx.error(
      "missing_default_route",
      "Cannot choose a route when no condition holds as there is no default route",
      path,
      {
        suggestion: "add a last route '- {condition: default, to: <node or END>}'",
      },
    );
  }
  for (const extra of defaults.slice(1)) {
    ctx.error(
      "duplicate_default_route",
      `Cannot have a second default route as routes[${defaults[0]}] is already the default`,
      [...path, extra, "condition"],
    );
  }
  routes.forEach((route, r) => {
    if (route.condition === "default") return;
    checkExpression(ctx, route.condition.logic, [...path, r, "condition", "logic"]);
  });
}

function checkExpression(ctx: CheckContext, logic: string, path: JsonPath): void {
  let fields;
  try {
    fields = expressionFields(parseExpression(logic));
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    const shown = logic.length > 60 ? `${logic.slice(0, 57)}...` : logic;
    ctx.error(
      "expression_syntax",
      `Cannot parse the condition "${shown}": ${error.message}`,
      path,
      {
        position: ctx.sourceMap.locateInValue(path, error.offset),
      },
    );
    return;
  }
  if (!ctx.hasState()) return;
  for (const field of fields) {
    const [root = "", ...rest] = field.path;
    const name = `state.${field.path.join(".")}`;
    const position = ctx.sourceMap.locateInValue(path, field.offset, name.length);
    const type = ctx.fieldType(root);
    if (!ctx.hasField(root)) {
      ctx.error(
        "unknown_field",
        `Cannot read "state.${root}" in the condition as it is not a state field`,
        path,
        {
          position,
          suggestion: suggestName(root, ctx.fieldNames(), "state fields"),
        },
      );
      continue;
    }
    if (!type) continue;
    const result = followPath(type, rest, `state.${root}`);
    if (!result.ok) {
      ctx.error(
        "unknown_field",
        `Cannot read "${name}" in the condition as ${result.message}`,
        path,
        {
          position,
          suggestion: result.suggestion,
        },
      );
    }
  }
}

function checkLoop(
  ctx: CheckContext,
  loop: NonNullable<EdgeConfig["loop"]>,
  path: JsonPath,
): void {
  if (!ctx.hasState()) return;
  checkFieldKind(ctx, loop.condition_field, [...path, "condition_field"], {
    action: "end the loop on",
    kind: "bool",
    code: "loop_field_type",
    example: "'type: bool'",
  });
}

function checkParallel(
  ctx: CheckContext,
  parallel: NonNullable<EdgeConfig["parallel"]>,
  path: JsonPath,
): void {
  if (!ctx.hasState()) return;
  for (const key of ["items_field", "collect_field"] as const) {
    checkFieldKind(ctx, parallel[key], [...path, key], {
      action: key === "items_field" ? "fan out over" : "collect into",
      kind: "list",
      code: "parallel_field_type",
      example: "a type such as 'list[str]'",
    });
  }
  const index = ctx.view.nodes.findIndex((node) => node?.id === parallel.target_node);
  const target = ctx.view.nodes[index];
  if (!target) return;
  const outputs = target.outputs;
  if (outputs.length !== 1 || outputs[0] !== parallel.collect_field) {
    ctx.error(
      "parallel_outputs",
      `Cannot collect the results of "${target.id}" into "${parallel.collect_field}" as its outputs are [${
        outputs.join(", ")
      }]: a parallel target writes exactly its collect_field`,
      ["nodes", index, "outputs"],
      { suggestion: `set 'outputs: [${parallel.collect_field}]'` },
    );
  }
}

/** Reports a field that is not declared, or whose type is not of the kind an edge needs. */
function checkFieldKind(
  ctx: CheckContext,
  name: string,
  path: JsonPath,
  need: { action: string; kind: "bool" | "list"; code: string; example: string },
): void {
  const type = ctx.fieldType(name);
  if (!ctx.hasField(name)) {
    ctx.error("unknown_field", `Cannot ${need.action} "${name}" as it is not a state field`, path, {
      suggestion: suggestName(name, ctx.fieldNames(), "state fields"),
    });
  } else if (type && type.type.kind !== need.kind) {
    ctx.error(
      need.code,
      `Cannot ${need.action} "${name}" as its type is "${
        formatTypeExpression(type.type)
      }": it must be ${need.kind === "bool" ? "a bool" : "a list"}`,
      path,
      { suggestion: `declare "${name}" with ${need.example}` },
    );
  }
}
