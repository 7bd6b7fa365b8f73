/**
 * Paths into a parsed workflow document (plain JSON-like data) and edits at a path, for the
 * structural mutations of the corpus generator.
 *
 * @module
 */

/** A key or an index. */
export type Segment = string | number;

/** A path from the document root. */
export type TreePath = readonly Segment[];

/** A map of parsed YAML. */
export type Tree = Record<string, unknown>;

/**
 * Whether a value is a map (not a list, not null).
 *
 * @param value Anything.
 * @returns `true` for a plain object.
 */
export function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every path in a document, parents before children.
 *
 * @param value The document.
 * @param limit Stop after this many paths.
 * @returns The paths (the root excluded).
 */
export function allPaths(value: unknown, limit = 20_000): TreePath[] {
  const paths: TreePath[] = [];
  const stack: { value: unknown; path: TreePath }[] = [{ value, path: [] }];
  while (stack.length && paths.length < limit) {
    const { value: current, path } = stack.pop()!;
    if (path.length) paths.push(path);
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
    } else if (isTree(current)) {
      for (const [key, item] of Object.entries(current)) {
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return paths;
}

/**
 * The value at a path.
 *
 * @param root The document.
 * @param path The path.
 * @returns The value, `undefined` when the path does not exist.
 */
export function getAt(root: unknown, path: TreePath): unknown {
  let current = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isTree(current) && typeof segment === "string") current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * Sets the value at a path, creating maps on the way.
 *
 * @param root The document (a map).
 * @param path A non-empty path.
 * @param value The new value.
 */
export function setAt(root: Tree, path: TreePath, value: unknown): void {
  let current: unknown = root;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (Array.isArray(current) && typeof segment === "number") {
      if (last) current[segment] = value;
      else current = current[segment] ??= {};
    } else if (isTree(current)) {
      const key = String(segment);
      if (last) current[key] = value;
      else {
        if (!isTree(current[key]) && !Array.isArray(current[key])) current[key] = {};
        current = current[key];
      }
    } else {
      return;
    }
  }
}

/**
 * Deletes the entry at a path (a map key, or a list item).
 *
 * @param root The document.
 * @param path A non-empty path.
 */
export function deleteAt(root: unknown, path: TreePath): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
  else if (isTree(parent) && last !== undefined) delete parent[String(last)];
}

/**
 * Renames a map key at a path, keeping the order of the other keys.
 *
 * @param root The document.
 * @param path Path of the entry whose key changes.
 * @param name The new key.
 */
export function renameAt(root: unknown, path: TreePath, name: string): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!isTree(parent) || typeof last !== "string") return;
  const entries = Object.entries(parent).map(([key, value]) => [key === last ? name : key, value]);
  for (const key of Object.keys(parent)) delete parent[key];
  for (const [key, value] of entries) parent[key as string] = value;
}
