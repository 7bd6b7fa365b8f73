/**
 * The local spool: one JSON file per bundle that is not (yet) at its destination, named by trace
 * id (the end of a group run by `run-<key>`), written atomically (temporary file, then rename), kept until it is delivered. Every file
 * is delivered by one process only: a deliverer first claims it by renaming it to a name of its
 * own (`<trace id>.json.claim-<id>`), which one rename can win; a claim whose holder stopped
 * (its lease ran out: the holder refreshes it while it lives) can be claimed again. A recording
 * process journals each finished run as a claim of its own before reporting the run, so a crash
 * loses nothing: the claim outlives the process and the next `traces push` takes it over.
 * `bigint` nanosecond times are written as decimal strings and restored exactly; the tracking
 * URI is written without credentials.
 *
 * @module
 */
import { basename, join } from "node:path";
import { z } from "zod";
import { encodeMetricValue } from "../http/_log_batch.ts";
import { redactUri } from "../http/mlflow_auth.ts";
import { bundleId, type RunRecord, type TrackingBundle } from "../trace_bundle.ts";

/** Default spool directory, relative to the current directory. */
export const DEFAULT_SPOOL_DIR = ".mlflow-spool";

/**
 * How long a claim lasts without being refreshed, in milliseconds: a claim (or a temporary file)
 * older than this belongs to a process that is gone.
 */
export const CLAIM_LEASE_MS = 60_000;

const CLAIM_MARK = ".claim-";
const TEMPORARY_SUFFIX = ".tmp";

/** File operations of the spool. */
export interface SpoolFiles {
  /** Creates a directory and its parents (no error when it exists). */
  mkdir(path: string): Promise<void>;
  /** Writes a UTF-8 file. */
  writeTextFile(path: string, content: string): Promise<void>;
  /** Renames a file, replacing the target; rejects with `NotFound` when `from` is gone. */
  rename(from: string, to: string): Promise<void>;
  /** Reads a UTF-8 file. */
  readTextFile(path: string): Promise<string>;
  /** Names of the files in a directory; empty when it does not exist. */
  readDir(path: string): Promise<string[]>;
  /** Removes a file (no error when it is gone). */
  remove(path: string): Promise<void>;
  /** Last modification of a file in milliseconds since the epoch; `undefined` when it is gone. */
  modifiedAt(path: string): Promise<number | undefined>;
  /** Sets a file's modification time to now (no error when it is gone). */
  touch(path: string): Promise<void>;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound ||
    (error instanceof Error && error.name === "NotFound");
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
        if (!isNotFound(error)) throw error;
      }
      return names;
    },
    async remove(path) {
      try {
        await Deno.remove(path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async modifiedAt(path) {
      try {
        return (await Deno.stat(path)).mtime?.getTime();
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async touch(path) {
      try {
        const now = new Date();
        await Deno.utime(path, now, now);
      } catch (error) {
        if (!isNotFound(error)) throw error;
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
  /** Unique suffix of temporary files and claims. @default crypto.randomUUID() */
  randomId?: () => string;
  /** Milliseconds since the epoch (claim leases). @default Date.now */
  now?: () => number;
  /** How long a claim lasts without a refresh. @default {@linkcode CLAIM_LEASE_MS} */
  leaseMs?: number;
}

/** A spooled bundle held by this process: no other deliverer takes it while the claim lives. */
export interface SpoolClaim {
  /** The claimed file. */
  readonly file: string;
  /** The id of the bundle (its trace id, or `run-<key>`). */
  readonly traceId: string;
  /** The bundle was delivered: removes the file. */
  done(): Promise<void>;
  /** The bundle was not delivered: gives the file back to the spool for a later push. */
  release(): Promise<string>;
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
  readonly #now: () => number;
  readonly #leaseMs: number;
  /** Claims held by this spool object, refreshed while it holds any. */
  readonly #held = new Set<string>();
  #refresher: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates a spool over a directory (created at the first write).
   *
   * @param options Directory, file operations, ids, clock and lease.
   */
  constructor(options: SpoolOptions = {}) {
    const { dir = DEFAULT_SPOOL_DIR, files = denoSpoolFiles(), randomId } = options;
    this.dir = dir;
    this.#files = files;
    this.#randomId = randomId ?? (() => crypto.randomUUID());
    this.#now = options.now ?? Date.now;
    this.#leaseMs = options.leaseMs ?? CLAIM_LEASE_MS;
  }

  /**
   * The file a trace is spooled in.
   *
   * @param traceId `tr-` + 32 hex digits, or the `run-<key>` of a group run's end.
   * @returns `<dir>/<trace id>.json`.
   */
  fileFor(traceId: string): string {
    return join(this.dir, `${traceId.replace(/[^\w.-]/g, "_")}.json`);
  }

  /**
   * Writes a bundle atomically for a later push; a bundle of the same trace is replaced.
   *
   * @param bundle The bundle.
   * @returns The spool file.
   * @throws {Error} The directory or file cannot be written (permission, disk); no file is
   *   left behind then.
   */
  async write(bundle: TrackingBundle): Promise<string> {
    const file = this.fileFor(bundleId(bundle));
    await this.#writeAtomically(file, bundle);
    return file;
  }

  /**
   * Writes a bundle as a claim of this spool (the journal of a run that is being delivered):
   * it survives a crash, and no push takes it while this process lives.
   *
   * @param bundle The bundle.
   * @returns The claim.
   * @throws {Error} The directory or file cannot be written; no file is left behind then.
   */
  async journal(bundle: TrackingBundle): Promise<SpoolClaim> {
    const entry = this.fileFor(bundleId(bundle));
    const file = `${entry}${CLAIM_MARK}${this.#randomId()}`;
    await this.#writeAtomically(file, bundle);
    return this.#hold(file, entry, bundleId(bundle));
  }

  /**
   * The files a push may claim: spooled bundles, and claims whose lease ran out. Temporary files
   * whose writer is gone are removed.
   *
   * @returns Spool files, sorted by trace id.
   */
  async list(): Promise<string[]> {
    const names = await this.#files.readDir(this.dir);
    const files: string[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.endsWith(".json")) files.push(path);
      else if (name.includes(CLAIM_MARK) && !this.#held.has(path) && await this.#stale(path)) {
        files.push(path);
      } else if (name.endsWith(TEMPORARY_SUFFIX) && await this.#stale(path)) {
        await this.#files.remove(path).catch(() => {});
      }
    }
    return files.sort((a, b) => entryOf(a).localeCompare(entryOf(b)));
  }

  /**
   * Claims a file from {@linkcode list}. Of several processes claiming one file at once, one
   * wins; the others get `undefined`.
   *
   * @param file A file from {@linkcode list}.
   * @returns The claim, or `undefined` when another process has it.
   */
  async claim(file: string): Promise<SpoolClaim | undefined> {
    const entry = entryOf(file);
    const claimed = `${entry}${CLAIM_MARK}${this.#randomId()}`;
    if (file !== entry && !(await this.#stale(file))) return undefined;
    try {
      await this.#files.rename(file, claimed);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    // A stale claim may have been refreshed between the check and the rename; its holder then
    // finds its file gone and leaves it to us. Sinks are idempotent by trace id either way.
    return this.#hold(claimed, entry, basename(entry, ".json"));
  }

  /**
   * Reads one spooled bundle.
   *
   * @param file A spool file or a claim's file.
   * @returns The bundle, `bigint` times restored.
   * @throws {SyntaxError} The file is not a spooled bundle.
   */
  async read(file: string): Promise<TrackingBundle> {
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

  async #writeAtomically(file: string, bundle: TrackingBundle): Promise<void> {
    const temporary = `${file}.${this.#randomId()}${TEMPORARY_SUFFIX}`;
    await this.#files.mkdir(this.dir);
    try {
      await this.#files.writeTextFile(temporary, serializeBundle(bundle));
      await this.#files.rename(temporary, file);
    } catch (error) {
      await this.#files.remove(temporary).catch(() => {});
      throw error;
    }
  }

  async #stale(file: string): Promise<boolean> {
    const modified = await this.#files.modifiedAt(file).catch(() => undefined);
    return modified !== undefined && this.#now() - modified > this.#leaseMs;
  }

  #hold(file: string, entry: string, traceId: string): SpoolClaim {
    this.#held.add(file);
    this.#refresh();
    const letGo = () => {
      this.#held.delete(file);
      this.#refresh();
    };
    return {
      file,
      traceId,
      done: async () => {
        letGo();
        await this.#files.remove(file);
      },
      release: async () => {
        letGo();
        try {
          await this.#files.rename(file, entry);
        } catch (error) {
          // Taken over by a push after the lease ran out: it is that push's now.
          if (!isNotFound(error)) throw error;
        }
        return entry;
      },
    };
  }

  /** Keeps the held claims' leases fresh, with a timer that never keeps the process alive. */
  #refresh(): void {
    if (this.#held.size > 0 && this.#refresher === undefined) {
      const refresher = setInterval(() => {
        for (const file of this.#held) this.#files.touch(file).catch(() => {});
      }, Math.max(1000, this.#leaseMs / 4));
      Deno.unrefTimer(Number(refresher));
      this.#refresher = refresher;
    } else if (this.#held.size === 0 && this.#refresher !== undefined) {
      clearInterval(this.#refresher);
      this.#refresher = undefined;
    }
  }
}

/** The spool entry (`<dir>/<trace id>.json`) a claim belongs to. */
function entryOf(file: string): string {
  const mark = file.lastIndexOf(CLAIM_MARK);
  return mark === -1 ? file : file.slice(0, mark);
}

/**
 * A bundle as spool JSON: `bigint` values as decimal strings.
 *
 * @param bundle The bundle.
 * @returns JSON text ending with a newline.
 */
export function serializeBundle(bundle: TrackingBundle): string {
  const encoded: Record<string, unknown> = {
    ...bundle,
    trackingUri: redactUri(bundle.trackingUri),
  };
  if (bundle.run) encoded.run = encodeRun(bundle.run);
  return JSON.stringify(
    encoded,
    (_key, value: unknown) => typeof value === "bigint" ? value.toString() : value,
  ) + "\n";
}

/** A run with its non-finite metrics as the strings JSON can hold. */
function encodeRun(run: RunRecord): Record<string, unknown> {
  const metrics = Object.fromEntries(
    Object.entries(run.metrics).map(([key, value]) => [key, encodeMetricValue(value)]),
  );
  return { ...run, metrics };
}

const Run = z.object({
  runName: z.string(),
  startTimeMs: z.number(),
  endTimeMs: z.number(),
  status: z.enum(["FINISHED", "FAILED", "KILLED"]),
  params: z.record(z.string(), z.string()),
  // JSON has no NaN or infinities: they are spooled as "NaN", "Infinity", "-Infinity".
  metrics: z.record(
    z.string(),
    z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]),
  ),
  tags: z.record(z.string(), z.string()),
  artifacts: z.array(z.object({ path: z.string(), content: z.string() })),
});

const GroupLink = z.object({
  key: z.string().regex(/^[0-9a-f]{32}$/, "expected 32 hex digits"),
  runName: z.string(),
  startTimeMs: z.number(),
  tags: z.record(z.string(), z.string()),
});

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
    remoteParentSpanId: z.string().optional(),
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
  run: Run.optional(),
  group: GroupLink.optional(),
  agentVersion: z.object({
    name: z.string().min(1),
    params: Strings,
    tags: Strings,
    artifacts: z.array(z.object({ path: z.string(), content: z.string() })),
  }).optional(),
  assessments: z.array(z.object({
    assessmentId: z.string().regex(/^a-[0-9a-f]{32}$/, "expected a- and 32 hex digits"),
    name: z.string().min(1),
    kind: z.enum(["feedback", "expectation"]),
    value: z.json(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    rationale: z.string().optional(),
    source: z.object({ type: z.enum(["CODE", "LLM_JUDGE", "HUMAN"]), id: z.string() }),
    createdMs: z.number(),
    metadata: Strings,
  })).optional(),
});

const RunBundleSchema = z.object({
  version: z.literal(1),
  kind: z.literal("run"),
  trackingUri: z.string(),
  experimentName: z.string(),
  group: GroupLink,
  run: Run,
  dataset: z.object({
    name: z.string(),
    digest: z.string(),
    sourceType: z.string(),
    source: z.string(),
    profile: z.string(),
  }).optional(),
});

/**
 * Reads spool JSON back into a bundle.
 *
 * @param text Spool file content.
 * @param file File name for messages.
 * @returns The bundle.
 * @throws {SyntaxError} Not JSON, or not a spooled bundle.
 */
export function parseBundle(text: string, file = "spool file"): TrackingBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SyntaxError(`Cannot read spooled bundle "${file}" as it is not JSON`, { cause });
  }
  const isRun = json !== null && typeof json === "object" && "kind" in json && json.kind === "run";
  const parsed = isRun ? RunBundleSchema.safeParse(json) : BundleSchema.safeParse(json);
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
