/**
 * What the tracking fault suite shares: mock runs of the echo example recorded through the
 * runtime's `createWorkflowTracker` (the wiring `runWorkflow` and the CLI use), `traces push` through the
 * CLI, and readers of what a tracking server or an MLflow SQLite file ends up holding.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { loadWorkflow } from "../../../src/config/load_workflow.ts";
import type { LoadedWorkflow } from "../../../src/config/loaded_workflow.ts";
import { main } from "../../../src/cli/main.ts";
import { runOnce } from "../../_helpers/run_once.ts";
import type { EngineDeps } from "../../../src/engine/engine_types.ts";
import { createWorkflowTracker } from "../../../src/runtime/workflow_tracker.ts";
import type { OpenSinkDeps } from "../../../src/tracking/delivery/open_sink.ts";
import type { PreflightDeps } from "../../../src/tracking/delivery/preflight.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { TRACE_ID_TAG } from "../../../src/tracking/trace_bundle.ts";
import type { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { fakeIO } from "../../config/_cli_io.ts";

/** The echo example, loaded from the examples directory. */
export function echoExample(): Promise<LoadedWorkflow> {
  return loadWorkflow(new URL("../../../examples/echo.yaml", import.meta.url).pathname, {
    readTextFile: (path) => Deno.readTextFile(path),
    toolNames: [],
  });
}

/** Engine deps for mock runs: no network, no files, a counting clock. */
export function mockDeps(): EngineDeps {
  let clock = Date.UTC(2026, 10, 27, 12, 0, 0);
  return {
    env: () => undefined,
    fetch: () => Promise.reject(new Error("No network in mock runs")),
    readTextFile: () => Promise.reject(new Error("No files in mock runs")),
    writeTextFile: () => Promise.reject(new Error("No files in mock runs")),
    now: () => (clock += 7),
  };
}

/** What a batch of tracked runs did. */
export interface TrackedRuns {
  /** Trace id of each run, in order. */
  traceIds: string[];
  /** Every tracking warning. */
  warnings: string[];
  /** Spool files left behind. */
  spooled: string[];
}

/** Options of {@linkcode runTracked}. */
export interface RunTrackedOptions {
  /** Number of runs. */
  runs: number;
  /** The spool directory. */
  spoolDir: string;
  /** Checks and timers of the delivery (sleep, artifact root, ...). */
  preflight?: PreflightDeps;
  /** How the sink is opened (SQLite options, ...). */
  sinkOptions?: OpenSinkDeps;
  /** Background delivery. @default false */
  async?: boolean;
  /** Runs before run `index` starts (to inject a fault mid-batch). */
  before?: (index: number) => void;
  /** Runs after the last run, before the tracker closes. */
  beforeClose?: () => Promise<void>;
  /** Bound of the final flush, milliseconds. @default 2000 */
  closeTimeoutMs?: number;
  /**
   * One MLflow run per execution (`run_per_execution`), so that the faults hit every request a
   * run can make, its own run's creation and end included. @default true
   */
  runPerExecution?: boolean;
}

/**
 * Runs the echo example `runs` times in mock mode with one tracker on `trackingUri`, then
 * closes the tracker. Every run must succeed: tracking problems never fail a run.
 *
 * @param trackingUri Where to record.
 * @param options Runs, spool, delivery options and hooks.
 * @returns Trace ids, warnings and the spool's files.
 */
export async function runTracked(
  trackingUri: string,
  options: RunTrackedOptions,
): Promise<TrackedRuns> {
  const loaded = await echoExample();
  const warnings: string[] = [];
  const handle = await createWorkflowTracker(loaded, {
    trackingUri,
    env: () => undefined,
    warn: (message) => warnings.push(message),
    async: options.async ?? false,
    runPerExecution: options.runPerExecution ?? true,
    spool: { dir: options.spoolDir },
    ...(options.preflight ? { preflight: options.preflight } : {}),
    ...(options.sinkOptions ? { sinkOptions: options.sinkOptions } : {}),
  });
  if (!handle) throw new Error("Cannot track: createWorkflowTracker turned tracking off");
  const traceIds: string[] = [];
  for (let index = 0; index < options.runs; index++) {
    options.before?.(index);
    const result = await runOnce(loaded, { message: `message ${index}` }, {
      deps: mockDeps(),
      mock: true,
      seed: index,
      tracer: handle,
    });
    if (result.metadata.status !== "success" || result.metadata.traceId === undefined) {
      throw new Error(`Run ${index} did not succeed with a trace: ${result.metadata.status}`);
    }
    traceIds.push(result.metadata.traceId);
  }
  await options.beforeClose?.();
  await handle.close({ timeoutMs: options.closeTimeoutMs ?? 2000 });
  const spooled = await new Spool({ dir: options.spoolDir }).list();
  return { traceIds, warnings, spooled };
}

/** What `traces push --json` reported. */
export interface PushOutcome {
  /** Exit code. */
  code: number;
  /** The JSON report. */
  report: { total: number; delivered: string[]; alreadyPresent: string[]; failed: unknown[] };
  /** Standard error. */
  stderr: string;
}

/**
 * Runs `traces push --json` in-process through the CLI.
 *
 * @param spoolDir The spool directory.
 * @param trackingUri Delivers everything there instead (`--tracking-uri`).
 * @returns Exit code and report.
 */
export async function pushWithCli(spoolDir: string, trackingUri?: string): Promise<PushOutcome> {
  const io = fakeIO();
  const args = ["traces", "push", "--spool-dir", spoolDir, "--json"];
  if (trackingUri !== undefined) args.push("--tracking-uri", trackingUri);
  const code = await main(args, io);
  return { code, report: JSON.parse(io.out.join("")), stderr: io.err.join("") };
}

/** How often each trace and its run are stored at a destination. */
export interface StoredCounts {
  /** Trace id → number of stored traces with that id (0 or 1 for a keyed store). */
  traces: Record<string, number>;
  /** Trace id → number of MLflow runs tagged with it. */
  runs: Record<string, number>;
  /** Trace id → whether its run ended (not RUNNING). */
  finished: Record<string, boolean>;
  /** Trace id → number of stored spans, and whether their ids are distinct. */
  spans: Record<string, { count: number; distinct: boolean }>;
}

/**
 * What a fake tracking server holds for some traces.
 *
 * @param server The server.
 * @param traceIds The traces to count.
 * @returns The counts.
 */
export function serverCounts(server: FakeMlflowServer, traceIds: readonly string[]): StoredCounts {
  const counts: StoredCounts = { traces: {}, runs: {}, finished: {}, spans: {} };
  const runs = [...server.runs.values()];
  for (const id of traceIds) {
    const trace = server.traces.get(id);
    counts.traces[id] = trace ? 1 : 0;
    const tagged = runs.filter((run) => run.tags.get(TRACE_ID_TAG) === id);
    counts.runs[id] = tagged.length;
    counts.finished[id] = tagged.every((run) => run.info.status !== "RUNNING");
    const spanIds = (trace?.spans ?? []).map((span) => span.spanId);
    counts.spans[id] = {
      count: spanIds.length,
      distinct: new Set(spanIds).size === spanIds.length,
    };
  }
  return counts;
}

/**
 * What an MLflow SQLite file holds for some traces.
 *
 * @param path The database file.
 * @param traceIds The traces to count.
 * @returns The counts.
 */
export function sqliteCounts(path: string, traceIds: readonly string[]): StoredCounts {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const counts: StoredCounts = { traces: {}, runs: {}, finished: {}, spans: {} };
    const trace = db.prepare("SELECT COUNT(*) AS n FROM trace_info WHERE request_id = ?");
    const runs = db.prepare(
      "SELECT r.status AS status FROM runs r JOIN tags t ON t.run_uuid = r.run_uuid " +
        "WHERE t.key = ? AND t.value = ?",
    );
    const spans = db.prepare(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT span_id) AS d FROM spans WHERE trace_id = ?",
    );
    for (const id of traceIds) {
      counts.traces[id] = Number((trace.get(id) as { n: number }).n);
      const rows = runs.all(TRACE_ID_TAG, id) as { status: string }[];
      counts.runs[id] = rows.length;
      counts.finished[id] = rows.every((row) => row.status !== "RUNNING");
      const span = spans.get(id) as { n: number; d: number };
      counts.spans[id] = { count: Number(span.n), distinct: Number(span.n) === Number(span.d) };
    }
    return counts;
  } finally {
    db.close();
  }
}

/**
 * The counts when every trace and its finished run are stored exactly once, with `spans`
 * distinct spans each.
 *
 * @param traceIds The traces.
 * @param spans Spans per trace.
 * @returns The expected counts.
 */
export function exactlyOnce(traceIds: readonly string[], spans: number): StoredCounts {
  const each = <T>(value: T) => Object.fromEntries(traceIds.map((id) => [id, value]));
  return {
    traces: each(1),
    runs: each(1),
    finished: each(true),
    spans: each({ count: spans, distinct: true }),
  };
}

/**
 * Waits (event-loop turns, no timers of fixed length) until `condition` holds.
 *
 * @param condition What to wait for.
 * @param what Named in the error when it never holds.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 20_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`Cannot wait any longer for ${what}`);
}

/** Another process holding a write transaction on a SQLite file. */
export interface LockHolder {
  /** Rolls back, lets go of the file and waits for the process to exit. */
  release(): Promise<void>;
}

/**
 * Starts a process that holds a write transaction on `path` until released.
 *
 * @param path The database file.
 * @returns Once the lock is held: its release.
 */
export async function holdSqliteLock(path: string): Promise<LockHolder> {
  const script = new URL("./hold_sqlite_lock.ts", import.meta.url).pathname;
  const child = new Deno.Command("deno", {
    args: ["run", "--allow-read", "--allow-write", script, path],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  const said = new TextDecoder().decode(first.value ?? new Uint8Array());
  if (said.trim() !== "locked") {
    await child.stdin.close();
    const { stderr } = await child.output();
    throw new Error(`Cannot hold the lock: ${said} ${new TextDecoder().decode(stderr)}`);
  }
  let released: Promise<void> | undefined;
  return {
    release: () =>
      released ??= (async () => {
        await child.stdin.close();
        const status = await child.status;
        await child.stdout.cancel();
        await child.stderr.cancel();
        if (!status.success) throw new Error(`The lock holder failed with ${status.code}`);
      })(),
  };
}
