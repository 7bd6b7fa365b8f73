/**
 * A temporary directory tree for file tool tests: `root/` (allowed), `root2/` (allowed) and
 * `outside/` (not allowed) with a secret file, plus a tool context on the real file system.
 *
 * @module
 */
import type { ToolContext } from "../../src/tools/tool.ts";
import { denoReadFileHead } from "../../src/runtime/deno_deps.ts";
import { toolContext } from "./_fakes.ts";

/** The tree and a way to remove it. */
export interface TempTree {
  /** The temporary directory, canonical. */
  base: string;
  /** An allowed root. */
  root: string;
  /** A second allowed root. */
  root2: string;
  /** A directory outside the roots, holding `secret.txt`. */
  outside: string;
  /** A context on the real file system, `readFileHead`, `realPath` and `lstat` included. */
  context(config: Record<string, unknown>, overrides?: Partial<ToolContext>): ToolContext;
  /** Removes the tree. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates the tree.
 *
 * @returns The tree.
 */
export async function tempTree(): Promise<TempTree> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "tools_test_" }));
  const root = `${base}/root`;
  const root2 = `${base}/root2`;
  const outside = `${base}/outside`;
  for (const dir of [root, root2, outside, `${root}/sub`]) await Deno.mkdir(dir);
  await Deno.writeTextFile(`${outside}/secret.txt`, "TOP SECRET");
  await Deno.writeTextFile(`${root}/notes.txt`, "root notes");
  await Deno.writeTextFile(`${root}/sub/deep.txt`, "deep");
  await Deno.writeTextFile(`${root2}/other.txt`, "other root");
  return {
    base,
    root,
    root2,
    outside,
    context: (config, overrides = {}) =>
      toolContext({
        config,
        readTextFile: (path) => Deno.readTextFile(path),
        readFileHead: denoReadFileHead,
        writeTextFile: (path, text) => Deno.writeTextFile(path, text),
        realPath: (path) => Deno.realPath(path),
        lstat: (path) => Deno.lstat(path),
        ...overrides,
      }),
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}
