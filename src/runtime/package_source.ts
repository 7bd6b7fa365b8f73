/**
 * Where this package's source files are, for the read permission of modules Deno loads after
 * the program has started.
 *
 * @module
 */
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's `src/` folder when it runs from local files (a checkout), `undefined` when it
 * runs from JSR or another host. Deno loads the modules of the program's start without asking
 * for permission, but a module loaded later (the CLI's `run` command, a worker) is read under
 * the program's read permission when it is a local file, and under the import permission
 * (which allows jsr.io by default) when it is remote.
 *
 * @example Usage
 * ```ts
 * import { packageSourceDirectory } from "./package_source.ts";
 * const root = new URL("../../", import.meta.url).pathname;
 * if (packageSourceDirectory(root) !== "src") throw new Error();
 * ```
 *
 * @param cwd When given, the folder is relative to it if it is inside (`src` from the
 * checkout's root), else absolute.
 * @returns The folder without a trailing slash, or `undefined`.
 */
export function packageSourceDirectory(cwd?: string): string | undefined {
  const source = new URL("../", import.meta.url);
  if (source.protocol !== "file:") return undefined;
  const absolute = fileURLToPath(source).replace(/[\\/]$/, "");
  if (cwd === undefined) return absolute;
  const inside = relative(cwd, absolute);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : absolute;
}
