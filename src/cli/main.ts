/**
 * The CLI entry: parses argv, runs one command, turns every outcome into an exit code.
 * 0 success, 1 run failure, 2 invalid workflow, inputs or flags, 130/143 stopped by SIGINT/SIGTERM.
 *
 * @module
 */
import { CommanderError } from "commander";
import { type CliIO, denoIO, isStdoutClosed, STDOUT_CLOSED_EXIT_CODE } from "./io.ts";
import { buildProgram } from "./program.ts";
import { renderError } from "./render_error.ts";
import { exitCodeOf } from "./_exit_code.ts";
import { terminalSafeIO } from "./_terminal_text.ts";

/**
 * Runs the CLI.
 *
 * @example Usage
 * ```ts
 * import { main } from "./main.ts";
 * const out: string[] = [];
 * const io = { ...(await import("./io.ts")).denoIO(), stdout: (t: string) => out.push(t) };
 * const code = await main(["--help"], io);
 * if (code !== 0 || !out.join("").includes("validate")) throw new Error();
 * ```
 *
 * @param args Command-line arguments (without the program name).
 * @param outside The outside world; defaults to Deno's. Control characters in what is written
 * to it are shown as `\uXXXX` escapes (the CLI's own colours excepted).
 * @returns The exit code.
 */
export async function main(
  args: readonly string[],
  outside: CliIO = denoIO(),
): Promise<number> {
  // Names, model output and messages must not drive the terminal: every write is escaped.
  const io = terminalSafeIO(outside);
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  const verbose = args.includes("--verbose");
  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (and a suggestion for unknown commands).
      return error.exitCode === 0 ? 0 : 2;
    }
    // The reader of the output has gone (`| head`): stop without a word, as a piped tool does.
    if (isStdoutClosed(error)) return STDOUT_CLOSED_EXIT_CODE;
    io.stderr(renderError(error, { verbose, color: io.color }));
    return exitCodeOf(error);
  }
}
