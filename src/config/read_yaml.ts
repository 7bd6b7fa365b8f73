/**
 * Reads YAML (or JSON, which YAML reads too) into a plain value plus the source position of
 * every part of it, for workflow files and input files alike. Problems with the text become
 * diagnostics, in file order; nothing here throws.
 *
 * @module
 */
import { type Document, visit } from "yaml";
import { type Diagnostic, sortDiagnostics } from "./diagnostic.ts";
import { MAX_SOURCE_BYTES } from "./constants.ts";
import { SourceMap } from "./_source_map.ts";
import { keyProblems } from "./_yaml_keys.ts";
import {
  isTagWarning,
  lowerFirst,
  syntaxDiagnostic,
  tagDiagnostic,
  warningDiagnostic,
} from "./_yaml_errors.ts";
import { MAX_YAML_NESTING, parseYamlDocument } from "./yaml_document.ts";
import { errorMessage } from "../errors.ts";

/** A YAML text, read. */
export interface YamlSource {
  /** The document as a plain value when `ok` (`null` for an empty document), else `undefined`. */
  readonly value: unknown;
  /** `true` when the text holds no document at all (only comments or blank lines). */
  readonly empty: boolean;
  /** Source positions by JSON path. */
  readonly sourceMap: SourceMap;
  /** Problems with the text, errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /** `true` when the text could be read into `value` (duplicate keys allowed: the last wins). */
  readonly ok: boolean;
}

/**
 * Reads YAML or JSON text. A text longer than {@linkcode MAX_SOURCE_BYTES} characters, nested
 * deeper than {@linkcode MAX_YAML_NESTING} levels, with a syntax error (reported once: the
 * errors after the first are mostly its echoes), a tag outside YAML's core schema, a list or
 * mapping used as a key, or aliases that expand more than 100 times is not read. A key written
 * twice in one mapping is an error, but the text is still read (the last value wins) so that
 * the rest can be checked. Runs in time linear in the size of the text.
 *
 * @example Usage
 * ```ts
 * import { readYaml } from "./read_yaml.ts";
 * const read = readYaml("a: 1\nb: [x, y]\na: 2\n", "in.yaml");
 * if (!read.ok || (read.value as { a: number }).a !== 2) throw new Error();
 * const [duplicate] = read.diagnostics;
 * if (duplicate?.code !== "duplicate_key" || duplicate.line !== 3) throw new Error();
 * ```
 *
 * @param text The text.
 * @param file The file it came from, named in the diagnostics.
 * @returns The value, its source map and the problems found.
 */
export function readYaml(text: string, file: string | undefined): YamlSource {
  if (text.length > MAX_SOURCE_BYTES) {
    const sourceMap = new SourceMap("", file);
    return failed(sourceMap, [
      sourceMap.place({
        severity: "error",
        code: "file_too_large",
        message: `Cannot read the YAML as it is longer than ${MAX_SOURCE_BYTES} characters (${
          MAX_SOURCE_BYTES / 1024 / 1024
        } MiB): it has ${text.length}`,
        path: [],
        suggestion: "split it into smaller files (a batch of runs can be a JSONL file)",
      }, { line: 1, column: 1 }),
    ]);
  }
  const parsed = parseYamlDocument(text);
  const { document } = parsed;
  if (!document) {
    const sourceMap = new SourceMap(text, file);
    return failed(sourceMap, [
      sourceMap.place({
        severity: "error",
        code: "yaml_syntax",
        message: `Cannot read the YAML as it nests more than ${MAX_YAML_NESTING} levels deep`,
        path: [],
        suggestion: "flatten the deepest lists and mappings",
      }, sourceMap.positionOf(parsed.tooDeepAt ?? 0)),
    ]);
  }
  const sourceMap = SourceMap.fromDocument(document, text, file);
  const firstError = [...document.errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (firstError) return failed(sourceMap, [syntaxDiagnostic(firstError, text, sourceMap)]);

  const tags = document.warnings.filter(isTagWarning);
  const diagnostics = [
    ...tags.map((warning) => tagDiagnostic(warning, text, sourceMap)),
    ...document.warnings.filter((warning) => !isTagWarning(warning))
      .map((warning) => warningDiagnostic(warning, sourceMap)),
  ];
  const keys = keyProblems(document);
  for (const problem of keys) {
    const duplicate = problem.kind === "duplicate";
    diagnostics.push(sourceMap.place({
      severity: "error",
      code: duplicate ? "duplicate_key" : "collection_key",
      message: duplicate
        ? `Cannot use the key "${problem.key}" twice in one mapping: remove or rename the second one`
        : `Cannot use ${problem.key} as a key: keys are names or other single values`,
      path: [],
    }, sourceMap.positionOf(problem.offset)));
  }
  if (tags.length > 0 || keys.some((problem) => problem.kind === "collection")) {
    return failed(sourceMap, diagnostics);
  }
  const empty = document.contents === null;
  let value: unknown = null;
  try {
    if (!empty) value = parsed.toJS();
  } catch (error) {
    return failed(sourceMap, [
      ...diagnostics,
      sourceMap.place({
        severity: "error",
        code: "yaml_syntax",
        message: `Cannot read the YAML as ${lowerFirst(errorMessage(error))}`,
        path: [],
        suggestion: "write the repeated values out rather than nest aliases of aliases",
      }, sourceMap.positionOf(firstAliasOffset(document))),
    ]);
  }
  return { value, empty, sourceMap, diagnostics: sortDiagnostics(diagnostics), ok: true };
}

/** Where the first alias (`*name`) of a document is: what an alias bomb is built from. */
function firstAliasOffset(document: Document): number {
  let offset = 0;
  visit(document, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function failed(sourceMap: SourceMap, diagnostics: Diagnostic[]): YamlSource {
  return {
    value: undefined,
    empty: false,
    sourceMap,
    diagnostics: sortDiagnostics(diagnostics),
    ok: false,
  };
}
