/**
 * How a check written as a plain function becomes a {@linkcode Scorer}: its outcome becomes an
 * assessment with a `CODE` source, and a check that throws gives an error result, never a
 * rejection. Also the steps every field check shares: reading the field (a failed run has
 * none) and reading an expectation.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { ScoreInput, Scorer, ScoreResult, ScoreSource, ScoreValue } from "./scorer.ts";
import { readField } from "./_score_values.ts";

/** What a check finds: a value with its reason, or why it could not score. */
export type CheckOutcome =
  | { readonly value: ScoreValue; readonly rationale?: string | undefined }
  | { readonly error: { readonly code: string; readonly message: string } };

/** A deterministic check of one record's run. */
export type Check = (input: ScoreInput) => CheckOutcome;

/**
 * Makes a scorer of a check.
 *
 * @param name The scorer's name.
 * @param check The check.
 * @returns The scorer (kind `code`, source `CODE` with the scorer's name as its id).
 */
export function codeScorer(name: string, check: Check): Scorer {
  const source: ScoreSource = { type: "CODE", id: name };
  return {
    name,
    kind: "code",
    score: (input) => Promise.resolve(resultOf(name, source, runCheck(name, check, input))),
  };
}

/**
 * Turns an outcome into a result.
 *
 * @param name The scorer's name.
 * @param source Who scored.
 * @param outcome The outcome.
 * @returns The result: `value: null` with the error when there is one.
 */
export function resultOf(name: string, source: ScoreSource, outcome: CheckOutcome): ScoreResult {
  if ("error" in outcome) return { name, value: null, error: outcome.error, source };
  return outcome.rationale === undefined
    ? { name, value: outcome.value, source }
    : { name, value: outcome.value, rationale: outcome.rationale, source };
}

function runCheck(name: string, check: Check, input: ScoreInput): CheckOutcome {
  try {
    return check(input);
  } catch (error) {
    return failure(
      "SCORER_FAILED",
      `Cannot score "${name}" as the scorer threw: ${errorMessage(error)}`,
    );
  }
}

/**
 * An outcome that is an error.
 *
 * @param code Stable code.
 * @param message What went wrong.
 * @returns The outcome.
 */
export function failure(code: string, message: string): CheckOutcome {
  return { error: { code, message } };
}

/**
 * Runs a check on the value of a state field. A run that failed has no state: the check fails
 * with the run's error as its reason. A field that has no value (absent, or `null`) fails
 * unless `acceptsEmpty` (exact matches compare `null` too).
 *
 * @param input The record and its run.
 * @param field The field path.
 * @param then The check of the value.
 * @param acceptsEmpty Whether `null` reaches the check.
 * @returns The outcome.
 */
export function checkField(
  input: ScoreInput,
  field: string,
  then: (value: unknown) => CheckOutcome,
  acceptsEmpty = false,
): CheckOutcome {
  const read = readField(input.outputs, field);
  if (!read.found && input.run.status !== "success") {
    const reason = input.run.error === undefined ? "" : `: ${input.run.error}`;
    return { value: false, rationale: `The run ${input.run.status}${reason}` };
  }
  const value = read.found ? read.value : undefined;
  if ((value === null && !acceptsEmpty) || value === undefined) {
    return { value: false, rationale: `"${field}" has no value` };
  }
  return then(value);
}

/**
 * Reads a key of the record's expectations; a dotted key that no expectation has is read as a
 * path (`profile.age` in `{ profile: { age: 36 } }`).
 *
 * @param input The record.
 * @param key The key.
 * @param scorer The scorer's name, for the message.
 * @returns The value, or an error outcome when the record lacks it.
 */
export function expectation(
  input: ScoreInput,
  key: string,
  scorer: string,
): { readonly value: unknown } | { readonly missing: CheckOutcome } {
  if (Object.hasOwn(input.expectations, key)) return { value: input.expectations[key] };
  const nested = readField(input.expectations, key);
  if (key.includes(".") && nested.found) return { value: nested.value };
  const known = Object.keys(input.expectations);
  return {
    missing: failure(
      "EXPECTATION_MISSING",
      `Cannot score "${scorer}" as the record has no expectation "${key}": ${
        known.length === 0 ? "it has none" : `it has ${known.map((k) => `"${k}"`).join(", ")}`
      }`,
    ),
  };
}
