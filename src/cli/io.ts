/**
 * Everything the CLI touches outside itself, passed in so that `main()` can be tested without
 * a terminal, real files or exiting.
 *
 * @module
 */
import { denoEnv } from "../tracking/http/mlflow_auth.ts";
import { openRegularFile, readRegularTextFile } from "./_regular_file.ts";

/** The outside world of the CLI. */
export interface CliIO {
  /** Writes to standard output (no newline added). */
  stdout(text: string): void;
  /** Writes to standard error (no newline added). */
  stderr(text: string): void;
  /** Reads an environment variable; `undefined` when unset or not permitted (never prompts). */
  env(name: string): string | undefined;
  /** Whether standard output is a terminal (live progress, tables). */
  readonly isTerminal: boolean;
  /** Whether to colour output. */
  readonly color: boolean;
  /** Current directory. */
  cwd(): string;
  /**
   * Reads a text file; refuses a path that is not a regular file and, when `maxBytes` is
   * given, a file that holds more bytes.
   */
  readTextFile(path: string, options?: { maxBytes?: number | undefined }): Promise<string>;
  /** Reads standard input to the end. */
  readStdin(): Promise<string>;
  /**
   * Opens a file as a byte stream, read as it is consumed (`run` reads JSONL batches so);
   * without it, the file is read whole with `readTextFile`.
   */
  openReadable?(path: string): Promise<ReadableStream<Uint8Array>>;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function that removes it. */
  onSignal(handler: (signal: "SIGINT" | "SIGTERM") => void): () => void;
}

/**
 * The real outside world: Deno's streams, environment (read only where permitted, never
 * prompting) and files.
 *
 * @returns A {@linkcode CliIO} over Deno.
 */
export function denoIO(): CliIO {
  const encoder = new TextEncoder();
  const isTerminal = Deno.stdout.isTerminal();
  const env = denoEnv();
  return {
    stdout: (text) => writeAll(Deno.stdout, encoder.encode(text)),
    stderr: (text) => writeAll(Deno.stderr, encoder.encode(text)),
    env,
    isTerminal,
    color: isTerminal && env("NO_COLOR") === undefined,
    cwd: () => Deno.cwd(),
    readTextFile: (path, options) => readRegularTextFile(path, options),
    readStdin: async () => await new Response(Deno.stdin.readable).text(),
    openReadable: (path) => openRegularFile(path),
    onSignal(handler) {
      const signals = ["SIGINT", "SIGTERM"] as const;
      const listeners = signals.map((signal) => {
        const listener = () => handler(signal);
        Deno.addSignalListener(signal, listener);
        return [signal, listener] as const;
      });
      return () => {
        for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      };
    },
  };
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
}
