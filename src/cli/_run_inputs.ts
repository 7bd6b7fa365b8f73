/**
 * The inputs of `run`: `-i key=value` assignments and `--input-file` (a JSON or YAML object,
 * or JSONL for a batch).
 *
 * @module
 */
import { MAX_SOURCE_BYTES } from "../config/constants.ts";
import { readYaml } from "../config/read_yaml.ts";
import { errorMessage } from "../errors.ts";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/**
 * The value of one `-i key=value`: text in single or double quotes stays text (without its
 * quotes); anything else is JSON when it parses (numbers, `true`/`false`/`null`, lists,
 * objects), else the text as it is.
 *
 * @param raw The text after `=`.
 * @returns The value.
 */
export function parseInputValue(raw: string): unknown {
  const quote = raw[0];
  if (raw.length >= 2 && (quote === '"' || quote === "'") && raw.endsWith(quote)) {
    return raw.slice(1, -1);
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Reads the `-i` assignments, in order (a later one of the same key wins).
 *
 * @param assignments Each `key=value`.
 * @returns The inputs.
 * @throws {UsageError} An assignment without `=` or without a key.
 */
export function parseInputAssignments(assignments: readonly string[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    const key = equals === -1 ? "" : assignment.slice(0, equals).trim();
    if (equals === -1 || key === "") {
      throw new UsageError(
        `Cannot read input "-i ${assignment}" as it is not key=value`,
        { hint: 'write -i topic="tide pools" (quoted values stay text, others are JSON)' },
      );
    }
    inputs[key] = parseInputValue(assignment.slice(equals + 1));
  }
  return inputs;
}

/** What `--input-file` holds. */
export type InputFile =
  /** The inputs of one run. */
  | { kind: "object"; inputs: Record<string, unknown> }
  /** A JSONL batch, to be read lazily. */
  | { kind: "jsonl"; path: string };

/**
 * Reads `--input-file`: a `.jsonl` file is a batch (read later, line by line); any other file
 * is one JSON or YAML mapping, read like a workflow file (at most `MAX_SOURCE_BYTES`, a regular
 * file, no duplicate keys, no alias bombs).
 *
 * @param path The file.
 * @param io Reads it.
 * @returns The inputs, or the batch to read.
 * @throws {UsageError} The file cannot be read, is not valid JSON or YAML (with its line and
 * column), or does not hold a mapping.
 */
export async function readInputFile(path: string, io: CliIO): Promise<InputFile> {
  if (/\.jsonl$/i.test(path)) return { kind: "jsonl", path };
  let text: string;
  try {
    text = await io.readTextFile(path, { maxBytes: MAX_SOURCE_BYTES });
  } catch (error) {
    throw new UsageError(`Cannot read inputs from "${path}" as ${errorMessage(error)}`, {
      hint: "check the path and that --allow-read covers it",
      cause: error,
    });
  }
  const value = parseYaml(text, path);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const found = Array.isArray(value)
      ? "a list"
      : value === null || value === undefined
      ? "nothing"
      : "a single value";
    throw new UsageError(
      `Cannot use "${path}" as inputs as it holds ${found}: it must map state fields to values`,
      { hint: "for one run per line, use a .jsonl file with one JSON object per line" },
    );
  }
  return { kind: "object", inputs: value as Record<string, unknown> };
}

/** Parses JSON or YAML text into a plain value; the first problem is the error. */
function parseYaml(text: string, path: string): unknown {
  const read = readYaml(text, path);
  const problem = read.diagnostics.find((diagnostic) => diagnostic.severity === "error");
  if (problem) {
    const reason = problem.message.replace(/^Cannot read the YAML as (it is malformed: )?/, "");
    throw new UsageError(
      `Cannot read inputs from "${path}" as line ${problem.line ?? 1}, column ${
        problem.column ?? 1
      } is not valid JSON or YAML: ${reason.replace(/^Cannot /, "cannot ")}`,
      problem.suggestion === undefined ? {} : { hint: problem.suggestion },
    );
  }
  return read.value;
}
