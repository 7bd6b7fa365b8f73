/**
 * The `read_file` built-in: reads a text file inside the allowed roots.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "./define_tool.ts";
import type { Tool, ToolContext } from "./tool.ts";
import { resolveConfinedPath } from "./_confined_path.ts";
import { FILE_PATH_PARAMETER, rootsConfigSchema } from "./_roots_config.ts";
import { fileFailure } from "./_tool_errors.ts";
import { decodePrefix, truncateUtf8, utf8ByteLength } from "./_utf8.ts";

/** Default `max_bytes` of `read_file`. */
export const READ_FILE_DEFAULT_MAX_BYTES = 100_000;

/** What `read_file` returns. */
export interface ReadFileResult {
  /** The path read, as resolved. */
  path: string;
  /** The text, at most `max_bytes` bytes of it. */
  content: string;
  /** The file's full size in bytes (of its UTF-8 text when it was read whole). */
  bytes: number;
  /** `true` when the file was longer than `max_bytes` and `content` was cut. */
  truncated: boolean;
}

/**
 * The `read_file` tool. Arguments `{ path }`; config `{ roots, max_bytes? }` (`roots`
 * required; `max_bytes` defaults to 100 000). A relative path is resolved against the first
 * root; the path is normalised and refused with `PERMISSION_DENIED` unless inside a root, `..`
 * escapes and absolute paths elsewhere included. With `context.realPath` it also refuses
 * symbolic links that lead out of the roots. Content beyond `max_bytes` is cut (at a character
 * boundary) and flagged; with `context.readFileHead` only that much of the file is read.
 * Permissions: read, the roots.
 *
 * @example Usage
 * ```ts
 * import { readFileTool } from "@configurable-agents/core";
 *
 * const files: Record<string, string> = { "notes/todo.txt": "buy milk" };
 * const result = await readFileTool.invoke({ path: "todo.txt" }, {
 *   signal: new AbortController().signal,
 *   config: { roots: ["notes"] },
 *   env: () => undefined,
 *   fetch: () => Promise.reject(new Error("unused")),
 *   readTextFile: (path) => Promise.resolve(files[path] ?? ""),
 *   writeTextFile: () => Promise.reject(new Error("unused")),
 * });
 * if ((result as { content: string }).content !== "buy milk") throw new Error();
 * ```
 */
export const readFileTool: Tool = defineTool({
  name: "read_file",
  description:
    "Reads a text file from the allowed directories; a relative path is taken from the first allowed directory",
  parameters: z.object({ path: FILE_PATH_PARAMETER }),
  configSchema: rootsConfigSchema(
    "read_file",
    READ_FILE_DEFAULT_MAX_BYTES,
    "Most bytes of content returned; the rest is cut and flagged",
  ),
  async invoke(args, context): Promise<ReadFileResult> {
    const { roots, max_bytes: maxBytes } = context.config;
    const resolved = await resolveConfinedPath(args.path, roots, "read", context);
    context.signal.throwIfAborted();
    let read: { text: string; bytes: number; truncated: boolean };
    try {
      read = await readText(resolved, maxBytes, context);
    } catch (error) {
      throw fileFailure("read", args.path, error, context.signal);
    }
    // Invalid UTF-8 decodes to U+FFFD, which is longer: cut again so content stays in bounds.
    const cut = truncateUtf8(read.text, maxBytes);
    return {
      path: resolved,
      content: cut.text,
      bytes: read.bytes,
      truncated: read.truncated || cut.truncated,
    };
  },
  permissions: (config) => ({ read: [...config.roots] }),
  mock: (args): ReadFileResult => {
    const content = `[mock] Placeholder content of ${args.path}; no file was read`;
    return {
      path: args.path,
      content,
      bytes: utf8ByteLength(content),
      truncated: false,
    };
  },
});

/**
 * The text of at most `maxBytes` bytes from the start of a file: read with
 * `context.readFileHead` when there is one (a partial last character is dropped), else whole
 * with `readTextFile`.
 */
async function readText(
  path: string,
  maxBytes: number,
  context: Pick<ToolContext, "readFileHead" | "readTextFile">,
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  if (context.readFileHead === undefined) {
    const text = await context.readTextFile(path);
    return { text, bytes: utf8ByteLength(text), truncated: false };
  }
  const head = await context.readFileHead(path, maxBytes);
  return {
    text: decodePrefix(head.bytes, head.truncated),
    bytes: head.size,
    truncated: head.truncated,
  };
}
