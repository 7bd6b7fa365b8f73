/**
 * The checks that compare an answer with text: `exact_match`, `contains` and `regex`.
 *
 * @module
 */
import type { ContainsConfig, ExactMatchConfig, RegexConfig } from "../config/schema.ts";
import { type Check, checkField, expectation } from "./_code_scorer.ts";
import { jsonEqual, quote, textOf } from "./_score_values.ts";

/**
 * `exact_match`: the field equals the expectation. Text is compared as it is unless `trim` or
 * `ignore_case`; other values are compared as JSON (key order aside).
 *
 * @param options The scorer's settings.
 * @param name The scorer's name.
 * @returns The check.
 */
export function exactMatchCheck(options: ExactMatchConfig, name: string): Check {
  const { field, expected = options.field, ignore_case: ignoreCase, trim } = options;
  const normal = (value: unknown): unknown => {
    if (typeof value !== "string") return value;
    const trimmed = trim ? value.trim() : value;
    return ignoreCase ? trimmed.toLowerCase() : trimmed;
  };
  return (input) => {
    const wanted = expectation(input, expected, name);
    if ("missing" in wanted) return wanted.missing;
    return checkField(input, field, (value) => {
      const equal = jsonEqual(normal(value), normal(wanted.value));
      return {
        value: equal,
        rationale: equal
          ? `"${field}" equals the expected ${quote(wanted.value)}`
          : `"${field}" is ${quote(value)}, expected ${quote(wanted.value)}`,
      };
    }, true);
  };
}

/**
 * `contains`: the text of the field contains `text`, or the text of an expectation.
 *
 * @param options The scorer's settings.
 * @param name The scorer's name.
 * @returns The check.
 */
export function containsCheck(options: ContainsConfig, name: string): Check {
  const { field, text, expected, ignore_case: ignoreCase } = options;
  const fold = (value: string) => ignoreCase ? value.toLowerCase() : value;
  return (input) => {
    let needle = text;
    if (needle === undefined) {
      const wanted = expectation(input, expected ?? field, name);
      if ("missing" in wanted) return wanted.missing;
      needle = textOf(wanted.value);
    }
    const sought = needle;
    return checkField(input, field, (value) => {
      const found = fold(textOf(value)).includes(fold(sought));
      return {
        value: found,
        rationale: `"${field}" ${found ? "contains" : "does not contain"} ${quote(sought)}`,
      };
    });
  };
}

/**
 * `regex`: the regular expression matches somewhere in the text of the field. It is compiled
 * once, when the scorer is made.
 *
 * @param options The scorer's settings.
 * @returns The check.
 */
export function regexCheck(options: RegexConfig): Check {
  const { field, pattern, flags } = options;
  const regex = new RegExp(pattern, flags);
  return (input) =>
    checkField(input, field, (value) => {
      const matches = regex.test(textOf(value));
      return {
        value: matches,
        rationale: `"${field}" ${matches ? "matches" : "does not match"} /${pattern}/${flags}`,
      };
    });
}
