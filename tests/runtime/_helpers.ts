/**
 * Helpers of the runtime and `run` tests: workflows, temporary directories, a CLI in a
 * subprocess with chosen permissions, and the rows a SQLite tracking file holds.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import { prepareWorkflow } from "../../src/config/prepare_workflow.ts";
import type { WorkflowInput } from "../../src/config/schema.ts";
import type { CliIO } from "../../src/cli/io.ts";

/** The repository root, where `cli.ts` and `deno.json` are. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** A one-node workflow: `greet` writes `greeting` from `name`. */
export const GREETING: WorkflowInput = {
  schema_version: "1.0",
  flow: { name: "greeting", version: "1.0.0" },
  state: {
    fields: { name: { type: "str", required: true }, greeting: { type: "str" } },
  },
  nodes: [{ id: "greet", prompt: "Greet {state.name} warmly", outputs: ["greeting"] }],
  edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
  config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
};

/**
 * A loaded workflow from a workflow object (validated), with MLflow settings merged in.
 *
 * @param input The workflow.
 * @param mlflow `config.observability.mlflow`, when the workflow is tracked.
 * @returns The loaded workflow.
 */
export function loaded(
  input: WorkflowInput = GREETING,
  mlflow?: Record<string, unknown>,
): LoadedWorkflow {
  const withMlflow = mlflow === undefined
    ? input
    : { ...input, config: { ...input.config, observability: { mlflow } } };
  return prepareWorkflow(withMlflow);
}

/** A temporary directory removed on dispose. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "runtime_test_" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

/** What a subprocess printed and returned. */
export interface Finished {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Runs `deno run <permissions> <ROOT>/cli.ts <args>` in `cwd`, with the repository's config.
 *
 * @param permissions Deno flags (`--allow-read`, ...).
 * @param args CLI arguments.
 * @param cwd Working directory.
 * @returns Exit code and output.
 */
export async function runCliProcess(
  permissions: readonly string[],
  args: readonly string[],
  cwd: string,
): Promise<Finished> {
  const { code, stdout, stderr } = await cliCommand(permissions, args, cwd, "piped").output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * The command of {@linkcode runCliProcess}, for tests that talk to the process while it runs.
 *
 * @param permissions Deno flags.
 * @param args CLI arguments.
 * @param cwd Working directory.
 * @param stdout What to do with standard output.
 * @returns The command.
 */
export function cliCommand(
  permissions: readonly string[],
  args: readonly string[],
  cwd: string,
  stdout: "piped" | "null",
): Deno.Command {
  return new Deno.Command("deno", {
    args: ["run", "--config", `${ROOT}deno.json`, ...permissions, `${ROOT}cli.ts`, ...args],
    cwd,
    clearEnv: true,
    env: {
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      ...Object.fromEntries(
        ["HOME", "PATH", "DENO_DIR"].flatMap((name) => {
          const value = Deno.env.get(name);
          return value === undefined ? [] : [[name, value]];
        }),
      ),
    },
    stdin: "null",
    stdout,
    stderr: "piped",
  });
}

/**
 * Copies the examples into a directory, so that relative paths read as in the README.
 *
 * @param dir The directory.
 */
export async function copyExamples(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/examples/prompts`, { recursive: true });
  for (const sub of ["", "prompts/"]) {
    for await (const entry of Deno.readDir(`${ROOT}examples/${sub}`)) {
      if (!entry.isFile) continue;
      await Deno.copyFile(
        `${ROOT}examples/${sub}${entry.name}`,
        `${dir}/examples/${sub}${entry.name}`,
      );
    }
  }
}

/** Inputs that make each example run. */
export const EXAMPLE_INPUTS: Readonly<Record<string, readonly string[]>> = {
  article_writer: ["-i", "topic=tide pools"],
  echo: ["-i", "message=hello"],
  parallel_research: ["-i", "question=Why are tide pools rich in life?"],
  refine_loop: ["-i", "brief=A new app for tide pool walks"],
  simple_greeting: ["-i", "name=Ada"],
  support_triage: ["-i", "ticket=I was charged twice"],
  user_profile: ["-i", "name=Ada", "-i", 'interests=["tide pools", "chess"]'],
};

/**
 * Reads rows of a SQLite file.
 *
 * @param path The database.
 * @param sql A query.
 * @param args Its parameters.
 * @returns The rows.
 */
export function queryRows(
  path: string,
  sql: string,
  args: (string | number | null)[] = [],
): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all(...args).map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

/**
 * The lines of `text` that start with `warning:`.
 *
 * @param text Standard error.
 * @returns The warnings.
 */
export function warningsIn(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("warning:"));
}

/** A CliIO that collects output and lets a test send the interrupt. */
export interface TestIO extends CliIO {
  /** Standard output so far. */
  out(): string;
  /** Standard error so far. */
  err(): string;
  /** Calls the handler the command registered with `onSignal`, as a SIGINT (or `signal`) would. */
  interrupt(signal?: "SIGINT" | "SIGTERM"): void;
}

/**
 * A CliIO over the real files, with the given environment and terminal flag.
 *
 * @param options Working directory, environment, terminal, and a hook on each stderr write.
 * @returns The fake.
 */
export function testIO(options: {
  cwd?: string;
  env?: Record<string, string>;
  isTerminal?: boolean;
  onStderr?: (text: string, io: TestIO) => void;
} = {}): TestIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let handler: ((signal: "SIGINT" | "SIGTERM") => void) | undefined;
  const env = options.env ?? {};
  const io: TestIO = {
    stdout: (text) => void stdout.push(text),
    stderr: (text) => {
      stderr.push(text);
      options.onStderr?.(text, io);
    },
    env: (name) => env[name],
    isTerminal: options.isTerminal ?? false,
    color: false,
    cwd: () => options.cwd ?? Deno.cwd(),
    readTextFile: (path) => Deno.readTextFile(path),
    readStdin: () => Promise.resolve(""),
    openReadable: async (path) => (await Deno.open(path)).readable,
    openAppend: async (path) => {
      const file = await Deno.open(path, { append: true, create: true });
      return {
        write: (text) => void file.writeSync(new TextEncoder().encode(text)),
        close: () => file.close(),
      };
    },
    truncateFile: (path, length) => Deno.truncate(path, length),
    onSignal: (registered) => {
      handler = registered;
      return () => {
        handler = undefined;
      };
    },
    out: () => stdout.join(""),
    err: () => stderr.join(""),
    interrupt: (signal = "SIGINT") => handler?.(signal),
  };
  return io;
}
