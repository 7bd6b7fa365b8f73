/**
 * The inputs of `run`: `-i key=value` assignments and `--input-file` (a JSON or YAML object,
 * or JSONL for a batch).
 *
 * @module
 */
import { MAX_SOURCE_BYTES } from "../config/constants.ts";
import { readYaml } from "../config/read_yaml.ts";
import { errorMessage, isWorkflowError, WorkflowError } from "../errors.ts";
import type { Diagnostic } from "../config/diagnostic.ts";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";
import { fileAccessErrorIn } from "./_file_access.ts";

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

/**
 * Adds to an `INPUT_INVALID` error what to type instead of a `-i` value that was read as the
 * wrong kind: quotes for text that reads as JSON (`-i 'message="404"'` for a `str` field), JSON
 * for a list or an object given as plain text (`-i 'tags=["a","b"]'`). Other errors are
 * returned as they are.
 *
 * @param error What the run threw.
 * @param assignments The `-i key=value` texts, as given.
 * @param fieldTypes The declared type of each state field (`str`, `list[str]`, ...).
 * @returns The error, with a suggestion on each input it can help with.
 */
export function suggestInputFixes(
  error: unknown,
  assignments: readonly string[],
  fieldTypes: Readonly<Record<string, string>>,
): unknown {
  if (!isWorkflowError(error) || error.code !== "INPUT_INVALID") return error;
  const raw = new Map<string, string>();
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    if (equals > 0) raw.set(assignment.slice(0, equals).trim(), assignment.slice(equals + 1));
  }
  let changed = false;
  const diagnostics = error.diagnostics.map((diagnostic): Diagnostic => {
    const [root, name, ...rest] = diagnostic.path;
    const text = typeof name === "string" ? raw.get(name) : undefined;
    const type = typeof name === "string" ? fieldTypes[name] : undefined;
    if (root !== "inputs" || rest.length > 0 || text === undefined || type === undefined) {
      return diagnostic;
    }
    const suggestion = inputSuggestion(name as string, text, type);
    if (suggestion === undefined || diagnostic.suggestion !== undefined) return diagnostic;
    changed = true;
    return { ...diagnostic, suggestion };
  });
  if (!changed) return error;
  return new WorkflowError("INPUT_INVALID", error.message, {
    phase: error.phase,
    diagnostics,
    hint: error.hint,
    cause: error,
  });
}

/** What to type for one `-i name=text` of a field of `type`, when the fix is clear. */
function inputSuggestion(name: string, text: string, type: string): string | undefined {
  const value = parseInputValue(text);
  const shell = (assignment: string) => assignment.includes("'") ? undefined : `-i '${assignment}'`;
  if (type === "str" && typeof value !== "string") {
    const typed = shell(`${name}="${text}"`);
    return typed && `quote the value to pass it as text: ${typed}`;
  }
  if (/^list\[/.test(type) && typeof value === "string") {
    const items = text.split(",").map((item) => item.trim()).filter((item) => item !== "");
    const typed = shell(`${name}=${JSON.stringify(items.map((item) => parseInputValue(item)))}`);
    return typed && `give a list as JSON: ${typed}`;
  }
  if ((type === "object" || /^dict\[/.test(type)) && typeof value === "string") {
    const typed = shell(`${name}={"key": "value"}`);
    return typed && `give an object as JSON, such as ${typed}`;
  }
  return undefined;
}

/** What `--input-file` holds. */
export type InputFile =
  /** The inputs of one run. */
  | { kind: "object"; inputs: Record<string, unknown> }
  /** A JSONL batch, to be read lazily. */
  | { kind: "jsonl"; path: string };

/**
 * Whether an `--input-file` is a batch: a `.jsonl` file, one run per line.
 *
 * @param path The file.
 * @returns `true` for a batch.
 */
export function isBatchInputFile(path: string): boolean {
  return /\.jsonl$/i.test(path);
}

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
  if (isBatchInputFile(path)) return { kind: "jsonl", path };
  let text: string;
  try {
    text = await io.readTextFile(path, { maxBytes: MAX_SOURCE_BYTES });
  } catch (error) {
    throw inputFileError(path, error);
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

/**
 * The error of an input file that cannot be read: what is missing (the file, or the
 * permission with the flag to add), or what the read said.
 *
 * @param path The file.
 * @param error What the read threw.
 * @returns A usage error.
 */
export function inputFileError(path: string, error: unknown): UsageError {
  const access = fileAccessErrorIn(error);
  return new UsageError(`Cannot read inputs from "${path}" as ${errorMessage(error)}`, {
    hint: access?.hint ?? "check the path and that --allow-read covers it",
    cause: error,
  });
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
