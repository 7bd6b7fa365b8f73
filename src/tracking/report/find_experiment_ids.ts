/**
 * Resolves an experiment name to the ids to read.
 *
 * @module
 */
import type { TrackingReader } from "./tracking_reader.ts";

/**
 * The ids of the active experiments with a name, or `undefined` (all experiments) when no name
 * is given.
 *
 * @example Usage
 * ```ts
 * import { findExperimentIds } from "./find_experiment_ids.ts";
 * import { type TrackingReader } from "./tracking_reader.ts";
 * const reader = {
 *   location: "memory",
 *   listExperiments: () => Promise.resolve([{ experimentId: "3", name: "nightly" }]),
 * } as TrackingReader;
 * const ids = await findExperimentIds(reader, "nightly");
 * if (ids?.[0] !== "3" || (await findExperimentIds(reader, undefined)) !== undefined) throw new Error();
 * ```
 *
 * @param reader Where to look.
 * @param name The experiment name.
 * @returns The ids.
 * @throws {RangeError} When no active experiment has the name; the message lists the known ones.
 */
export async function findExperimentIds(
  reader: TrackingReader,
  name: string | undefined,
): Promise<string[] | undefined> {
  if (name === undefined) return undefined;
  const experiments = await reader.listExperiments();
  const found = experiments.filter((experiment) => experiment.name === name);
  if (found.length === 0) {
    const known = experiments.map((experiment) => `"${experiment.name}"`).join(", ") || "none";
    throw new RangeError(
      `Cannot find experiment "${name}" at ${reader.location} as no active experiment has that ` +
        `name: known experiments are ${known}`,
    );
  }
  return found.map((experiment) => experiment.experimentId);
}
