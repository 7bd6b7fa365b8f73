/**
 * What is missing when the CLI cannot read a file: the file itself, Deno's read permission for
 * it (with the flag to add), or the operating system's leave. Every read of the CLI goes
 * through {@linkcode explainFileError}, so the workflow, its prompt files, the price file and
 * input files are all explained the same way.
 *
 * @module
 */

/** Why a file cannot be read. */
export type FileAccessProblem = "not_found" | "no_permission" | "os_denied" | "directory";

/**
 * A file the CLI cannot read, with what is missing and how to fix it. The message is the
 * reason only (`it does not exist`, or `Deno has no read permission for it: add
 * --allow-read=<path>`), to follow the "Cannot read ... as" of whoever reports it.
 */
export class FileAccessError extends Error {
  /** The path as given. */
  readonly path: string;
  /** What is missing. */
  readonly problem: FileAccessProblem;
  /** How to fix it. */
  readonly hint: string;

  /**
   * @param path The path as given.
   * @param problem What is missing.
   * @param options The error the read threw.
   */
  constructor(path: string, problem: FileAccessProblem, options: { cause?: unknown } = {}) {
    super(DETAILS[problem](path), options);
    this.name = "FileAccessError";
    this.path = path;
    this.problem = problem;
    this.hint = HINTS[problem](path);
  }
}

const DETAILS: Record<FileAccessProblem, (path: string) => string> = {
  not_found: () => "it does not exist",
  // The flag is in the message too: a prompt file's diagnostic keeps the message, not the hint.
  no_permission: (path) => `Deno has no read permission for it: add --allow-read=${path}`,
  os_denied: () => "the operating system does not let this user read it",
  directory: () => "it is a directory, not a file",
};

const HINTS: Record<FileAccessProblem, (path: string) => string> = {
  not_found: () => "check the path; a relative path starts from the current directory",
  no_permission: () => "the permissions command prints every flag a run of a workflow needs",
  os_denied: () => "check the file's owner and mode",
  directory: () => "give the path of a file",
};

/**
 * The clear form of an error a file read threw: a {@linkcode FileAccessError} when the file
 * does not exist, Deno's read permission is missing, the system refuses or the path is a
 * directory; any other error as it is.
 *
 * @param path The path that was read.
 * @param error What the read threw.
 * @returns The error to throw instead.
 */
export function explainFileError(path: string, error: unknown): unknown {
  const problem = error instanceof Deno.errors.NotFound
    ? "not_found"
    : error instanceof Deno.errors.NotCapable
    ? "no_permission"
    : error instanceof Deno.errors.PermissionDenied
    ? "os_denied"
    : error instanceof Deno.errors.IsADirectory
    ? "directory"
    : undefined;
  return problem === undefined ? error : new FileAccessError(path, problem, { cause: error });
}

/**
 * The first {@linkcode FileAccessError} in an error's cause chain (the error itself included).
 *
 * @param error Anything thrown.
 * @returns The file access error, or `undefined`.
 */
export function fileAccessErrorIn(error: unknown): FileAccessError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 10; depth++) {
    if (cause instanceof FileAccessError) return cause;
    cause = cause.cause;
  }
  return undefined;
}
