/**
 * The exit code of an error that ends a command: 2 for what the user gave wrong (flags, the
 * workflow, its inputs, a prompt it names that does not exist), 1 for a run that failed.
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
