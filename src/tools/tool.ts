/**
 * The contract of a tool a node can call. Built-in tools and the tools library users register
 * implement it; the engine turns each into a LangChain tool for the model and calls `invoke`.
 *
 * @module
 */
import type { ToolSchema } from "./tool_schema.ts";

/**
 * What the toolkit reaches on its host: the environment, HTTP and files. It is declared once:
 * the engine takes it as part of its collaborators (`RunDeps` extends it) and hands exactly
 * these fields to every tool call (`ToolContext` extends it), so tests pass fakes for all of
 * it in one place.
 */
export interface HostIO {
  /** Reads an environment variable (`undefined` when unset or not permitted). */
  env: (name: string) => string | undefined;
  /** HTTP client. */
  fetch: typeof fetch;
  /**
   * Reads a text file; with `maxBytes`, a larger file is refused rather than read whole (the
   * Deno implementation also refuses anything that is not a regular file, such as `/dev/zero`).
   */
  readTextFile: (path: string, options?: { maxBytes?: number | undefined }) => Promise<string>;
  /**
   * Reads at most `maxBytes` bytes from the start of a file, and tells whether it has more.
   * `read_file` uses it so that a large file is never read whole; without it, `read_file`
   * reads the file with `readTextFile` and cuts the text.
   */
  readFileHead?: ((path: string, maxBytes: number) => Promise<FileHead>) | undefined;
  /** Writes a text file. */
  writeTextFile: (path: string, text: string) => Promise<void>;
  /**
   * Resolves a path to its absolute canonical form, following every symbolic link (as
   * `Deno.realPath` does; rejects with an error named `NotFound` when the path does not exist).
   * `read_file` and `write_file` use it to refuse symbolic links that lead out of their roots;
   * without it they check paths as written only.
   *
   * @default {paths are checked as written}
   */
  realPath?: ((path: string) => Promise<string>) | undefined;
  /**
   * Describes a path without following a final symbolic link (as `Deno.lstat` does). With it,
   * `write_file` refuses to write through a dangling symbolic link, which `realPath` cannot
   * resolve and which could create a file anywhere.
   *
   * @default {no check}
   */
  lstat?: ((path: string) => Promise<{ readonly isSymlink: boolean }>) | undefined;
  /**
   * The absolute working directory relative roots are resolved against. Without it, an
   * absolute path can only be inside an absolute root.
   *
   * @default {relative roots stay relative}
   */
  cwd?: string | undefined;
}

/** Every field of {@linkcode HostIO}; the compiler checks that none is missing. */
const HOST_IO_KEYS = [
  "env",
  "fetch",
  "readTextFile",
  "readFileHead",
  "writeTextFile",
  "realPath",
  "lstat",
  "cwd",
] as const satisfies readonly (keyof HostIO)[];

// Fails to compile, naming the field, when HostIO gains a field that HOST_IO_KEYS does not list.
type UnlistedHostIOKey = Exclude<keyof HostIO, typeof HOST_IO_KEYS[number]>;
const _everyKeyListed: [UnlistedHostIOKey] extends [never] ? true : UnlistedHostIOKey = true;

/**
 * The host I/O of a larger object (such as the engine's collaborators): exactly the fields of
 * {@linkcode HostIO}, so that nothing else reaches a tool.
 *
 * @example Usage
 * ```ts
 * import { hostIOOf } from "./tool.ts";
 * const deps = {
 *   env: () => undefined,
 *   fetch: () => Promise.reject(new Error("offline")),
 *   readTextFile: () => Promise.resolve(""),
 *   writeTextFile: () => Promise.resolve(),
 *   price: () => undefined,
 * };
 * const io = hostIOOf(deps);
 * if ("price" in io || io.env !== deps.env) throw new Error();
 * ```
 *
 * @param source An object that has the host I/O fields, and maybe others.
 * @returns A new object with only the host I/O fields that `source` sets.
 */
export function hostIOOf(source: HostIO): HostIO {
  const io: Record<string, unknown> = {};
  for (const key of HOST_IO_KEYS) if (source[key] !== undefined) io[key] = source[key];
  return io as unknown as HostIO;
}

/** What a tool call may use: the host's I/O plus the call's signal and settings. */
export interface ToolContext extends HostIO {
  /** Aborts the call (node timeout, run timeout, cancellation). */
  signal: AbortSignal;
  /** Settings from the node's `tools: [{name, config}]` entry (`{}` when none). */
  config: Readonly<Record<string, unknown>>;
  /**
   * The W3C `traceparent` of the tool call's span, when the run is traced: a tool that calls a
   * service sends it along (`http_get` does), so the service's spans nest under the call.
   */
  traceparent?: string | undefined;
}

/** The start of a file, as {@linkcode HostIO.readFileHead} reads it. */
export interface FileHead {
  /** At most `maxBytes` bytes from the start of the file. */
  readonly bytes: Uint8Array;
  /** `true` when the file has more than `maxBytes` bytes. */
  readonly truncated: boolean;
  /**
   * The file's size in bytes: its length for a regular file, else the bytes seen (at least
   * `maxBytes + 1` when truncated).
   */
  readonly size: number;
}

/** The Deno permissions a tool needs with a given configuration. */
export interface ToolPermissions {
  /** Hosts (`host` or `host:port`) for `--allow-net`. */
  net?: string[];
  /** Paths for `--allow-read`. */
  read?: string[];
  /** Paths for `--allow-write`. */
  write?: string[];
  /** Variable names for `--allow-env`. */
  env?: string[];
}

/** A tool a node may call. */
export interface Tool {
  /** Name used in workflow files (an identifier). */
  readonly name: string;
  /** What the tool does, shown to the model. */
  readonly description: string;
  /** Schema of the arguments the model must pass: a zod object schema (`z.object({...})`). */
  readonly parameters: ToolSchema<Record<string, unknown>>;
  /**
   * Schema of the node's `config` for this tool, when the tool takes settings. Validation
   * reports a `config` it rejects (see `validateToolConfig`).
   */
  readonly configSchema?: ToolSchema | undefined;
  /** Runs the tool. A throw is a tool failure (`on_error` decides what happens next). */
  invoke(args: Record<string, unknown>, context: ToolContext): Promise<unknown>;
  /** The permissions the tool needs with this configuration (for `cli.ts permissions`). */
  permissions(config: Readonly<Record<string, unknown>>): ToolPermissions;
  /**
   * A deterministic placeholder result for `run --mock`, computed from the arguments alone
   * (no I/O). Absent: `mockToolResult` returns a generic placeholder.
   */
  mock?(args: Record<string, unknown>): unknown;
}

/** Tools by name, as `ToolRegistry` provides them: what a run can call. */
export interface ToolLookup {
  /** The tool of a name, or `undefined`. */
  get(name: string): Tool | undefined;
  /** Every registered name. */
  names(): Iterable<string>;
}
