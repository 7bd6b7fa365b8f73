/**
 * Everything the CLI touches outside itself, passed in so that `main()` can be tested without
 * a terminal, real files or exiting.
 *
 * @module
 */
import { denoEnv } from "../tracking/http/mlflow_auth.ts";
import { openRegularFile, readRegularTextFile } from "../runtime/regular_file.ts";
import { explainFileError } from "./_file_access.ts";

/**
 * Standard output was closed by its reader (`run ... | head`): the command stops and `main()`
 * exits quietly with {@linkcode STDOUT_CLOSED_EXIT_CODE}.
 */
export class StdoutClosedError extends Error {
  /** @param options The write error that showed it. */
  constructor(options: { cause?: unknown } = {}) {
    super("Cannot write to standard output as its reader closed it", options);
    this.name = "StdoutClosedError";
  }
}

/** The exit code when standard output was closed: 128 + SIGPIPE (13), as for `yes | head`. */
export const STDOUT_CLOSED_EXIT_CODE = 141;

/**
 * Whether an error says that standard output was closed by its reader.
 *
 * @param error Anything thrown.
 * @returns `true` for a {@linkcode StdoutClosedError}.
 */
export function isStdoutClosed(error: unknown): boolean {
  return error instanceof Error && error.name === "StdoutClosedError";
}

/** A file open for appending. */
export interface AppendFile {
  /** Appends text at once (one write to the system, no buffering in the process). */
  write(text: string): void;
  /** Closes the file. */
  close(): void;
}

/** The outside world of the CLI. */
export interface CliIO {
  /**
   * Writes to standard output (no newline added).
   *
   * @throws {StdoutClosedError} When the reader has closed it (a broken pipe).
   */
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
   *
   * @throws {FileAccessError} When the file does not exist, Deno has no read permission for
   * it or the system refuses.
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
  /**
   * Opens a file for appending, creating it when missing (`run --output` writes results so).
   *
   * @throws {Deno.errors.NotCapable} And the other errors of opening the file.
   */
  openAppend?(path: string): Promise<AppendFile>;
  /** Cuts a file to `length` bytes (`run --resume` removes a torn last line so). */
  truncateFile?(path: string, length: number): Promise<void>;
}

/**
 * The real outside world: Deno's streams, environment (read only where permitted, never
 * prompting) and files, whose read errors say what is missing ({@linkcode explainFileError}).
 * A write to a closed standard output throws
 * {@linkcode StdoutClosedError}; one to a closed standard error is dropped.
 *
 * @returns A {@linkcode CliIO} over Deno.
 */
export function denoIO(): CliIO {
  const encoder = new TextEncoder();
  const isTerminal = Deno.stdout.isTerminal();
  const env = denoEnv();
  return {
    stdout(text) {
      try {
        writeAll(Deno.stdout, encoder.encode(text));
      } catch (error) {
        throw error instanceof Deno.errors.BrokenPipe
          ? new StdoutClosedError({ cause: error })
          : error;
      }
    },
    stderr(text) {
      try {
        writeAll(Deno.stderr, encoder.encode(text));
      } catch (error) {
        // Nowhere is left to report a closed standard error: what was for it is dropped.
        if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      }
    },
    env,
    isTerminal,
    color: isTerminal && env("NO_COLOR") === undefined,
    cwd: () => Deno.cwd(),
    readTextFile: (path, options) =>
      readRegularTextFile(path, options).catch((error) => {
        throw explainFileError(path, error);
      }),
    readStdin: async () => await new Response(Deno.stdin.readable).text(),
    openReadable: (path) =>
      openRegularFile(path).catch((error) => {
        throw explainFileError(path, error);
      }),
    openAppend: async (path) => {
      const file = await Deno.open(path, { append: true, create: true });
      return {
        write: (text) => writeAll(file, encoder.encode(text)),
        close: () => file.close(),
      };
    },
    truncateFile: (path, length) => Deno.truncate(path, length),
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
