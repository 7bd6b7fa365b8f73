/**
 * Problems found in a workflow file, as data: detecting them and formatting them are separate.
 *
 * @module
 */

/** A JSON path into the workflow document: keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** One problem (or warning) in a workflow file. */
export interface Diagnostic {
  /** `error` fails validation; `warning` is reported and the workflow still runs. */
  readonly severity: "error" | "warning";
  /** Stable machine-readable kind, such as `unknown_key` or `unreachable_node`. */
  readonly code: string;
  /** What is wrong, naming the offending value in quotes. */
  readonly message: string;
  /** Where in the document: `["nodes", 0, "outputs", 1]`. */
  readonly path: JsonPath;
  /** The file the problem is in, when known. */
  readonly file?: string;
  /** 1-based line of the offending YAML/JSON node, when known. */
  readonly line?: number;
  /** 1-based column of the offending YAML/JSON node, when known. */
  readonly column?: number;
  /** How to fix it, such as `did you mean 'outputs'?`. */
  readonly suggestion?: string;
}
