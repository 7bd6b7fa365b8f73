/**
 * Source positions of a parsed YAML (or JSON) document by JSON path, so that every
 * diagnostic can name its file, line and column.
 *
 * @module
 */
import { type Document, isAlias, isCollection, isMap, isScalar, isSeq } from "yaml";
import type { Diagnostic, JsonPath } from "./diagnostic.ts";

/** Most aliases whose content is mapped (as many as `toJS` expands before it gives up). */
const MAX_ALIAS_WALKS = 100;

/** A 1-based line and column. */
export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** What the document holds at one path. */
interface Entry {
  /** Start and end offsets of the key, for map entries. */
  readonly key?: readonly [number, number];
  /** Start and end offsets of the value node, when it has one. */
  readonly value?: readonly [number, number];
  /** The value is a map or a list (its position is best given by its key). */
  readonly collection: boolean;
  /** The value as a string, for scalars. */
  readonly text?: string;
  /** The scalar as written in the source. */
  readonly source?: string;
}

/** Where the parts of a document are, by JSON path. */
export class SourceMap {
  readonly #entries = new Map<string, Entry>();
  #aliasWalks = 0;
  readonly #text: string;
  readonly #lineStarts: readonly number[];
  /** The file the document came from, when known. */
  readonly file: string | undefined;

  /**
   * @param text The source text.
   * @param file The file name, when known.
   */
  constructor(text: string, file: string | undefined) {
    this.#text = text;
    this.file = file;
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
    this.#lineStarts = starts;
  }

  /**
   * Builds the map of a parsed document.
   *
   * @param document The parsed document.
   * @param text Its source text.
   * @param file The file name, when known.
   * @returns The map.
   */
  static fromDocument(document: Document, text: string, file: string | undefined): SourceMap {
    const map = new SourceMap(text, file);
    map.#walk(document, document.contents, [], 0);
    const root = document.contents?.range;
    if (root) map.#entries.set(keyOf([]), { value: [root[0], root[1]], collection: true });
    return map;
  }

  /**
   * The position of an offset in the text.
   *
   * @param offset 0-based offset.
   * @returns Its line and column.
   */
  positionOf(offset: number): Position {
    const starts = this.#lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }

  /**
   * The best position for a problem with the value at `path`: a scalar's own position, the
   * key of a map or list, or, when the path is absent, the nearest ancestor that exists.
   *
   * @param path The JSON path.
   * @returns The position, or `undefined` for an empty document.
   */
  locate(path: JsonPath): Position | undefined {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.#entries.get(keyOf(path.slice(0, length)));
      if (!entry) continue;
      const exact = length === path.length;
      const useKey = entry.key && (!exact || entry.collection || !entry.value);
      const range = useKey ? entry.key : entry.value ?? entry.key;
      if (range) return this.positionOf(range[0]);
    }
    return undefined;
  }

  /**
   * The position of the key at the end of `path` (for an unknown or misspelt key), else the
   * position {@linkcode SourceMap.locate} gives.
   *
   * @param path The JSON path of the key.
   * @returns The position.
   */
  locateKey(path: JsonPath): Position | undefined {
    const key = this.#entries.get(keyOf(path))?.key;
    return key ? this.positionOf(key[0]) : this.locate(path);
  }

  /**
   * The position of a character inside the string value at `path`, such as a placeholder in a
   * prompt or the fault in a route expression. Works for plain, quoted and block scalars; falls
   * back to the value's own position when the text cannot be matched to the source.
   *
   * @param path The JSON path of a string value.
   * @param offset 0-based offset in the value.
   * @param length How many characters from `offset` identify the place (at least 1 is used).
   * @returns The position.
   */
  locateInValue(path: JsonPath, offset: number, length = 1): Position | undefined {
    const entry = this.#entries.get(keyOf(path));
    if (!entry?.value || entry.text === undefined) return this.locate(path);
    const value = entry.text;
    const start = Math.max(0, Math.min(offset, value.length - 1));
    const shift = offset - start;
    const needle = value.slice(start, start + Math.max(1, length));
    if (needle === "") return this.locate(path);
    let occurrence = 0;
    for (let i = value.indexOf(needle); i !== -1 && i < start; i = value.indexOf(needle, i + 1)) {
      occurrence++;
    }
    const raw = this.#text.slice(entry.value[0], entry.value[1]);
    let found = -1;
    for (let n = 0; n <= occurrence; n++) {
      found = raw.indexOf(needle, found + 1);
      if (found === -1) return this.locate(path);
    }
    const position = this.positionOf(entry.value[0] + found);
    return { line: position.line, column: position.column + shift };
  }

  /**
   * The scalar at `path` as written in the source (`1.0` for an unquoted version).
   *
   * @param path The JSON path.
   * @returns The source text, or `undefined` when the value is not a scalar.
   */
  sourceOf(path: JsonPath): string | undefined {
    return this.#entries.get(keyOf(path))?.source;
  }

  /**
   * A diagnostic placed at a path: file, line and column filled in.
   *
   * @param diagnostic The problem, without its place.
   * @param position Where it is; {@linkcode SourceMap.locate} of its path when absent.
   * @returns The diagnostic with its place.
   */
  place(
    diagnostic: Omit<Diagnostic, "file" | "line" | "column">,
    position: Position | undefined = this.locate(diagnostic.path),
  ): Diagnostic {
    return {
      ...diagnostic,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(position ? { line: position.line, column: position.column } : {}),
    };
  }

  #walk(document: Document, node: unknown, path: JsonPath, depth: number): void {
    if (depth > 64) return;
    // Each alias is walked as a copy of its anchor, so nested aliases ("billion laughs") would
    // multiply the work: past MAX_ALIAS_WALKS, aliases keep only their own position.
    if (isAlias(node) && ++this.#aliasWalks > MAX_ALIAS_WALKS) return;
    const target = isAlias(node) ? node.resolve(document) : node;
    if (isMap(target)) {
      for (const pair of target.items) {
        const keyNode = pair.key;
        const name = isScalar(keyNode) ? String(keyNode.value ?? "") : undefined;
        if (name === undefined) continue;
        const childPath = [...path, name];
        this.#record(childPath, pair.value, isScalar(keyNode) ? keyNode.range : undefined);
        this.#walk(document, pair.value, childPath, depth + 1);
      }
    } else if (isSeq(target)) {
      target.items.forEach((item, index) => {
        const childPath = [...path, index];
        this.#record(childPath, item, undefined);
        this.#walk(document, item, childPath, depth + 1);
      });
    }
  }

  #record(path: JsonPath, node: unknown, keyRange: readonly number[] | null | undefined): void {
    const range = (node as { range?: readonly number[] | null } | null)?.range;
    const empty = !range || (range[0] === range[1] && isScalar(node) && node.value === null);
    const entry: Entry = {
      ...(keyRange ? { key: [keyRange[0] ?? 0, keyRange[1] ?? 0] as const } : {}),
      ...(!empty && range ? { value: [range[0] ?? 0, range[1] ?? 0] as const } : {}),
      collection: isCollection(node) || isAlias(node),
      ...(isScalar(node) && typeof node.value === "string" ? { text: node.value } : {}),
      ...(isScalar(node) && typeof node.source === "string" ? { source: node.source } : {}),
    };
    this.#entries.set(keyOf(path), entry);
  }
}

function keyOf(path: JsonPath): string {
  return JSON.stringify(path);
}
