/**
 * The one place that calls npm:yaml's parser, so that its settings and its environment quirk
 * are handled once.
 *
 * @module
 */
import process from "node:process";
import { Composer, type CST, type Document, Parser, YAMLParseError } from "yaml";

/**
 * Deepest nesting of mappings and lists a YAML (or JSON) text may have. Far beyond any real
 * workflow or input file, and shallow enough that the recursive parts of parsing (npm:yaml's
 * composer and `toJS`, the schema) never exhaust the stack, whatever stack is left.
 */
export const MAX_YAML_NESTING = 200;

/** Most aliases `toJS` expands before it refuses the document (an alias bomb). */
const MAX_ALIAS_COUNT = 100;

/** A parsed YAML (or JSON) document. */
export interface YamlDocument {
  /**
   * The document, with its errors and warnings; `undefined` when the text nests deeper than
   * {@linkcode MAX_YAML_NESTING} (it is then not composed at all).
   */
  readonly document: Document.Parsed | undefined;
  /** The offset where the text first nests too deep, when it does. */
  readonly tooDeepAt: number | undefined;
  /**
   * Converts the document to plain values (aliases limited to 100 uses).
   *
   * @throws {ReferenceError} When aliases expand more often than that.
   */
  toJS(): unknown;
}

/**
 * Parses YAML or JSON text with source positions and merge keys (`<<:`). The nesting depth is
 * checked on the syntax tree before the document is composed, so that the same text gets the
 * same answer in every process. Keys are not checked for uniqueness here (npm:yaml's check
 * compares every key with every other: quadratic), tags outside YAML's core schema (`!!binary`,
 * `!!timestamp`, `!!set`, ...) are left unresolved, with a `TAG_RESOLVE_FAILED` warning.
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
 * if (value.a[1] !== 2 || parsed.document?.errors.length !== 0) throw new Error();
 * ```
 *
 * @param text The source text.
 * @returns The document.
 */
export function parseYamlDocument(text: string): YamlDocument {
  return withoutProcessEnv(() => {
    const tokens = [...new Parser().parse(text)];
    const tooDeepAt = tooDeep(tokens);
    if (tooDeepAt !== undefined) return { document: undefined, tooDeepAt, toJS: () => undefined };
    const document = compose(tokens, text.length);
    return {
      document,
      tooDeepAt: undefined,
      toJS: () => withoutProcessEnv(() => document.toJS({ maxAliasCount: MAX_ALIAS_COUNT })),
    };
  });
}

/** The first document of the tokens, with an error when there are more (as `parseDocument`). */
function compose(tokens: readonly CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
    resolveKnownTags: false,
  });
  let first: Document.Parsed | undefined;
  for (const document of composer.compose(tokens, true, length)) {
    if (!first) {
      first = document;
      continue;
    }
    const [start = 0, end = start] = document.range;
    first.errors.push(
      new YAMLParseError([start, end], "MULTIPLE_DOCS", "Source contains multiple documents"),
    );
    break;
  }
  return first as Document.Parsed;
}

/**
 * The offset of the first collection nested deeper than {@linkcode MAX_YAML_NESTING}, walking
 * the syntax tree without recursion (block scalars are single tokens, so their text does not
 * count); `undefined` when there is none.
 */
function tooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((token) => [token, 0]);
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [token, depth] = entry;
    const children: (CST.Token | null | undefined)[] = [];
    if (token.type === "document") children.push(token.value);
    else if (
      token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection"
    ) {
      if (depth > MAX_YAML_NESTING) return token.offset;
      for (const item of token.items) children.push(item.key, item.value);
    }
    for (const child of children) if (child) stack.push([child, depth + 1]);
  }
  return undefined;
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
