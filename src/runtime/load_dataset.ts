/**
 * `loadDataset`: reads an evaluation dataset file (JSONL, JSON or YAML).
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../errors.ts";
import { type EvaluationDataset, formatOf, parseDataset } from "../evaluation/parse_dataset.ts";
import { readRegularTextFile } from "./regular_file.ts";

/** Options of {@linkcode loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * Reads the file.
   *
   * @default {Deno.readTextFile of a regular file}
   */
  readTextFile?: ((path: string) => Promise<string>) | undefined;
}

/**
 * Reads a dataset file: its format from its extension (`.jsonl`, `.json`, `.yaml`, `.yml`), its
 * records with their lines, the problems of those that cannot be used, and its digest.
 *
 * @example Usage
 * ```ts
 * import { loadDataset } from "@configurable-agents/core";
 * const dataset = await loadDataset("qa.jsonl", {
 *   readTextFile: () => Promise.resolve('{"inputs": {"question": "2+2?"}}\n'),
 * });
 * if (dataset.records[0]?.line !== 1 || dataset.name !== "qa.jsonl") throw new Error();
 * ```
 *
 * @param path The file.
 * @param options How it is read.
 * @returns The dataset.
 * @throws {WorkflowError} `CONFIG_INVALID` when the format is unknown or the file cannot be
 * read.
 */
export async function loadDataset(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<EvaluationDataset> {
  const { readTextFile = readRegularTextFile } = options;
  let format;
  try {
    format = formatOf(path);
  } catch (error) {
    throw new WorkflowError("CONFIG_INVALID", errorMessage(error), { phase: "load" });
  }
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot read the dataset "${path}" as ${errorMessage(error)}`,
      { phase: "load", cause: error },
    );
  }
  return await parseDataset(text, { file: path, format });
}
