/**
 * Path confinement of `read_file` and `write_file`: a path is resolved against the first root
 * when relative, normalised, and accepted only inside a root — lexically first, then, when the
 * context can resolve symbolic links, by its real location.
 *
 * @module
 */
import * as path from "node:path";
import type { ToolContext } from "./tool.ts";
import { isNotFound, toolFailed, toolRefused } from "./_tool_errors.ts";

/** What the path is for: a `read` needs the file; a `write` needs its directory. */
export type PathAccess = "read" | "write";

/** The roots of a file tool as configured. */
export const ROOTS_DESCRIPTION =
  "Directories the tool may use; relative ones are relative to the working directory, and a relative path argument is resolved against the first";

/**
 * Resolves a path argument inside the allowed roots.
 *
 * @param requested The path the model passed.
 * @param roots The configured roots (at least one).
 * @param access `read` or `write`.
 * @param context The call's context: `cwd`, `realPath` and `lstat` when it has them.
 * @returns The path to use: the real path when `realPath` is available, else the normalised one.
 * @throws {WorkflowError} `PERMISSION_DENIED` when the path is outside every root, leads
 * out through a symbolic link, or (to write) is a dangling symbolic link; `TOOL_FAILED` when
 * it (or, to write, its directory) is missing.
 */
export async function resolveConfinedPath(
  requested: string,
  roots: readonly string[],
  access: PathAccess,
  context: Pick<ToolContext, "cwd" | "realPath" | "lstat">,
): Promise<string> {
  if (requested.includes("\0")) {
    throw toolFailed(`Cannot ${access} file "${requested}" as its path contains a NUL character`);
  }
  const absolute = (p: string) =>
    context.cwd !== undefined && !path.isAbsolute(p) ? path.join(context.cwd, p) : p;
  const normalRoots = roots.map((root) => trimSeparator(path.normalize(absolute(root))));
  const first = normalRoots[0] ?? ".";
  const target = trimSeparator(
    path.normalize(path.isAbsolute(requested) ? requested : path.join(first, requested)),
  );
  const outside = (why: string) =>
    toolRefused(
      `Cannot ${access} file "${requested}" as it ${why}: allowed roots are ${
        roots.map((root) => `"${root}"`).join(", ")
      }`,
      `Use a path inside a root, or add its directory to the roots of ${access}_file in the node's tools config`,
    );
  if (!normalRoots.some((root) => isInside(target, root))) {
    throw outside("is outside the allowed roots");
  }
  const realPath = context.realPath;
  if (realPath === undefined) return target;

  const realRoots =
    (await Promise.all(normalRoots.map((root) =>
      realPath(root).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw toolFailed(
          `Cannot ${access} file "${requested}" as root "${root}" cannot be resolved`,
          error,
        );
      })
    ))).filter((root): root is string => root !== undefined);
  const { path: realTarget, exists } = await realLocation(target, access, realPath, requested);
  if (!exists && context.lstat !== undefined) {
    await refuseDanglingLink(target, context.lstat, requested);
  }
  if (!realRoots.some((root) => isInside(realTarget, root))) {
    throw outside("leads outside the allowed roots through a symbolic link");
  }
  return realTarget;
}

/**
 * The real path of the target, or for a new file to write, of its directory plus its name
 * (`exists: false`).
 */
async function realLocation(
  target: string,
  access: PathAccess,
  realPath: (p: string) => Promise<string>,
  requested: string,
): Promise<{ path: string; exists: boolean }> {
  try {
    return { path: await realPath(target), exists: true };
  } catch (error) {
    if (!isNotFound(error)) {
      throw toolFailed(
        `Cannot ${access} file "${requested}" as its path cannot be resolved`,
        error,
      );
    }
    if (access === "read") {
      throw toolFailed(`Cannot read file "${requested}" as it does not exist`, error);
    }
  }
  const directory = path.dirname(target);
  try {
    return { path: path.join(await realPath(directory), path.basename(target)), exists: false };
  } catch (error) {
    if (isNotFound(error)) {
      throw toolFailed(
        `Cannot write file "${requested}" as its directory does not exist: write_file does not create directories`,
        error,
      );
    }
    throw toolFailed(`Cannot write file "${requested}" as its directory cannot be resolved`, error);
  }
}

/**
 * Refuses a write whose target is a symbolic link to nothing: writing would create the link's
 * target, wherever it points. Called only when the target did not resolve.
 */
async function refuseDanglingLink(
  target: string,
  lstat: NonNullable<ToolContext["lstat"]>,
  requested: string,
): Promise<void> {
  let isSymlink: boolean;
  try {
    isSymlink = (await lstat(target)).isSymlink;
  } catch (error) {
    if (isNotFound(error)) return;
    throw toolFailed(`Cannot write file "${requested}" as its path cannot be inspected`, error);
  }
  if (isSymlink) {
    throw toolRefused(
      `Cannot write file "${requested}" as it is a symbolic link to a missing file, which could lead outside the allowed roots`,
      "Remove the link or write to another path",
    );
  }
}

/** Tells whether `target` is `root` or below it; both normalised, both absolute or relative. */
function isInside(target: string, root: string): boolean {
  if (path.isAbsolute(target) !== path.isAbsolute(root)) return false;
  if (root === ".") return target !== ".." && !target.startsWith(`..${path.sep}`);
  if (target === root) return true;
  const prefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  return target.startsWith(prefix);
}

/** Drops a trailing separator, except from a file system root such as `/`. */
function trimSeparator(p: string): string {
  return p.length > 1 && p.endsWith(path.sep) && path.dirname(p) !== p ? p.slice(0, -1) : p;
}
