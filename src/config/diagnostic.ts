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

/**
 * Formats a JSON path the way the workflow file reads: `nodes[0].outputs[1]`.
 *
 * @example Usage
 * ```ts
 * import { formatJsonPath } from "./diagnostic.ts";
 * if (formatJsonPath(["nodes", 0, "outputs"]) !== "nodes[0].outputs") throw new Error();
 * ```
 *
 * @param path The path.
 * @returns The path as text; the empty path is `(root)`.
 */
export function formatJsonPath(path: JsonPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || "(root)";
}

/**
 * Turns the path of a schema issue (zod's `PropertyKey[]`) into a {@linkcode JsonPath}:
 * indexes stay numbers, every other key becomes a string.
 *
 * @example Usage
 * ```ts
 * import { toJsonPath } from "./diagnostic.ts";
 * if (JSON.stringify(toJsonPath(["nodes", 0, "id"])) !== '["nodes",0,"id"]') throw new Error();
 * ```
 *
 * @param path The path.
 * @returns The same path as a JSON path.
 */
export function toJsonPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((key) => typeof key === "number" ? key : String(key));
}

/**
 * Orders diagnostics by file position (line, then column), keeping the order of those at the
 * same place; diagnostics without a position come last.
 *
 * @param diagnostics The diagnostics.
 * @returns A new, sorted array.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => [d.line ?? Infinity, d.column ?? Infinity];
  return diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort((a, b) => {
      const [lineA = 0, columnA = 0] = rank(a.diagnostic);
      const [lineB = 0, columnB = 0] = rank(b.diagnostic);
      return lineA - lineB || columnA - columnB || a.index - b.index;
    })
    .map(({ diagnostic }) => diagnostic);
}
