/**
 * A mistake in how the CLI was called (bad flag value, unreadable input); exits with code 2.
 * Also turns the errors library code throws for a bad flag value into one.
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

/**
 * Runs `fn`, turning the errors the report module throws for bad flags (`TypeError` for a
 * tracking URI, `RangeError` for a value, `SyntaxError` for a date) into a
 * {@linkcode UsageError}; anything else passes through.
 *
 * @param fn What to run.
 * @returns Its result.
 */
export function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw usageErrorOf(error);
  }
}

/**
 * The async form of {@linkcode asUsageError}.
 *
 * @param fn What to run.
 * @returns Its result.
 */
export async function asUsageErrorAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw usageErrorOf(error);
  }
}

function usageErrorOf(error: unknown): unknown {
  const isFlagError = error instanceof RangeError || error instanceof SyntaxError ||
    (error instanceof TypeError && error.message.includes("tracking URI"));
  return isFlagError ? new UsageError(error.message, { cause: error }) : error;
}
