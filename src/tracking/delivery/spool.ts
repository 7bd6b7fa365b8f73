/**
 * The local spool: one JSON file per bundle that could not be delivered, named by trace id,
 * written atomically (temporary file, then rename), kept until `traces push` delivers it.
 * `bigint` nanosecond times are written as decimal strings and restored exactly.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { encodeMetricValue } from "../http/_log_batch.ts";
import type { TraceBundle } from "../trace_bundle.ts";

/** Default spool directory, relative to the current directory. */
export const DEFAULT_SPOOL_DIR = ".mlflow-spool";

/** File operations of the spool. */
export interface SpoolFiles {
  /** Creates a directory and its parents (no error when it exists). */
  mkdir(path: string): Promise<void>;
  /** Writes a UTF-8 file. */
  writeTextFile(path: string, content: string): Promise<void>;
  /** Renames a file, replacing the target. */
  rename(from: string, to: string): Promise<void>;
  /** Reads a UTF-8 file. */
  readTextFile(path: string): Promise<string>;
  /** Names of the files in a directory; empty when it does not exist. */
  readDir(path: string): Promise<string[]>;
  /** Removes a file (no error when it is gone). */
  remove(path: string): Promise<void>;
}

/**
 * Spool file operations over Deno.
 *
 * @returns {@linkcode SpoolFiles} using `Deno.mkdir`, `Deno.writeTextFile`, `Deno.rename`, ...
 */
export function denoSpoolFiles(): SpoolFiles {
  return {
    mkdir: (path) => Deno.mkdir(path, { recursive: true }),
    writeTextFile: (path, content) => Deno.writeTextFile(path, content),
    rename: (from, to) => Deno.rename(from, to),
    readTextFile: (path) => Deno.readTextFile(path),
    async readDir(path) {
      const names: string[] = [];
      try {
        for await (const entry of Deno.readDir(path)) if (entry.isFile) names.push(entry.name);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return names;
    },
    async remove(path) {
      try {
        await Deno.remove(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
  };
}

/** Where the spool lives and how it touches files. */
export interface SpoolOptions {
  /** Spool directory. @default ".mlflow-spool" */
  dir?: string;
  /** File operations. @default Deno's */
  files?: SpoolFiles;
  /** Unique suffix of temporary files. @default crypto.randomUUID() */
  randomId?: () => string;
}

/**
 * A directory of undelivered bundles.
 *
 * @example Usage
 * ```ts
 * import { Spool } from "./spool.ts";
 * const spool = new Spool({ dir: "/nonexistent/.mlflow-spool" });
 * if ((await spool.list()).length !== 0) throw new Error();
 * ```
 */
export class Spool {
  /** The spool directory. */
  readonly dir: string;
  readonly #files: SpoolFiles;
  readonly #randomId: () => string;

  /**
   * Creates a spool over a directory (created at the first write).
   *
   * @param options Directory, file operations and temporary-file ids.
   */
  constructor(options: SpoolOptions = {}) {
    const { dir = DEFAULT_SPOOL_DIR, files = denoSpoolFiles(), randomId } = options;
    this.dir = dir;
    this.#files = files;
    this.#randomId = randomId ?? (() => crypto.randomUUID());
  }

  /**
   * The file a trace is spooled in.
   *
   * @param traceId `tr-` + 32 hex digits.
   * @returns `<dir>/<trace id>.json`.
   */
  fileFor(traceId: string): string {
    return join(this.dir, `${traceId.replace(/[^\w.-]/g, "_")}.json`);
  }

  /**
   * Writes a bundle atomically; a bundle of the same trace is replaced.
   *
   * @param bundle The bundle.
   * @returns The spool file.
   * @throws {Error} The directory or file cannot be written (permission, disk).
   */
  async write(bundle: TraceBundle): Promise<string> {
    const file = this.fileFor(bundle.trace.traceId);
    const temporary = `${file}.${this.#randomId()}.tmp`;
    await this.#files.mkdir(this.dir);
    await this.#files.writeTextFile(temporary, serializeBundle(bundle));
    try {
      await this.#files.rename(temporary, file);
    } catch (error) {
      await this.#files.remove(temporary).catch(() => {});
      throw error;
    }
    return file;
  }

  /**
   * The spooled bundles (temporary files excluded).
   *
   * @returns Spool files, sorted by name.
   */
  async list(): Promise<string[]> {
    const names = await this.#files.readDir(this.dir);
    return names.filter((name) => name.endsWith(".json")).sort().map((name) =>
      join(this.dir, name)
    );
  }

  /**
   * Reads one spooled bundle.
   *
   * @param file A file from {@linkcode list}.
   * @returns The bundle, `bigint` times restored.
   * @throws {SyntaxError} The file is not a spooled bundle.
   */
  async read(file: string): Promise<TraceBundle> {
    return parseBundle(await this.#files.readTextFile(file), file);
  }

  /**
   * Removes a spooled bundle.
   *
   * @param file A file from {@linkcode list}.
   */
  async remove(file: string): Promise<void> {
    await this.#files.remove(file);
  }
}

/**
 * A bundle as spool JSON: `bigint` values as decimal strings.
 *
 * @param bundle The bundle.
 * @returns JSON text ending with a newline.
 */
export function serializeBundle(bundle: TraceBundle): string {
  const metrics = Object.fromEntries(
    Object.entries(bundle.run.metrics).map(([key, value]) => [key, encodeMetricValue(value)]),
  );
  return JSON.stringify(
    { ...bundle, run: { ...bundle.run, metrics } },
    (_key, value: unknown) => typeof value === "bigint" ? value.toString() : value,
  ) + "\n";
}

const Nanos = z.string().regex(/^\d+$/, "expected nanoseconds as a decimal string")
  .transform((text) => BigInt(text));
const Attributes = z.record(z.string(), z.unknown());
const Strings = z.record(z.string(), z.string());

const BundleSchema = z.object({
  version: z.literal(1),
  trackingUri: z.string(),
  experimentName: z.string(),
  trace: z.object({
    traceId: z.string(),
    requestTimeMs: z.number(),
    executionTimeMs: z.number(),
    state: z.enum(["OK", "ERROR"]),
    requestPreview: z.string(),
    responsePreview: z.string(),
    metadata: Strings,
    tags: Strings,
    spans: z.array(z.object({
      traceId: z.string(),
      spanId: z.string(),
      parentSpanId: z.string().nullable(),
      name: z.string(),
      startTimeUnixNano: Nanos,
      endTimeUnixNano: Nanos,
      status: z.object({ code: z.enum(["UNSET", "OK", "ERROR"]), message: z.string() }),
      attributes: Attributes,
      events: z.array(z.object({ name: z.string(), timeUnixNano: Nanos, attributes: Attributes })),
    })),
  }),
  run: z.object({
    runName: z.string(),
    startTimeMs: z.number(),
    endTimeMs: z.number(),
    status: z.enum(["FINISHED", "FAILED", "KILLED"]),
    params: Strings,
    // JSON has no NaN or infinities: they are spooled as "NaN", "Infinity", "-Infinity".
    metrics: z.record(
      z.string(),
      z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]),
    ),
    tags: Strings,
    artifacts: z.array(z.object({ path: z.string(), content: z.string() })),
  }),
});

/**
 * Reads spool JSON back into a bundle.
 *
 * @param text Spool file content.
 * @param file File name for messages.
 * @returns The bundle.
 * @throws {SyntaxError} Not JSON, or not a spooled bundle.
 */
export function parseBundle(text: string, file = "spool file"): TraceBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SyntaxError(`Cannot read spooled bundle "${file}" as it is not JSON`, { cause });
  }
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SyntaxError(
      `Cannot read spooled bundle "${file}" as it is not a trace bundle: ${
        issue?.message ?? "unexpected content"
      } at "${issue?.path.join(".") ?? ""}"`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
