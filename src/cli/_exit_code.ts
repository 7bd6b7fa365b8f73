/**
 * The exit code of an error that ends a command: 2 for what the user gave wrong (flags, the
 * workflow, its inputs, a prompt it names that does not exist), 1 for a run that failed; and of
 * a command stopped by a signal: 128 plus the signal's number, as shells report it (130 for
 * SIGINT, 143 for SIGTERM).
 *
 * @module
 */
import { isWorkflowError } from "../errors.ts";

/** Codes of errors in what the user gave (workflow, inputs), which exit with 2. */
const USER_ERROR_CODES: readonly string[] = [
  "CONFIG_INVALID",
  "CONFIG_LOAD_FAILED",
  "INPUT_INVALID",
  "GRAPH_BUILD_FAILED",
  "PROMPT_NOT_FOUND",
];

/**
 * The exit code for an error that escaped a command.
 *
 * @param error Anything thrown.
 * @returns The code a `UsageError` carries (2 unless it says otherwise), 2 for a bad workflow
 * or bad inputs, 1 for everything else.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof Error && error.name === "UsageError") {
    return "exitCode" in error && typeof error.exitCode === "number" ? error.exitCode : 2;
  }
  if (isWorkflowError(error)) {
    return USER_ERROR_CODES.includes(error.code) ? 2 : 1;
  }
  return 1;
}

/** The signals the CLI handles, by number. */
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

/**
 * The exit code of a command that a signal stopped: 128 plus the signal's number, which is what
 * shells and CI runners expect of a process ended by that signal.
 *
 * @param signal The signal.
 * @returns 130 for SIGINT, 143 for SIGTERM.
 */
export function signalExitCode(signal: keyof typeof SIGNAL_NUMBERS): number {
  return 128 + SIGNAL_NUMBERS[signal];
}
