/**
 * What `read_file` and `write_file` share: the `path` argument, and the config of `roots`
 * and a byte limit.
 *
 * @module
 */
import { z } from "zod";
import { ROOTS_DESCRIPTION } from "./_confined_path.ts";

/** The `path` argument of the file tools. */
export const FILE_PATH_PARAMETER: z.ZodString = z.string().min(1).describe(
  "Path of the file, relative to the allowed directory",
);

/**
 * Builds the config schema of a file tool.
 *
 * @param toolName The tool, for the message of a missing `roots`.
 * @param defaultMaxBytes The default of `max_bytes`.
 * @param maxBytesDescription What `max_bytes` limits.
 * @returns A strict schema of `{ roots, max_bytes }`.
 */
export function rootsConfigSchema(
  toolName: string,
  defaultMaxBytes: number,
  maxBytesDescription: string,
): z.ZodObject<{
  roots: z.ZodArray<z.ZodString>;
  max_bytes: z.ZodDefault<z.ZodInt>;
}, z.core.$strict> {
  return z.strictObject({
    roots: z.array(
      z.string().min(1, { error: "Expected a directory path, got an empty string" }).refine(
        (root) => !root.includes("\0"),
        { error: "Expected a directory path without NUL characters" },
      ),
      {
        error: (issue) =>
          issue.input === undefined
            ? `Required: list the directories ${toolName} may use, such as ["./data"]`
            : "Expected a list of directory paths",
      },
    ).min(1, { error: "List at least one directory" }).describe(ROOTS_DESCRIPTION),
    max_bytes: z.int().positive().default(defaultMaxBytes).describe(maxBytesDescription),
  });
}
