/**
 * The keys of every mapping of a parsed YAML document, checked in one pass: a key written
 * twice (npm:yaml's own check compares every key with every other, which is quadratic), and
 * a key that is a list or mapping (a JavaScript object can only have text keys).
 *
 * @module
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Node } from "yaml";

/** A key that cannot be used. */
export interface KeyProblem {
  /** `duplicate`: written twice in one mapping; `collection`: a list or mapping as a key. */
  readonly kind: "duplicate" | "collection";
  /** The key as it reads (the second one, for a duplicate), or "a list" or "a mapping". */
  readonly key: string;
  /** 0-based offset of the key in the text. */
  readonly offset: number;
}

/**
 * Finds the duplicate and collection keys of a document, in one pass over its nodes (aliases
 * are not followed: their anchors are checked where they are written). Keys are compared as
 * the object keys they become, so `1` and `"1"` are the same key. Merge keys (`<<`) may
 * repeat.
 *
 * @param document A parsed document.
 * @returns The problems, in no particular order.
 */
export function keyProblems(document: Document): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      stack.push(...node.items);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const { key } = pair;
        stack.push(key, pair.value);
        const offset = (key as Node | null)?.range?.[0] ?? 0;
        if (isMap(key) || isSeq(key)) {
          problems.push({ kind: "collection", key: isMap(key) ? "a mapping" : "a list", offset });
          continue;
        }
        const name = keyName(key);
        if (name === undefined) continue;
        if (seen.has(name)) problems.push({ kind: "duplicate", key: name, offset });
        seen.add(name);
      }
    }
  }
  return problems;
}

/** The object key a scalar key becomes (as npm:yaml's `toJS` makes it); `undefined` for others. */
function keyName(key: unknown): string | undefined {
  if (key === null || key === undefined) return "";
  if (!isScalar(key)) return undefined;
  const value = key.value;
  if (value === null) return "";
  return typeof value === "object" || typeof value === "symbol" ? undefined : String(value);
}
