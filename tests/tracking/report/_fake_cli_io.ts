/**
 * A CliIO for running the CLI in-process: output is collected, the environment and the working
 * directory are given, nothing is a terminal.
 *
 * @module
 */
import type { CliIO } from "../../../src/cli/io.ts";

/** A fake CliIO plus what was written. */
export interface FakeCliIO extends CliIO {
  /** Everything written to standard output. */
  out(): string;
  /** Everything written to standard error. */
  err(): string;
}

/**
 * Creates a fake CliIO.
 *
 * @param cwd The working directory.
 * @param env Environment variables.
 * @returns The fake.
 */
export function fakeCliIO(cwd: string, env: Record<string, string> = {}): FakeCliIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: (text) => void stdout.push(text),
    stderr: (text) => void stderr.push(text),
    env: (name) => env[name],
    isTerminal: false,
    color: false,
    cwd: () => cwd,
    readTextFile: (path) => Deno.readTextFile(path),
    readStdin: () => Promise.resolve(""),
    onSignal: () => () => {},
    out: () => stdout.join(""),
    err: () => stderr.join(""),
  };
}
