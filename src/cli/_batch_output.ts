/**
 * The results file of `run --input-file items.jsonl --output results.jsonl`: one JSON line per
 * record, appended as each run ends, and read back by `--resume` to skip the records it holds.
 *
 * @module
 */
import type { CliIO } from "./io.ts";
import { fileAccessErrorIn } from "./_file_access.ts";
import { UsageError } from "./usage_error.ts";

/** What a results file already holds. */
export interface PreviousResults {
  /** The hash of the inputs of each record it holds, by line number. */
  readonly done: ReadonlyMap<number, string>;
  /** Its records whose run failed, the invalid ones included. */
  readonly failed: number;
  /** Its records whose line was not valid inputs. */
  readonly invalid: number;
  /** The bytes of a torn last line (a write the process was killed in), now removed. */
  readonly tornBytes: number;
}

/** An open results file. */
export interface ResultsFile {
  /** The records it held when opened (none without `--resume`). */
  readonly previous: PreviousResults;
  /** Appends one line (a newline is added); each line is one write, made at once. */
  append(line: string): void;
  /** Closes it. */
  close(): void;
}

const EMPTY: PreviousResults = { done: new Map(), failed: 0, invalid: 0, tornBytes: 0 };
const NEWLINE = 0x0a;

/**
 * Opens the results file. Without `resume` it must be missing or empty, so that no results are
 * lost to a repeated command; with it, the records it holds are read (a last line cut short by a
 * kill is removed) and new ones are appended after them.
 *
 * @param path The file (`--output`).
 * @param resume `--resume`.
 * @param io The outside world.
 * @returns The open file and what it held.
 * @throws {UsageError} The file has results and `resume` is not set, a line of it is not a
 * batch result, or it cannot be read or written.
 */
export async function openResultsFile(
  path: string,
  resume: boolean,
  io: CliIO,
): Promise<ResultsFile> {
  const { openAppend, truncateFile } = io;
  if (!openAppend || !truncateFile) {
    throw new UsageError(`Cannot write results to "${path}" as this CLI cannot write files`);
  }
  const previous = await readResults(path, resume, io);
  if (previous.tornBytes > 0) {
    await writeAccess(path, () => truncateFile(path, previous.bytes - previous.tornBytes));
  }
  const file = await writeAccess(path, () => openAppend(path));
  if (previous.needsNewline) file.write("\n");
  return {
    previous,
    append: (line) => file.write(`${line}\n`),
    close: () => file.close(),
  };
}

interface ReadResults extends PreviousResults {
  /** The file's size. */
  bytes: number;
  /** Whether its last line is whole but lacks its newline. */
  needsNewline: boolean;
}

async function readResults(path: string, resume: boolean, io: CliIO): Promise<ReadResults> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = io.openReadable
      ? await io.openReadable(path)
      : new Blob([await io.readTextFile(path)]).stream();
  } catch (error) {
    const access = fileAccessErrorIn(error);
    const missing = access?.problem === "not_found" || error instanceof Deno.errors.NotFound;
    if (missing) return { ...EMPTY, bytes: 0, needsNewline: false };
    throw new UsageError(
      `Cannot read the results in "${path}" as ${access?.message ?? String(error)}`,
      { hint: access?.hint ?? "check --output", cause: error },
    );
  }
  const reader = new ResultsReader(path);
  try {
    for await (const chunk of stream) {
      if (!resume && chunk.length > 0) {
        throw new UsageError(`Cannot write results to "${path}" as it already holds results`, {
          hint: "add --resume to run only the records it lacks, or choose another --output",
        });
      }
      reader.push(chunk);
    }
  } finally {
    await stream.cancel().catch(() => {});
  }
  return reader.end();
}

/** Reads results line by line, from bytes, keeping what `--resume` needs. */
class ResultsReader {
  readonly #path: string;
  readonly #done = new Map<number, string>();
  #failed = 0;
  #invalid = 0;
  #bytes = 0;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #lineNumber = 0;
  readonly #decoder = new TextDecoder();

  constructor(path: string) {
    this.#path = path;
  }

  push(chunk: Uint8Array): void {
    this.#bytes += chunk.length;
    let start = 0;
    for (let index = chunk.indexOf(NEWLINE); index !== -1; index = chunk.indexOf(NEWLINE, start)) {
      this.#pending.push(chunk.subarray(start, index));
      this.#line(this.#take());
      start = index + 1;
    }
    if (start < chunk.length) {
      this.#pending.push(chunk.slice(start));
      this.#pendingBytes += chunk.length - start;
    }
  }

  /** What was read; a last line without its newline is torn, unless it is a whole result. */
  end(): ReadResults {
    const tornBytes = this.#pendingBytes;
    if (tornBytes > 0) {
      const text = this.#take();
      if (this.#isWholeResult(text)) {
        this.#line(text);
        // Kept: only its newline is missing, which is written before the next line.
        return { ...this.#results(0), needsNewline: true };
      }
    }
    return { ...this.#results(tornBytes), needsNewline: false };
  }

  #results(tornBytes: number): Omit<ReadResults, "needsNewline"> {
    return {
      done: this.#done,
      failed: this.#failed,
      invalid: this.#invalid,
      tornBytes,
      bytes: this.#bytes,
    };
  }

  #take(): string {
    const bytes = new Uint8Array(this.#pending.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of this.#pending) {
      bytes.set(part, offset);
      offset += part.length;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    return this.#decoder.decode(bytes);
  }

  #isWholeResult(text: string): boolean {
    try {
      resultOf(JSON.parse(text));
      return true;
    } catch {
      return false;
    }
  }

  #line(text: string): void {
    this.#lineNumber++;
    if (text.trim() === "") return;
    let result: ResultLine;
    try {
      result = resultOf(JSON.parse(text));
    } catch (error) {
      throw new UsageError(
        `Cannot resume from "${this.#path}" as its line ${this.#lineNumber} is not a batch result: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { hint: "--resume continues a file that run --output wrote; give another --output" },
      );
    }
    if (this.#done.has(result.line)) {
      throw new UsageError(
        `Cannot resume from "${this.#path}" as it holds record ${result.line} twice (its line ${this.#lineNumber})`,
        { hint: "each --output belongs to one batch (one shard); give another --output" },
      );
    }
    this.#done.set(result.line, result.inputsSha256);
    if (result.status === "failed") this.#failed++;
    if (result.invalid) this.#invalid++;
  }
}

interface ResultLine {
  line: number;
  status: "success" | "failed";
  inputsSha256: string;
  invalid: boolean;
}

function resultOf(value: unknown): ResultLine {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("it is not a JSON object");
  }
  const { line, status, inputsSha256, error } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(line) || (line as number) < 1) {
    throw new TypeError(`its "line" is not a line number`);
  }
  if (status !== "success" && status !== "failed") {
    throw new TypeError(`its "status" is not "success" or "failed"`);
  }
  if (typeof inputsSha256 !== "string" || !/^[0-9a-f]{64}$/.test(inputsSha256)) {
    throw new TypeError(`its "inputsSha256" is not a SHA-256`);
  }
  const code = typeof error === "object" && error !== null
    ? (error as Record<string, unknown>)["code"]
    : undefined;
  return { line: line as number, status, inputsSha256, invalid: code === "INPUT_INVALID" };
}

/** Runs a write, turning a missing permission or a refusal into a clear usage error. */
async function writeAccess<T>(path: string, write: () => T | Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const reason = error instanceof Deno.errors.NotCapable
      ? `Deno has no write permission for it: add --allow-write=${path}`
      : error instanceof Deno.errors.PermissionDenied
      ? "the operating system does not let this user write it"
      : error instanceof Deno.errors.NotFound
      ? "its directory does not exist"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory, not a file"
      : undefined;
    if (reason === undefined) throw error;
    throw new UsageError(`Cannot write results to "${path}" as ${reason}`, {
      hint: "the permissions command prints every flag a run needs (with --output)",
      cause: error,
    });
  }
}
