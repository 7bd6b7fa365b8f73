/**
 * Reads the text of a workflow file (YAML, or JSON, which YAML reads too) into a plain value
 * plus the source position of every part of it. Problems with the text itself (empty file,
 * YAML syntax, duplicate keys, a document that is not a mapping) become diagnostics; nothing
 * here throws.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { SourceMap } from "./_source_map.ts";
import { readYaml } from "./read_yaml.ts";

/** A document read from text. */
export interface ParsedSource {
  /** The document as a plain value; a mapping when `ok`. */
  readonly value: unknown;
  /** Source positions by JSON path. */
  readonly sourceMap: SourceMap;
  /** Problems with the text itself, errors and warnings. */
  readonly diagnostics: readonly Diagnostic[];
  /** `true` when `value` is a mapping that the schema can check. */
  readonly ok: boolean;
}

const SHAPE_HINT = "a workflow file is a mapping with schema_version, flow, state, nodes and edges";

/**
 * Parses workflow text (see `readYaml`). Syntax errors stop here; duplicate keys are
 * reported and the document is still checked further (the last value of a key wins). Anchors,
 * aliases and `<<` merge keys work as in most YAML tools.
 *
 * @param text The file's text.
 * @param file The file name, for diagnostics.
 * @returns The value, its source map and the problems found.
 */
export function parseSource(text: string, file: string | undefined): ParsedSource {
  const read = readYaml(text, file);
  const { value, sourceMap } = read;
  if (!read.ok) return { value: undefined, sourceMap, diagnostics: read.diagnostics, ok: false };
  const diagnostics = [...read.diagnostics];
  if (read.empty) {
    diagnostics.push(sourceMap.place({
      severity: "error",
      code: "empty_document",
      message: `Cannot load the workflow as the file is empty: ${SHAPE_HINT}`,
      path: [],
    }, { line: 1, column: 1 }));
    return { value: undefined, sourceMap, diagnostics, ok: false };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const found = Array.isArray(value) ? "a list" : value === null ? "empty" : "a single value";
    diagnostics.push(sourceMap.place({
      severity: "error",
      code: "not_a_mapping",
      message: `Cannot load the workflow as the document is ${found}: ${SHAPE_HINT}`,
      path: [],
    }));
    return { value: undefined, sourceMap, diagnostics, ok: false };
  }
  return { value, sourceMap, diagnostics, ok: true };
}
