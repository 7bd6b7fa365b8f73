/**
 * "Did you mean" suggestions for names that do not exist.
 *
 * @module
 */

/** Options of {@linkcode closestName}. */
export interface ClosestNameOptions {
  /**
   * Largest edit distance (insertions, deletions, substitutions; case ignored) that still
   * counts as close.
   *
   * @default {2}
   */
  maxDistance?: number;
}

/**
 * Finds the candidate closest to a name, when one is close enough.
 *
 * @example Usage
 * ```ts
 * import { closestName } from "./suggest.ts";
 * if (closestName("promt", ["prompt", "outputs"]) !== "prompt") throw new Error();
 * ```
 *
 * @param name The name that was not found.
 * @param candidates The names that exist.
 * @param options How close a candidate must be.
 * @returns The closest candidate (the first one on a tie), or `undefined`.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  options: ClosestNameOptions = {},
): string | undefined {
  const { maxDistance = 2 } = options;
  const wanted = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = levenshtein(wanted, candidate.toLowerCase());
    if (distance <= maxDistance && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

/**
 * The suggestion text for a name that was not found: `did you mean 'x'?` when a candidate is
 * close, else the list of names that exist (or `undefined` when there are none).
 *
 * @param name The name that was not found.
 * @param candidates The names that exist.
 * @param noun What the candidates are, for the list form ("known keys are ...").
 * @returns The suggestion, or `undefined`.
 */
export function suggestName(
  name: string,
  candidates: readonly string[],
  noun = "names",
): string | undefined {
  const close = closestName(name, candidates);
  if (close !== undefined) return `did you mean '${close}'?`;
  if (candidates.length === 0) return undefined;
  return `known ${noun} are ${quoteList(new Set(candidates))}`;
}

/**
 * Formats names as a quoted, comma-separated list: `'a', 'b', 'c'`.
 *
 * @param names The names.
 * @returns The list as text, `none` when empty.
 */
export function quoteList(names: Iterable<string>): string {
  const quoted = [...names].map((name) => `'${name}'`);
  return quoted.length ? quoted.join(", ") : "none";
}

/** Edit distance by the two-row dynamic programme. */
function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (const [i, charA] of [...a].entries()) {
    const next = [i + 1];
    for (const [j, charB] of [...b].entries()) {
      const substitution = (row[j] ?? 0) + (charA === charB ? 0 : 1);
      next.push(Math.min((row[j + 1] ?? 0) + 1, (next[j] ?? 0) + 1, substitution));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}
