/**
 * Evaluation of parsed route conditions over a state object.
 *
 * @module
 */
import type { ComparisonOperator, Expression } from "./expression_ast.ts";
import { ownValue } from "./_own_property.ts";

/** An expression that cannot be evaluated on the values it met at run time. */
export class ExpressionEvaluationError extends TypeError {
  /**
   * Creates the error of a condition that met values it cannot compare.
   *
   * @param message What went wrong, naming the values.
   */
  constructor(message: string) {
    super(message);
    this.name = "ExpressionEvaluationError";
  }
}

/**
 * Evaluates a parsed expression over a state object. `and`/`or` short-circuit and, like `not`,
 * need booleans; comparisons of different kinds other than `==`/`!=` are errors.
 *
 * @param expression A parsed expression.
 * @param state The workflow state.
 * @returns The value of the expression.
 * @throws {ExpressionEvaluationError} When an operator meets values it cannot compare.
 */
export function evaluateExpression(
  expression: Expression,
  state: Readonly<Record<string, unknown>>,
): unknown {
  switch (expression.type) {
    case "literal":
      return expression.value;
    case "field":
      return readPath(state, expression.path);
    case "list":
      return expression.items.map((item) => evaluateExpression(item, state));
    case "not":
      return !requireBoolean(evaluateExpression(expression.operand, state), "not");
    case "and":
      return requireBoolean(evaluateExpression(expression.left, state), "and") &&
        requireBoolean(evaluateExpression(expression.right, state), "and");
    case "or":
      return requireBoolean(evaluateExpression(expression.left, state), "or") ||
        requireBoolean(evaluateExpression(expression.right, state), "or");
    case "compare":
      return compare(
        expression.operator,
        evaluateExpression(expression.left, state),
        evaluateExpression(expression.right, state),
      );
  }
}

/** Reads a path of own entries (list indexes, object keys); anything else reads as null. */
function readPath(state: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = state;
  for (const key of path) {
    if (Array.isArray(value)) value = /^\d+$/.test(key) ? value[Number(key)] : undefined;
    else if (value !== null && typeof value === "object") {
      value = ownValue(value as Record<string, unknown>, key);
    } else return null;
    if (value === undefined) return null;
  }
  return value;
}

function requireBoolean(value: unknown, operator: string): boolean {
  if (typeof value !== "boolean") {
    throw new ExpressionEvaluationError(
      `Cannot apply '${operator}' to ${describe(value)}: it needs true or false`,
    );
  }
  return value;
}

function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean {
  switch (operator) {
    case "==":
      return deepEqual(left, right);
    case "!=":
      return !deepEqual(left, right);
    case "in":
      return contains(right, left);
    case "not in":
      return !contains(right, left);
    default: {
      const sameKind = (typeof left === "number" && typeof right === "number") ||
        (typeof left === "string" && typeof right === "string");
      if (!sameKind) {
        throw new ExpressionEvaluationError(
          `Cannot compare ${describe(left)} ${operator} ${
            describe(right)
          }: both sides must be numbers or both text`,
        );
      }
      const [a, b] = [left as number | string, right as number | string];
      if (operator === "<") return a < b;
      if (operator === "<=") return a <= b;
      if (operator === ">") return a > b;
      return a >= b;
    }
  }
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((element) => deepEqual(element, item));
  if (typeof container === "string") {
    if (typeof item !== "string") {
      throw new ExpressionEvaluationError(
        `Cannot look for ${describe(item)} in text: only text can be found in text`,
      );
    }
    return container.includes(item);
  }
  if (container !== null && typeof container === "object") {
    if (typeof item !== "string") {
      throw new ExpressionEvaluationError(
        `Cannot look for ${describe(item)} among the keys of an object: keys are text`,
      );
    }
    return Object.hasOwn(container, item);
  }
  throw new ExpressionEvaluationError(
    `Cannot apply 'in' to ${describe(container)}: it needs a list, text or an object`,
  );
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) =>
    deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value === "string" ? "text" : typeof value} ${JSON.stringify(value)}`;
}
