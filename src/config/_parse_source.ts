/**
 * Reads the text of a workflow file (YAML, or JSON, which YAML reads too) into a plain value
 * plus the source position of every part of it. Problems with the text itself (empty file,
 * YAML syntax, duplicate keys, a document that is not a mapping) become diagnostics; nothing
 * here throws.
 *
 * @module
 */
import type { YAMLError } from "yaml";
import { errorMessage } from "../errors.ts";
import { parseYamlDocument } from "./yaml_document.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { SourceMap } from "./_source_map.ts";

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

/** Deepest nesting of mappings and lists a workflow file may have. */
const MAX_NESTING = 200;

const SHAPE_HINT = "a workflow file is a mapping with schema_version, flow, state, nodes and edges";

/**
 * Parses workflow text. Syntax errors stop here; duplicate keys are reported and the document
 * is still checked further (the last value of a key wins). Anchors, aliases and `<<` merge keys
 * work as in most YAML tools.
 *
 * @param text The file's text.
 * @param file The file name, for diagnostics.
 * @returns The value, its source map and the problems found.
 */
export function parseSource(text: string, file: string | undefined): ParsedSource {
  // Checked before parsing: whether a deep document overflows the recursive parser depends on
  // the stack left, and the same file must get the same answer in every process.
  const deep = excessiveNesting(text);
  if (deep !== undefined) {
    const sourceMap = new SourceMap(text, file);
    const diagnostic = sourceMap.place({
      severity: "error",
      code: "yaml_syntax",
      message:
        `Cannot read the YAML as it nests more than ${MAX_NESTING} levels deep: flatten the deepest lists and mappings`,
      path: [],
    }, sourceMap.positionOf(deep));
    return { value: undefined, sourceMap, diagnostics: [diagnostic], ok: false };
  }
  const parsed = parseYamlDocument(text);
  const { document } = parsed;
  const sourceMap = SourceMap.fromDocument(document, text, file);
  const diagnostics: Diagnostic[] = [
    ...withoutEchoes(document.errors).map((error) =>
      yamlDiagnostic(error, "error", text, sourceMap)
    ),
    ...document.warnings.map((warning) => yamlDiagnostic(warning, "warning", text, sourceMap)),
  ];
  const fatal = document.errors.some((error) => error.code !== "DUPLICATE_KEY");
  if (fatal) return { value: undefined, sourceMap, diagnostics, ok: false };

  if (document.contents === null) {
    diagnostics.push(sourceMap.place({
      severity: "error",
      code: "empty_document",
      message: `Cannot load the workflow as the file is empty: ${SHAPE_HINT}`,
      path: [],
    }, { line: 1, column: 1 }));
    return { value: undefined, sourceMap, diagnostics, ok: false };
  }

  let value: unknown;
  try {
    value = parsed.toJS();
  } catch (error) {
    diagnostics.push(sourceMap.place({
      severity: "error",
      code: "yaml_syntax",
      message: `Cannot read the YAML as ${lowerFirst(errorMessage(error))}`,
      path: [],
    }));
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

function yamlDiagnostic(
  error: YAMLError,
  severity: "error" | "warning",
  text: string,
  sourceMap: SourceMap,
): Diagnostic {
  if (error.code === "RESOURCE_EXHAUSTION") {
    // The parser ran out of stack (nesting that `excessiveNesting` did not count).
    return sourceMap.place({
      severity,
      code: "yaml_syntax",
      message:
        "Cannot read the YAML as it nests too deeply: flatten the deepest lists and mappings",
      path: [],
    }, sourceMap.positionOf(error.pos[0]));
  }
  const duplicate = error.code === "DUPLICATE_KEY";
  const key = /^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:\n]+)/.exec(text.slice(error.pos[0]))?.[0]
    .trim().replace(/^["']|["']$/g, "") ?? "";
  const message = duplicate
    ? `Cannot use the key "${key}" twice in one mapping: remove or rename the second one`
    : `Cannot read the YAML as it is malformed: ${lowerFirst(error.message)}`;
  return sourceMap.place({
    severity,
    code: duplicate ? "duplicate_key" : severity === "error" ? "yaml_syntax" : "yaml_warning",
    message,
    path: [],
  }, sourceMap.positionOf(error.pos[0]));
}

/** The errors, with a stack overflow of the parser reported once (it cascades). */
function withoutEchoes(errors: readonly YAMLError[]): YAMLError[] {
  const first = errors.findIndex((error) => error.code === "RESOURCE_EXHAUSTION");
  return first === -1
    ? [...errors]
    : errors.filter((error, index) => error.code !== "RESOURCE_EXHAUSTION" || index === first);
}

/**
 * Where the text nests deeper than {@linkcode MAX_NESTING} levels, counting block levels by
 * indentation and flow brackets outside quoted scalars (a quote opens one only where a scalar
 * can start); `undefined` when it does not. A linear scan: it may count too few levels in odd
 * text (then the parser's own stack check answers), never too many for real workflow files.
 */
function excessiveNesting(text: string): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (i === lineStart && quote === undefined && flow === 0) {
      let j = i;
      while (text[j] === " ") j++;
      if (j < text.length && !"\r\n#".includes(text[j]!)) {
        while ((indents.at(-1) ?? -1) >= j - i) indents.pop();
        indents.push(j - i);
        if (indents.length > MAX_NESTING) return j;
      }
    }
    const char = text[i]!;
    if (char === "\n") {
      lineStart = i + 1;
    } else if (quote !== undefined) {
      if (char === "\\" && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if ((char === '"' || char === "'") && /[\s[{,:]/.test(text[i - 1] ?? " ")) {
      quote = char;
    } else if (char === "#" && /\s/.test(text[i - 1] ?? " ")) {
      const end = text.indexOf("\n", i);
      if (end === -1) break;
      i = end - 1;
    } else if (char === "[" || char === "{") {
      if (indents.length + ++flow > MAX_NESTING) return i;
    } else if ((char === "]" || char === "}") && flow > 0) {
      flow--;
    }
  }
  return undefined;
}

function lowerFirst(text: string): string {
  const first = text.slice(0, 1);
  return /^[A-Z][a-z]/.test(text) ? first.toLowerCase() + text.slice(1) : text;
}
