/**
 * The Deno edge of a run: the engine's collaborators over Deno's APIs, the credential values
 * the tracker must scrub, and the default warning sink. Every read of the environment asks
 * `Deno.permissions.querySync` first, so nothing here prompts or throws for a permission.
 *
 * @module
 */
import type { RunDeps } from "../engine/engine_types.ts";
import { readRegularTextFile } from "./regular_file.ts";
import type { FileHead, HostIO } from "../tools/tool.ts";
import { denoEnv, type EnvReader } from "../tracking/http/mlflow_auth.ts";
import { isSecretEnvName, SECRET_ENV_NAMES } from "../tracking/secrets.ts";

export { denoEnv, type EnvReader };

/** Options of {@linkcode denoEngineDeps}. */
export interface DenoEngineDepsOptions {
  /**
   * HTTP client of providers and tools.
   *
   * @default {the global fetch}
   */
  fetch?: typeof fetch;
  /**
   * Reads environment variables.
   *
   * @default {denoEnv(): Deno.env where permitted, never prompting}
   */
  env?: EnvReader;
}

/**
 * The host's I/O over Deno: a permission-safe environment reader, fetch, text files (`readFileHead`
 * reads only the start of one), and
 * `realPath`/`lstat`/`cwd` for the file tools' confinement checks (`cwd` is `undefined` when
 * it cannot be read).
 */
function denoHostIO(options: DenoEngineDepsOptions = {}): HostIO {
  const { fetch: fetcher = (input, init) => fetch(input, init), env = denoEnv() } = options;
  return {
    env,
    fetch: fetcher,
    readTextFile: (path, options) => readRegularTextFile(path, options),
    readFileHead: denoReadFileHead,
    writeTextFile: (path, text) => Deno.writeTextFile(path, text),
    realPath: (path) => Deno.realPath(path),
    lstat: async (path) => ({ isSymlink: (await Deno.lstat(path)).isSymlink }),
    cwd: denoCwd(),
  };
}

/**
 * The engine's collaborators over Deno: the host's I/O ({@linkcode denoHostIO}), the clock,
 * and `Math.random` for retry jitter. Timers (`sleep`, `setTimer`) are left to the engine's
 * own defaults, which are plain `setTimeout`s.
 *
 * @example Usage
 * ```ts
 * import { denoEngineDeps } from "./deno_deps.ts";
 * const deps = denoEngineDeps({ env: (name) => name === "USER" ? "ada" : undefined });
 * if (deps.env("USER") !== "ada" || typeof deps.now() !== "number") throw new Error();
 * ```
 *
 * @param options Fetch and environment overrides.
 * @returns The collaborators.
 */
export function denoEngineDeps(options: DenoEngineDepsOptions = {}): RunDeps {
  return { ...denoHostIO(options), now: () => Date.now(), random: () => Math.random() };
}

/**
 * Reads at most `maxBytes` bytes from the start of a file: a regular file's buffer is no
 * larger than the file, and no more than `maxBytes + 1` bytes are ever read (the extra byte
 * tells whether the file goes on, also for a device or pipe whose size is unknown).
 *
 * @example Usage
 * ```ts
 * import { denoReadFileHead } from "./deno_deps.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "hello world");
 * const head = await denoReadFileHead(path, 5);
 * if (new TextDecoder().decode(head.bytes) !== "hello" || !head.truncated) throw new Error();
 * if (head.size !== 11) throw new Error();
 * await Deno.remove(path);
 * ```
 *
 * @param path The file.
 * @param maxBytes Most bytes to return, 0 or more.
 * @returns The bytes, whether the file has more, and its size.
 */
export async function denoReadFileHead(path: string, maxBytes: number): Promise<FileHead> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  const capacity = info.isFile ? Math.min(maxBytes, info.size) + 1 : maxBytes + 1;
  const buffer = new Uint8Array(capacity);
  let filled = 0;
  while (filled < capacity) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  const truncated = filled > maxBytes;
  return {
    bytes: buffer.subarray(0, Math.min(filled, maxBytes)),
    truncated,
    size: Math.max(info.isFile ? info.size : 0, filled),
  };
}

/**
 * The current directory, or `undefined` when Deno will not tell (it has been removed, or a
 * permission is missing).
 *
 * @returns An absolute path, or `undefined`.
 */
export function denoCwd(): string | undefined {
  try {
    return Deno.cwd();
  } catch {
    return undefined;
  }
}

/**
 * The credential values of the environment, for the tracker to scrub from everything it
 * records: the values of `SECRET_ENV_NAMES` and of `names` (read one by one where permitted),
 * plus, when Deno grants access to the whole environment, every variable whose name
 * `isSecretEnvName` matches. Never prompts, never throws; empty values are skipped.
 *
 * @example Usage
 * ```ts
 * import { secretValues } from "./deno_deps.ts";
 * const env: Record<string, string> = { OPENAI_API_KEY: "sk-1", CUSTOM_KEY: "k-2", HOME: "/root" };
 * const values = secretValues((name) => env[name], { names: ["CUSTOM_KEY"], environment: () => undefined });
 * if (values.join() !== "sk-1,k-2") throw new Error(values.join());
 * ```
 *
 * @param env Reads one variable.
 * @param options Extra variable names and the whole environment.
 * @returns The credential values, without repeats.
 */
export function secretValues(env: EnvReader, options: SecretValuesOptions = {}): string[] {
  const { names = [], environment = denoEnvironment } = options;
  const values = new Set<string>();
  for (const name of new Set([...SECRET_ENV_NAMES, ...names])) {
    const value = env(name);
    if (value) values.add(value);
  }
  for (const [name, value] of Object.entries(environment() ?? {})) {
    if (value && isSecretEnvName(name)) values.add(value);
  }
  return [...values];
}

/** Options of {@linkcode secretValues}. */
export interface SecretValuesOptions {
  /**
   * Variables that hold credentials beyond `SECRET_ENV_NAMES` (provider and tool keys).
   *
   * @default {[]}
   */
  names?: readonly string[];
  /**
   * The whole environment, or `undefined` when it may not be read.
   *
   * @default {Deno.env.toObject() when Deno grants all of the environment, else undefined}
   */
  environment?: () => Readonly<Record<string, string>> | undefined;
}

/**
 * The whole environment when Deno grants access to all of it (never prompting).
 *
 * @returns `Deno.env.toObject()`, or `undefined`.
 */
export function denoEnvironment(): Record<string, string> | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env" }).state !== "granted") return undefined;
    return Deno.env.toObject();
  } catch {
    return undefined;
  }
}

/**
 * The default warning sink of the library: one line on standard error,
 * `configurable-agents: warning: <message>`. Tracking problems never fail a run, so they must
 * be seen somewhere; pass your own `warn` to route or silence them.
 *
 * @param message The warning.
 */
export function denoWarn(message: string): void {
  try {
    const bytes = new TextEncoder().encode(`configurable-agents: warning: ${message}\n`);
    let offset = 0;
    while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
  } catch {
    // A closed standard error leaves nowhere to warn.
  }
}
