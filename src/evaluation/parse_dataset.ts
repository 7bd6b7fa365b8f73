/**
 * `parseDataset`: an evaluation dataset — a JSONL, JSON or YAML list of MLflow records
 * `{inputs, expectations, tags}` — read with the line of every record, and its digest.
 *
 * @module
 */
import type { Diagnostic, JsonPath } from "../config/diagnostic.ts";
import { readYaml } from "../config/read_yaml.ts";
import { suggestName } from "../config/suggest.ts";

/** One record of a dataset: one workflow run of an evaluation. */
export interface EvaluationRecord {
  /** Where the record starts in its file, from 1. */
  readonly line: number;
  /** The inputs of the run, by state field. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** What the run should give, by name (`{}` when the record has none). */
  readonly expectations: Readonly<Record<string, unknown>>;
  /** The record's tags (`{}` when it has none). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The formats a dataset can be written in. */
export type DatasetFormat = "jsonl" | "json" | "yaml";

/** A dataset, read: its records, the problems of those that could not be read, its digest. */
export interface EvaluationDataset {
  /** Its name (the file's base name), as MLflow's `datasets.name`. */
  readonly name: string;
  /** Where it was read from (the path), as MLflow's dataset source. */
  readonly source: string;
  /**
   * 8 hex digits: the start of the SHA-256 of the records (inputs, expectations and tags, in
   * file order), the length of MLflow's own dataset digests.
   */
  readonly digest: string;
  /** The records that could be read, in file order. */
  readonly records: readonly EvaluationRecord[];
  /** One error per record (or text) that could not be read, with its line. */
  readonly problems: readonly Diagnostic[];
}

/** Options of {@linkcode parseDataset}. */
export interface ParseDatasetOptions {
  /**
   * The file the text comes from: the dataset's source and name (its base name), and how its
   * format is told (`.jsonl`/`.ndjson`, `.json`, `.yaml`/`.yml`).
   *
   * @default {"dataset"}
   */
  readonly file?: string | undefined;
  /**
   * The format, when the file name does not tell it.
   *
   * @default {from the file's extension}
   */
  readonly format?: DatasetFormat | undefined;
}

const RECORD_KEYS = ["inputs", "expectations", "tags"];

/**
 * Reads an evaluation dataset. Each record is MLflow's evaluation record: `inputs` (an
 * object, required), `expectations` (an object) and `tags` (an object of strings). A record
 * that is not one gets a problem with its line (and the file) and the others are kept; so do
 * lines of a JSONL file that are not JSON. Text that cannot be read at all (YAML or JSON that
 * is not a list) is one problem and no records. Blank lines of a JSONL file are skipped.
 *
 * @example Usage
 * ```ts
 * import { parseDataset } from "@configurable-agents/core";
 * const dataset = await parseDataset(
 *   '{"inputs": {"question": "2+2?"}, "expectations": {"answer": "4"}}\n' +
 *     '{"inputs": "oops"}\n',
 *   { file: "maths.jsonl" },
 * );
 * if (dataset.records.length !== 1 || dataset.problems[0]?.line !== 2) throw new Error();
 * if (!/^[0-9a-f]{8}$/.test(dataset.digest) || dataset.name !== "maths.jsonl") throw new Error();
 * ```
 *
 * @param text The file's text.
 * @param options The file name and format.
 * @returns The records, the problems and the digest.
 * @throws {TypeError} When the format is neither given nor told by the file's extension.
 */
export async function parseDataset(
  text: string,
  options: ParseDatasetOptions = {},
): Promise<EvaluationDataset> {
  const { file = "dataset" } = options;
  const format = options.format ?? formatOf(file);
  const { records, problems } = format === "jsonl"
    ? readJsonl(text, file)
    : readDocument(text, file);
  return {
    name: file.split(/[\\/]/).pop() || file,
    source: file,
    digest: await datasetDigest(records),
    records,
    problems,
  };
}

/**
 * The format a file name tells, by its extension.
 *
 * @param file A file name.
 * @returns The format.
 * @throws {TypeError} For another extension.
 */
export function formatOf(file: string): DatasetFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  throw new TypeError(
    `Cannot read the dataset "${file}" as its format is unknown: name it .jsonl, .json, .yaml or .yml`,
  );
}

interface Read {
  records: EvaluationRecord[];
  problems: Diagnostic[];
}

function readJsonl(text: string, file: string): Read {
  const read: Read = { records: [], problems: [] };
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      read.problems.push(
        problem(
          file,
          line,
          [],
          "record_json",
          `Cannot read line ${line} as it is not valid JSON: ${(error as Error).message}`,
          "write one JSON object per line",
        ),
      );
      continue;
    }
    addRecord(read, value, file, line, () => line);
  }
  return read;
}

function readDocument(text: string, file: string): Read {
  const read: Read = { records: [], problems: [] };
  const source = readYaml(text, file);
  if (!source.ok) {
    read.problems.push(...source.diagnostics.filter((d) => d.severity === "error"));
    return read;
  }
  if (!Array.isArray(source.value)) {
    read.problems.push(
      problem(
        file,
        1,
        [],
        "dataset_not_list",
        "Cannot read the dataset as it is not a list of records",
        'write a list of {"inputs": {...}, "expectations": {...}} objects',
      ),
    );
    return read;
  }
  for (const [index, value] of source.value.entries()) {
    const at = (path: JsonPath) => source.sourceMap.locate([index, ...path])?.line ?? 1;
    addRecord(read, value, file, at([]), at, [index]);
  }
  return read;
}

function addRecord(
  read: Read,
  value: unknown,
  file: string,
  line: number,
  lineOf: (path: JsonPath) => number,
  base: JsonPath = [],
): void {
  const before = read.problems.length;
  const fail = (path: JsonPath, code: string, message: string, suggestion: string) =>
    read.problems.push(problem(file, lineOf(path), [...base, ...path], code, message, suggestion));
  if (!isObject(value)) {
    fail(
      [],
      "record_not_object",
      `Cannot use the record at line ${line} as it is not an object`,
      'write {"inputs": {...}, "expectations": {...}}',
    );
    return;
  }
  for (const key of Object.keys(value)) {
    if (RECORD_KEYS.includes(key)) continue;
    fail(
      [key],
      "record_unknown_key",
      `Cannot use the key "${key}" of the record at line ${
        lineOf([key])
      } as records have only "inputs", "expectations" and "tags"`,
      suggestName(key, RECORD_KEYS, "keys") ?? "remove it",
    );
  }
  const { inputs, expectations = {}, tags = {} } = value;
  if (!isObject(inputs)) {
    fail(
      inputs === undefined ? [] : ["inputs"],
      "record_inputs",
      `Cannot use the record at line ${line} as its "inputs" ${
        inputs === undefined ? "are missing" : "are not an object"
      }`,
      'give the run\'s inputs as "inputs": {"<field>": ...}',
    );
  }
  if (!isObject(expectations)) {
    fail(
      ["expectations"],
      "record_expectations",
      `Cannot use the record at line ${line} as its "expectations" are not an object`,
      'write "expectations": {"<name>": <expected value>}',
    );
  }
  if (!isObject(tags) || Object.values(tags).some((tag) => typeof tag !== "string")) {
    fail(
      ["tags"],
      "record_tags",
      `Cannot use the record at line ${line} as its "tags" are not an object of strings`,
      'write "tags": {"<name>": "<text>"}',
    );
  }
  if (read.problems.length > before || !isObject(inputs)) return;
  read.records.push({
    line,
    inputs,
    expectations: expectations as Record<string, unknown>,
    tags: tags as Record<string, string>,
  });
}

function problem(
  file: string,
  line: number,
  path: JsonPath,
  code: string,
  message: string,
  suggestion: string,
): Diagnostic {
  return { severity: "error", code, message, path, file, line, suggestion };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first 8 hex digits of the SHA-256 of the records as canonical JSON, in order. */
async function datasetDigest(records: readonly EvaluationRecord[]): Promise<string> {
  const canonical = JSON.stringify(
    records.map(({ inputs, expectations, tags }) => canonicalJson({ inputs, expectations, tags })),
  );
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
  return [...new Uint8Array(hash)].slice(0, 4).map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The value with the keys of every object sorted, so that key order does not change a hash.
 *
 * @param value A JSON value.
 * @returns The same value, keys sorted.
 */
export function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value).sort().map((key) => [key, canonicalJson(value[key])]),
  );
}
