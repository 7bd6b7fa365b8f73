/**
 * A mistake in how the CLI was called (bad flag value, unreadable input); exits with code 2.
 *
 * @module
 */

/** A user error in the command line or its inputs; `main()` prints it and exits 2. */
export class UsageError extends Error {
  /** Exit code, 2 unless told otherwise. */
  readonly exitCode: number;
  /** How to fix it. */
  readonly hint: string | undefined;

  /**
   * @param message What is wrong.
   * @param options A hint and the exit code.
   */
  constructor(
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UsageError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}
