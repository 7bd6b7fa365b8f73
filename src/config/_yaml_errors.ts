/**
 * Diagnostics for the problems npm:yaml finds in a text: one syntax error with a hint (the
 * errors after the first are mostly echoes of it), tags outside YAML's core schema, and the
 * warnings that remain.
 *
 * @module
 */
import type { YAMLError } from "yaml";
import type { Diagnostic } from "./diagnostic.ts";
import type { SourceMap } from "./_source_map.ts";

/** The tags whose values every YAML and JSON reader understands alike. */
const CORE_TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map"];

/** How to fix each kind of syntax error npm:yaml reports. */
const HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: "indent with spaces: YAML does not allow tabs for indentation",
  BAD_INDENT:
    "indent the keys of one mapping to the same column, and close every { or [ opened above",
  MISSING_CHAR: "close the quote or bracket opened here, or add the missing ',' or ':'",
  BAD_DQ_ESCAPE: "inside double quotes write a backslash as \\\\, or use single quotes",
  BAD_SCALAR_START: "put the value in quotes: it starts with a character YAML reserves",
  BLOCK_AS_IMPLICIT_KEY: "put a value that contains ': ' in quotes, or move it to its own line",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line: look for a missing ':' or quote above",
  BLOCK_IN_FLOW: "inside { } or [ ], write lists and mappings in { } or [ ] too",
  MULTIPLE_DOCS: "keep one document: remove the '---' line and what follows it, or merge them",
  BAD_ALIAS: "define an anchor (&name) before its aliases (*name)",
  KEY_OVER_1024_CHARS: "shorten the key, or write a long key with '? ' on its own line",
};

const GENERIC_HINT =
  "check the quotes, brackets and indentation here: a value containing ': ', ' #', '[' or '{' needs quotes";

/**
 * The diagnostic of a YAML syntax error, with a hint. A type such as `list[str]` written
 * without quotes inside `{ }` or `[ ]` (where `[` starts a list) gets its own message.
 *
 * @param error The first error of the document.
 * @param text The source text.
 * @param sourceMap Positions in it.
 * @returns The diagnostic.
 */
export function syntaxDiagnostic(error: YAMLError, text: string, sourceMap: SourceMap): Diagnostic {
  const offset = error.pos[0];
  const position = sourceMap.positionOf(offset);
  const bracketed = bracketedWord(text, offset);
  if (bracketed !== undefined) {
    return sourceMap.place({
      severity: "error",
      code: "yaml_syntax",
      message:
        `Cannot read the YAML as "${bracketed.text}" is not quoted inside { } or [ ], where "[" starts a list`,
      path: [],
      suggestion:
        `put it in quotes ("${bracketed.text}"), or write this mapping in block style with one key per line`,
    }, sourceMap.positionOf(bracketed.offset));
  }
  if (error.code === "RESOURCE_EXHAUSTION") {
    return sourceMap.place({
      severity: "error",
      code: "yaml_syntax",
      message: "Cannot read the YAML as it nests too deeply",
      path: [],
      suggestion: "flatten the deepest lists and mappings",
    }, position);
  }
  return sourceMap.place({
    severity: "error",
    code: "yaml_syntax",
    message: `Cannot read the YAML as it is malformed: ${lowerFirst(error.message)}`,
    path: [],
    suggestion: HINTS[error.code] ?? GENERIC_HINT,
  }, position);
}

/**
 * Whether a warning is about a tag that did not resolve to a value of YAML's core schema.
 *
 * @param warning A warning of the document.
 * @returns `true` for tag warnings.
 */
export function isTagWarning(warning: YAMLError): boolean {
  return warning.code === "TAG_RESOLVE_FAILED" || warning.code === "BAD_COLLECTION_TYPE";
}

/**
 * The error for a tag outside YAML's core schema (`!!binary`, `!!timestamp`, `!!set`,
 * `!!js/function`, `!custom`): the value would not read as written, so it is refused.
 *
 * @param warning A tag warning (see {@linkcode isTagWarning}).
 * @param text The source text.
 * @param sourceMap Positions in it.
 * @returns The diagnostic.
 */
export function tagDiagnostic(warning: YAMLError, text: string, sourceMap: SourceMap): Diagnostic {
  const offset = warning.pos[0];
  const tag = /^!\S*/.exec(text.slice(offset, offset + 200))?.[0] ?? "this tag";
  const quoted = tag.startsWith("!") ? `"${tag}"` : tag;
  return sourceMap.place({
    severity: "error",
    code: "yaml_tag",
    message: warning.code === "BAD_COLLECTION_TYPE"
      ? `Cannot use the tag ${quoted} on this value: ${lowerFirst(warning.message)}`
      : `Cannot read the tag ${quoted} as only the tags of YAML's core schema are supported: ${
        CORE_TAGS.join(", ")
      }`,
    path: [],
    suggestion: "remove the tag; quote the value to keep it as text",
  }, sourceMap.positionOf(offset));
}

/**
 * A warning npm:yaml gives about text it could read (an ambiguous anchor, say).
 *
 * @param warning The warning.
 * @param sourceMap Positions in the text.
 * @returns The diagnostic.
 */
export function warningDiagnostic(warning: YAMLError, sourceMap: SourceMap): Diagnostic {
  return sourceMap.place({
    severity: "warning",
    code: "yaml_warning",
    message: `Cannot read the YAML without ambiguity: ${lowerFirst(warning.message)}`,
    path: [],
  }, sourceMap.positionOf(warning.pos[0]));
}

/**
 * The word and brackets at a syntax error that points at a `[` right after a word (`list[str]`
 * inside `{ }`), up to the bracket that closes it, and where the word starts; `undefined`
 * elsewhere.
 */
function bracketedWord(text: string, offset: number): { text: string; offset: number } | undefined {
  if (text[offset] !== "[") return undefined;
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(text.slice(Math.max(0, offset - 100), offset))?.[0];
  if (word === undefined) return undefined;
  let depth = 0;
  for (let i = offset; i < text.length && i < offset + 200; i++) {
    const char = text[i];
    if (char === "\n") break;
    if (char === "[") depth++;
    if (char === "]" && --depth === 0) {
      return { text: word + text.slice(offset, i + 1), offset: offset - word.length };
    }
  }
  return undefined;
}

/**
 * Lower-cases the first letter of a sentence (not of a name such as "YAML").
 *
 * @param text The text.
 * @returns The text, to follow a colon.
 */
export function lowerFirst(text: string): string {
  const first = text.slice(0, 1);
  return /^[A-Z][a-z]/.test(text) ? first.toLowerCase() + text.slice(1) : text;
}
