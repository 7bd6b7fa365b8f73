/**
 * `readJsonLines`: the items of a JSONL batch file, read lazily from a byte stream.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";

/** One line of a batch: the inputs of a run, or why the line cannot be one. */
export type BatchItem =
  | {
    /** Line number in the file, from 1. */
    line: number;
    /** The run's inputs. */
    inputs: Record<string, unknown>;
  }
  | {
    /** Line number in the file, from 1. */
    line: number;
    /** Why the line is not a JSON object. */
    error: string;
  };

/** Options of {@linkcode readJsonLines}. */
export interface ReadJsonLinesOptions {
  /**
   * Inputs set on every item, over the item's own (such as the CLI's `-i` values).
   *
   * @default {{}}
   */
  overrides?: Readonly<Record<string, unknown>>;
  /**
   * Longest line accepted, in characters; a longer line becomes an error item (its text is
   * not kept).
   *
   * @default {10_000_000}
   */
  maxLineLength?: number;
  /**
   * Reads only the lines of one shard of `count`: those whose line number is `index` mod
   * `count` (`index` from 1 to `count`: shard 1/3 has lines 1, 4, 7, …; shard 3/3 has lines 3,
   * 6, 9, …). The other lines are skipped unparsed; line numbers stay those of the file.
   *
   * @default {every line}
   */
  shard?: Shard;
}

/** One of `count` disjoint parts of a JSONL file, numbered from 1. */
export interface Shard {
  /** The part, from 1 to `count`. */
  index: number;
  /** How many parts. */
  count: number;
}

/**
 * Reads JSONL: one JSON object per line, each the inputs of one run. Lines are decoded and
 * parsed one at a time as the consumer asks for them, so a file of any size is read with
 * backpressure and never whole. Blank lines are skipped; a line that is not a JSON object
 * becomes an error item naming its line number, and reading goes on. Stopping early (a
 * `break`) cancels the stream.
 *
 * @example Usage
 * ```ts
 * import { readJsonLines } from "./read_json_lines.ts";
 * const stream = new Blob(['{"topic": "tides"}\n\nnot json\n{"topic": "reefs"}']).stream();
 * const items = [];
 * for await (const item of readJsonLines(stream)) items.push(item);
 * if (items.length !== 3 || items[2]?.line !== 4 || !("error" in items[1]!)) throw new Error();
 * ```
 *
 * @param stream The bytes (UTF-8), such as `(await Deno.open(path)).readable`.
 * @param options Inputs set on every item, the line length limit and the shard.
 * @returns The items, in file order.
 * @throws {RangeError} A shard whose `count` is not a whole number of 1 or more, or whose
 * `index` is not a whole number from 1 to `count` (thrown when reading starts).
 */
export async function* readJsonLines(
  stream: ReadableStream<Uint8Array>,
  options: ReadJsonLinesOptions = {},
): AsyncGenerator<BatchItem, void, undefined> {
  const { overrides = {}, maxLineLength = 10_000_000, shard } = options;
  if (shard) checkShard(shard);
  const inShard = shard
    ? (line: number) => line % shard.count === shard.index % shard.count
    : undefined;
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let line = 0;
  let tooLong = false;
  const item = (text: string): BatchItem | undefined => {
    line++;
    if (inShard && !inShard(line)) {
      tooLong = false;
      return undefined;
    }
    if (tooLong) {
      tooLong = false;
      return {
        line,
        error: `Cannot read line ${line} as it is longer than ${maxLineLength} characters`,
      };
    }
    return parseLine(text, line, overrides);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let start = 0;
      for (
        let newline = buffer.indexOf("\n");
        newline !== -1;
        newline = buffer.indexOf("\n", start)
      ) {
        const parsed = item(buffer.slice(start, newline));
        start = newline + 1;
        if (parsed) yield parsed;
      }
      buffer = buffer.slice(start);
      if (buffer.length > maxLineLength) {
        tooLong = true;
        buffer = "";
      }
    }
    const last = buffer.length > 0 || tooLong ? item(buffer) : undefined;
    if (last) yield last;
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Checks a shard: `count` a whole number of 1 or more, `index` a whole number from 1 to `count`.
 *
 * @param shard The shard.
 * @throws {RangeError} When it is not one.
 */
export function checkShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(
      `Cannot read shard "${index}/${count}" as the number of shards must be a whole number of 1 or more`,
    );
  }
  if (!Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new RangeError(
      `Cannot read shard "${index}/${count}" as its number must be a whole number from 1 to ${count}`,
    );
  }
}

function parseLine(
  raw: string,
  line: number,
  overrides: Readonly<Record<string, unknown>>,
): BatchItem | undefined {
  const text = raw.replace(/^\uFEFF/, "").trim();
  if (text === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = errorMessage(error);
    return { line, error: `Cannot read line ${line} as it is not valid JSON: ${reason}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const found = Array.isArray(value)
      ? "a list"
      : value === null
      ? "null"
      : `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
    return {
      line,
      error: `Cannot read line ${line} as the inputs of a run must be a JSON object: got ${found}`,
    };
  }
  return { line, inputs: { ...value as Record<string, unknown>, ...overrides } };
}
