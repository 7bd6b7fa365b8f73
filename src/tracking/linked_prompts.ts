/**
 * `mlflow.linkedPrompts`: which registry prompt versions a trace (or a run, or a span) used, as
 * MLflow writes it — a JSON list of `{"name", "version"}` with the version as a string, each
 * version once, in order of first use.
 *
 * @module
 */
import { pythonJsonDumps } from "./python_json.ts";
import type { RunPrompt } from "./tracer.ts";

/** The trace tag, run tag and span attribute MLflow links prompt versions with. */
export const LINKED_PROMPTS_KEY = "mlflow.linkedPrompts";

/**
 * The linked prompts of some prompt uses: each `(name, version)` once, in order.
 *
 * @example Usage
 * ```ts
 * import { linkedPrompts, linkedPromptsTag } from "./linked_prompts.ts";
 * const used = [
 *   { nodeId: "a", uri: "prompts:/summarizer@production", name: "summarizer", version: 2 },
 *   { nodeId: "b", uri: "prompts:/summarizer/2", name: "summarizer", version: 2 },
 * ];
 * if (linkedPrompts(used).length !== 1) throw new Error();
 * if (linkedPromptsTag(used) !== '[{"name": "summarizer", "version": "2"}]') throw new Error();
 * ```
 *
 * @param prompts The uses.
 * @returns `[{ name, version }]` with string versions.
 */
export function linkedPrompts(
  prompts: readonly Pick<RunPrompt, "name" | "version">[],
): { name: string; version: string }[] {
  const seen = new Set<string>();
  const linked: { name: string; version: string }[] = [];
  for (const { name, version } of prompts) {
    const key = `${name}\u0000${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    linked.push({ name, version: String(version) });
  }
  return linked;
}

/**
 * The value of the `mlflow.linkedPrompts` tag: {@linkcode linkedPrompts} as Python's
 * `json.dumps` writes it.
 *
 * @param prompts The uses.
 * @returns The JSON text.
 */
export function linkedPromptsTag(prompts: readonly Pick<RunPrompt, "name" | "version">[]): string {
  return pythonJsonDumps(linkedPrompts(prompts));
}
