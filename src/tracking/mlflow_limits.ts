/**
 * MLflow's limits on what a run holds (`mlflow/utils/validation.py`), in characters: the one
 * place the sinks and the bundle builders read them from.
 *
 * @module
 */

/** Longest metric, param or tag key, and longest run name. */
export const MAX_KEY_CHARS = 250;
/** Longest param value. */
export const MAX_PARAM_VALUE_CHARS = 6000;
/** Longest run tag value. */
export const MAX_TAG_VALUE_CHARS = 8000;

/**
 * A value cut to at most `max` characters, as MLflow cuts long values.
 *
 * @param value The value.
 * @param max The most characters kept.
 * @returns The value, or its first `max` characters.
 */
export function cutTo(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}
