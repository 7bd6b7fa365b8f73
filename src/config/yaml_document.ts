/**
 * The one place that calls npm:yaml, so that its environment quirk is handled once.
 *
 * @module
 */
import process from "node:process";
import { type Document, LineCounter, parseDocument } from "yaml";

/** A parsed YAML (or JSON) document and the line counter of its source. */
export interface YamlDocument {
  /** The document, with its errors and warnings. */
  readonly document: Document.Parsed;
  /** Turns offsets into 1-based lines and columns. */
  readonly lineCounter: LineCounter;
  /** Converts the document to plain values (aliases limited to 100 uses). */
  toJS(): unknown;
}

/**
 * Parses YAML or JSON text with source positions, keys required to be unique and merge keys
 * (`<<:`) allowed.
 *
 * npm:yaml's node build reads `process.env.LOG_TOKENS` and `process.env.LOG_STREAM` on every
 * parse, which throws `NotCapable` when the program runs without `--allow-env` (and `validate`
 * must run with `--allow-read` only). So parsing and conversion run with `process.env` swapped
 * for an empty object; this is safe because both are synchronous: no other code runs before
 * `finally` restores the real object.
 *
 * @example Usage
 * ```ts
 * import { parseYamlDocument } from "./yaml_document.ts";
 * const parsed = parseYamlDocument("a: [1, 2]\n");
 * const value = parsed.toJS() as { a: number[] };
 * if (value.a[1] !== 2 || parsed.document.errors.length !== 0) throw new Error();
 * ```
 *
 * @param text The source text.
 * @returns The document and its line counter.
 */
export function parseYamlDocument(text: string): YamlDocument {
  const lineCounter = new LineCounter();
  const document = withoutProcessEnv(() =>
    parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true })
  );
  return {
    document,
    lineCounter,
    toJS: () => withoutProcessEnv(() => document.toJS({ maxAliasCount: 100 })),
  };
}

function withoutProcessEnv<T>(fn: () => T): T {
  const saved = process.env;
  process.env = {};
  try {
    return fn();
  } finally {
    process.env = saved;
  }
}
