/**
 * The `write_file` built-in: writes a text file inside the allowed roots.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "./define_tool.ts";
import type { Tool } from "./tool.ts";
import { resolveConfinedPath } from "./_confined_path.ts";
import { FILE_PATH_PARAMETER, rootsConfigSchema } from "./_roots_config.ts";
import { fileFailure, toolFailed } from "./_tool_errors.ts";
import { utf8ByteLength } from "./_utf8.ts";

/** Default `max_bytes` of `write_file`. */
export const WRITE_FILE_DEFAULT_MAX_BYTES = 1_000_000;

/** What `write_file` returns. */
export interface WriteFileResult {
  /** The path written, as resolved. */
  path: string;
  /** Bytes written (of the UTF-8 text). */
  bytes_written: number;
}

/**
 * The `write_file` tool. Arguments `{ path, content }`; config `{ roots, max_bytes? }` (`roots`
 * required; `max_bytes` defaults to 1 000 000 and larger content is refused). Paths are
 * confined as in `read_file`: resolved against the first root when relative, normalised, and
 * refused with `PERMISSION_DENIED` unless inside a root; with `context.realPath`, a symbolic
 * link (the file or a directory on its way) that leads out of the roots is refused too. An
 * existing file is replaced. Parent directories are not created: the directory must exist, so
 * a model cannot grow a directory tree. Permissions: write, the roots; and read, the roots,
 * which resolving symbolic links needs.
 *
 * @example Usage
 * ```ts
 * import { writeFileTool } from "@configurable-agents/core";
 *
 * const files = new Map<string, string>();
 * await writeFileTool.invoke({ path: "report.md", content: "# Report" }, {
 *   signal: new AbortController().signal,
 *   config: { roots: ["out"] },
 *   env: () => undefined,
 *   fetch: () => Promise.reject(new Error("unused")),
 *   readTextFile: () => Promise.reject(new Error("unused")),
 *   writeTextFile: (path, text) => Promise.resolve(void files.set(path, text)),
 * });
 * if (files.get("out/report.md") !== "# Report") throw new Error();
 * ```
 */
export const writeFileTool: Tool = defineTool({
  name: "write_file",
  description:
    "Writes text to a file in the allowed directories, replacing it if it exists; the directory must already exist",
  parameters: z.object({
    path: FILE_PATH_PARAMETER,
    content: z.string().describe("The full text to write"),
  }),
  configSchema: rootsConfigSchema(
    "write_file",
    WRITE_FILE_DEFAULT_MAX_BYTES,
    "Most bytes of content a call may write; larger content is refused",
  ),
  async invoke(args, context): Promise<WriteFileResult> {
    const { roots, max_bytes: maxBytes } = context.config;
    const size = utf8ByteLength(args.content);
    if (size > maxBytes) {
      throw toolFailed(
        `Cannot write file "${args.path}" as its content has ${size} bytes: max_bytes is ${maxBytes}`,
      );
    }
    const resolved = await resolveConfinedPath(args.path, roots, "write", context);
    context.signal.throwIfAborted();
    try {
      await context.writeTextFile(resolved, args.content);
    } catch (error) {
      throw fileFailure("write", args.path, error, context.signal);
    }
    return { path: resolved, bytes_written: size };
  },
  permissions: (config) => ({ write: [...config.roots], read: [...config.roots] }),
  mock: (args): WriteFileResult => ({
    path: args.path,
    bytes_written: utf8ByteLength(args.content),
  }),
});
