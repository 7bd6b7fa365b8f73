/**
 * A fake `CliIO` for running `main()` in-process, and a runner of `cli.ts` in a subprocess,
 * shared by the tests of the `validate`, `schema` and `graph` commands.
 *
 * @module
 */
import type { CliIO } from "../../src/cli/io.ts";

/** A `CliIO` that records output and reads files from memory (or disk when not given). */
export interface FakeIO extends CliIO {
  /** Everything written to standard output. */
  readonly out: string[];
  /** Everything written to standard error. */
  readonly err: string[];
}

/**
 * Creates a fake outside world.
 *
 * @param options In-memory files (others are read from disk) and colour.
 * @returns The fake.
 */
export function fakeIO(options: { files?: Record<string, string>; color?: boolean } = {}): FakeIO {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: () => undefined,
    isTerminal: false,
    color: options.color ?? false,
    cwd: () => "/work",
    readTextFile: (path) => {
      const text = options.files?.[path];
      return text === undefined ? Deno.readTextFile(path) : Promise.resolve(text);
    },
    readStdin: () => Promise.resolve(""),
    onSignal: () => () => {},
  };
}

/** The repository root, where `cli.ts` is. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** What a subprocess run printed and returned. */
export interface CliRun {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Runs `deno run --allow-read cli.ts <args>` (read permission only) from the repository root.
 *
 * @param args The CLI arguments.
 * @returns Its exit code and output.
 */
export async function runCli(args: string[]): Promise<CliRun> {
  const command = new Deno.Command("deno", {
    args: ["run", "--allow-read", "cli.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * Lists the modules a file loads, statically or by `import()`, with `deno info --json`
 * (npm packages appear as `npm:/name@version`).
 *
 * @param file A path relative to the repository root.
 * @returns The module specifiers.
 */
export async function moduleGraph(file: string): Promise<string[]> {
  const { code, stdout } = await new Deno.Command("deno", {
    args: ["info", "--json", file],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "null",
  }).output();
  if (code !== 0) throw new Error(`Cannot read the module graph of "${file}"`);
  const info = JSON.parse(new TextDecoder().decode(stdout)) as { modules: { specifier: string }[] };
  return info.modules.map((m) => m.specifier);
}
