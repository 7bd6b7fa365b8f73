/**
 * Lookups by name that see only a mapping's own entries. Names in workflow files (placeholders,
 * route expressions, prompt file paths) are chosen by users, and a plain object inherits
 * `constructor`, `toString`, `__proto__` and the like from `Object.prototype`: an indexed lookup
 * would find those as if they were declared.
 *
 * @module
 */

/**
 * The value a mapping holds under `key` itself, never one it inherits.
 *
 * @param record The mapping, or `undefined`.
 * @param key The name.
 * @returns The value, or `undefined` when the mapping has no own entry `key`.
 */
export function ownValue<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
