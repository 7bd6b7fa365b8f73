/**
 * Degradation checks before the first delivery: is every Deno permission the sink needs
 * granted (asked with `Deno.permissions.query`, never by prompting), and does the tracking
 * server accept a TCP connection within 3 s? A failed check sends bundles straight to the
 * spool, with a warning naming the exact flag to add.
 *
 * @module
 */
import type { TrackingDestination } from "../tracking_destination.ts";

/** `Deno.permissions.query`, injectable. */
export type PermissionQuery = (
  descriptor: Deno.PermissionDescriptor,
) => Promise<{ readonly state: Deno.PermissionState }>;

/** `Deno.connect`, injectable: resolves once connected. */
export type Connect = (
  options: { hostname: string; port: number; signal: AbortSignal },
) => Promise<{ close(): void }>;

/** Waits `ms` milliseconds, or less when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** What the checks use. */
export interface PreflightDeps {
  /** Asks for a permission's state without prompting. @default Deno.permissions.query */
  queryPermission?: PermissionQuery;
  /** Opens a TCP connection. @default Deno.connect */
  connect?: Connect;
  /** Timers. @default setTimeout */
  sleep?: Sleep;
  /** Longest wait for the TCP connection. @default 3000 */
  connectTimeoutMs?: number;
  /** Artifact root of a SQLite destination, which needs write permission. @default "mlruns" */
  artifactRoot?: string;
}

/** Outcome of the checks. */
export type PreflightResult =
  | { ok: true }
  | {
    ok: false;
    /** `permission` (a flag is missing) or `unreachable` (no TCP connection). */
    kind: "permission" | "unreachable";
    /** What is wrong, as a sentence without a trailing period. */
    reason: string;
    /** The Deno flag to add, for `permission`. */
    flag?: string;
  };

/**
 * Checks that a destination can take bundles: permission for the server's `host:port` and a
 * TCP connection within 3 s; for a SQLite file, read and write permission for the file, its `-wal`, `-shm` and
 * `-journal` companions and the artifact root.
 *
 * @example Usage
 * ```ts
 * import { checkDestination } from "./preflight.ts";
 * import { parseTrackingUri } from "../tracking_destination.ts";
 * const result = await checkDestination(parseTrackingUri("http://mlflow.internal:5000"), {
 *   queryPermission: () => Promise.resolve({ state: "prompt" }),
 * });
 * if (result.ok || result.flag !== "--allow-net=mlflow.internal:5000") throw new Error();
 * ```
 *
 * @param destination A SQLite file or a tracking server.
 * @param deps Permission query, TCP connect and timers.
 * @returns `{ ok: true }` or why not and how to fix it.
 */
export async function checkDestination(
  destination: TrackingDestination,
  deps: PreflightDeps = {},
): Promise<PreflightResult> {
  const {
    queryPermission = (descriptor) => Deno.permissions.query(descriptor),
    connect = (options) => Deno.connect(options),
    sleep = defaultSleep,
    connectTimeoutMs = 3000,
    artifactRoot = "mlruns",
  } = deps;
  const granted = async (descriptor: Deno.PermissionDescriptor) => {
    try {
      return (await queryPermission(descriptor)).state === "granted";
    } catch {
      return false;
    }
  };

  if (destination.kind === "sqlite") {
    const path = destination.path;
    const files = [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
    for (const name of ["read", "write"] as const) {
      const paths = [...files, artifactRoot];
      for (const candidate of paths) {
        if (!(await granted({ name, path: candidate }))) {
          return {
            ok: false,
            kind: "permission",
            reason:
              `Cannot write traces to "${destination.uri}" as Deno has no ${name} permission for "${candidate}"`,
            flag: `--allow-${name}=${paths.join(",")}`,
          };
        }
      }
    }
    return { ok: true };
  }

  const { url } = destination;
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = `${url.hostname}:${port}`;
  const shown = destination.uri;
  if (!(await granted({ name: "net", host }))) {
    return {
      ok: false,
      kind: "permission",
      reason: `Cannot send traces to "${shown}" as Deno has no net permission for "${host}"`,
      flag: `--allow-net=${host}`,
    };
  }
  const reached = await connectWithin(
    connect,
    sleep,
    url.hostname.replace(/^\[|\]$/g, ""),
    port,
    connectTimeoutMs,
  );
  if (!reached) {
    return {
      ok: false,
      kind: "unreachable",
      reason: `Cannot reach the MLflow tracking server at "${shown}" within ${
        connectTimeoutMs / 1000
      } s`,
    };
  }
  return { ok: true };
}

async function connectWithin(
  connect: Connect,
  sleep: Sleep,
  hostname: string,
  port: number,
  timeoutMs: number,
): Promise<boolean> {
  const controller = new AbortController();
  const attempt = connect({ hostname, port, signal: controller.signal }).then(
    (connection) => {
      connection.close();
      return true;
    },
    () => false,
  );
  const timeout = sleep(timeoutMs, controller.signal).then(() => false);
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    controller.abort();
    await attempt;
  }
}

/**
 * `setTimeout` as a promise that ends early (and clears its timer) when `signal` aborts.
 *
 * @param ms Milliseconds.
 * @param signal Ends the wait.
 * @returns Resolves after `ms` or on abort.
 */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
