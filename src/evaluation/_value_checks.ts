/**
 * The checks that look at the value of an answer: `numeric_within`, `json_valid` and
 * `type_check`.
 *
 * @module
 */
import type { z } from "zod";
import type { JsonValidConfig, NumericWithinConfig, TypeCheckConfig } from "../config/schema.ts";
import { parseTypeExpression } from "../config/type_expression.ts";
import { typeSchema } from "../engine/type_schema.ts";
import { errorMessage } from "../errors.ts";
import { type Check, checkField, type CheckOutcome, expectation, failure } from "./_code_scorer.ts";
import { formatNumber, quote } from "./_score_values.ts";

/**
 * `numeric_within`: the field is a number within `tolerance` of the expected number (a fixed
 * `value`, or an expectation), inclusive; with `relative`, the tolerance is a fraction of the
 * expected number. A rounding error of the last bit or so does not fail a check.
 *
 * @param options The scorer's settings.
 * @param name The scorer's name.
 * @returns The check.
 */
export function numericWithinCheck(options: NumericWithinConfig, name: string): Check {
  const { field, value: fixed, expected = options.field, tolerance, relative } = options;
  return (input) => {
    let target = fixed;
    if (target === undefined) {
      const wanted = expectation(input, expected, name);
      if ("missing" in wanted) return wanted.missing;
      if (typeof wanted.value !== "number" || !Number.isFinite(wanted.value)) {
        return failure(
          "EXPECTATION_INVALID",
          `Cannot score "${name}" as the expectation "${expected}" is ${
            quote(wanted.value)
          }, not a number`,
        );
      }
      target = wanted.value;
    }
    const goal = target;
    return checkField(input, field, (actual) => {
      if (typeof actual !== "number") {
        return { value: false, rationale: `"${field}" is ${quote(actual)}, not a number` };
      }
      const allowed = relative ? tolerance * Math.abs(goal) : tolerance;
      const difference = Math.abs(actual - goal);
      const slack = Number.EPSILON * Math.max(Math.abs(actual), Math.abs(goal), 1) * 4;
      const within = difference <= allowed + slack;
      return {
        value: within,
        rationale: `"${field}" is ${formatNumber(actual)}, ${within ? "within" : "not within"} ${
          formatNumber(allowed)
        } of ${formatNumber(goal)}`,
      };
    });
  };
}

/**
 * `json_valid`: the field is text that parses as JSON (a value that is not text is JSON
 * already), of `type` when one is given.
 *
 * @param options The scorer's settings.
 * @returns The check.
 */
export function jsonValidCheck(options: JsonValidConfig): Check {
  const { field, type } = options;
  const schema = type === undefined ? undefined : typeSchema(parseTypeExpression(type));
  return (input) =>
    checkField(input, field, (value) => {
      let parsed = value;
      if (typeof value === "string") {
        try {
          parsed = JSON.parse(value);
        } catch (error) {
          return { value: false, rationale: `"${field}" is not JSON: ${errorMessage(error)}` };
        }
      }
      if (schema === undefined || type === undefined) {
        return { value: true, rationale: `"${field}" is valid JSON` };
      }
      return typeOutcome(field, parsed, type, schema, "is JSON");
    });
}

/**
 * `type_check`: the value of the field has `type` (a type of the workflow's grammar: bounds,
 * enumerations, elements and object sub-fields included).
 *
 * @param options The scorer's settings.
 * @returns The check.
 */
export function typeCheck(options: TypeCheckConfig): Check {
  const { field, type } = options;
  const schema = typeSchema(parseTypeExpression(type));
  return (input) =>
    checkField(input, field, (value) => typeOutcome(field, value, type, schema, "is"));
}

function typeOutcome(
  field: string,
  value: unknown,
  type: string,
  schema: z.ZodType,
  what: "is JSON" | "is",
): CheckOutcome {
  const result = schema.safeParse(value);
  if (result.success) {
    return { value: true, rationale: `"${field}" ${what} of type "${type}"` };
  }
  const [issue] = result.error.issues;
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  return {
    value: false,
    rationale: `"${field}" ${what === "is" ? "is" : "is JSON but"} not of type "${type}"${at}: ${
      issue?.message ?? "invalid"
    }`,
  };
}
