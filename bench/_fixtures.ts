/**
 * Shared fixtures of the benchmarks: linear mock workflows, engine deps with a real clock and a
 * mock model of fixed latency, and a tracker writing into a fresh MLflow SQLite database.
 * Nothing here touches the network.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LoadedWorkflow } from "../src/config/loaded_workflow.ts";
import { prepareWorkflow } from "../src/config/prepare_workflow.ts";
import type { WorkflowInput } from "../src/config/schema.ts";
import type { EngineDeps } from "../src/engine/engine_types.ts";
import { MockChatModel, type MockChatModelOptions } from "../src/llm/mock_chat_model.ts";
import { priceCall } from "../src/tracking/pricing/price_call.ts";
import { MlflowTracker } from "../src/tracking/mlflow_tracker.ts";
import type { TraceSink } from "../src/tracking/trace_bundle.ts";

/** Options of {@linkcode linearWorkflow}. */
export interface LinearWorkflowOptions {
  /**
   * Flow name.
   *
   * @default {"bench_<nodes>_nodes"}
   */
  name?: string;
  /**
   * `config.execution.timeout` in seconds (a batch of thousands of runs shares no timeout; each
   * run has its own).
   *
   * @default {120}
   */
  timeoutSeconds?: number;
}

/**
 * A linear workflow of `nodes` LLM nodes: node `step_i` reads the topic and the previous
 * node's output and writes `out_i` (a string), priced as `openai/gpt-4o-mini`.
 *
 * @param nodes Number of nodes (at least 1).
 * @param options Name and timeout.
 * @returns The workflow, loaded (schema defaults applied, prompts inline).
 */
export function linearWorkflow(nodes: number, options: LinearWorkflowOptions = {}): LoadedWorkflow {
  const { name = `bench_${nodes}_nodes`, timeoutSeconds = 120 } = options;
  const fields: Record<string, { type: string; required?: boolean }> = {
    topic: { type: "str", required: true },
  };
  const nodeList: NonNullable<WorkflowInput["nodes"]> = [];
  const edges: NonNullable<WorkflowInput["edges"]> = [];
  for (let i = 1; i <= nodes; i++) {
    fields[`out_${i}`] = { type: "str" };
    const previous = i === 1 ? "" : ` Build on the previous step: {state.out_${i - 1}}`;
    nodeList.push({
      id: `step_${i}`,
      prompt: `Step ${i} of ${nodes}: write one sentence about {state.topic}.${previous}`,
      outputs: [`out_${i}`],
    });
    edges.push({ from: i === 1 ? "START" : `step_${i - 1}`, to: `step_${i}` });
  }
  edges.push({ from: `step_${nodes}`, to: "END" });
  return prepareWorkflow({
    schema_version: "1.0",
    flow: { name, version: "1" },
    state: { fields },
    nodes: nodeList,
    edges,
    config: {
      llm: { provider: "openai", model: "gpt-4o-mini" },
      execution: { timeout: timeoutSeconds, recursion_limit: nodes + 5 },
    },
  });
}

/**
 * A mock model factory whose every call waits `latencyMs` on a real timer.
 *
 * @param latencyMs Simulated latency of each call.
 * @returns A factory for `EngineDeps.createMockChatModel`.
 */
export function mockModelFactory(
  latencyMs: number,
): (options: MockChatModelOptions) => BaseChatModel {
  return (options) => new MockChatModel({ ...options, latencyMs });
}

/**
 * Engine deps for benchmarks: the real clock and timers, the bundled price table, no files and
 * no network, and a mock model of fixed latency (runs must pass `mock: true`).
 *
 * @param latencyMs Simulated latency of each model call.
 * @returns The deps.
 */
export function benchDeps(latencyMs: number): EngineDeps {
  return {
    createMockChatModel: mockModelFactory(latencyMs),
    price: priceCall,
    env: () => undefined,
    fetch: () => Promise.reject(new Error("No network in benchmarks")),
    readTextFile: () => Promise.reject(new Error("No files in benchmarks")),
    writeTextFile: () => Promise.reject(new Error("No files in benchmarks")),
    now: () => performance.timeOrigin + performance.now(),
  };
}

/** A tracker writing into a fresh SQLite database, and how to close it. */
export interface SqliteTracking {
  /** The tracker (it owns the delivery). */
  tracker: MlflowTracker;
  /** The database file. */
  path: string;
  /** Warnings of the delivery (a benchmark must see none: a warning means a spooled trace). */
  warnings: string[];
  /** Closes the tracker: flushes the delivery and closes the sink. */
  close(): Promise<void>;
}

/** Options of {@linkcode openSqliteTracking}. */
export interface OpenSqliteTrackingOptions {
  /**
   * Background delivery (`async_logging: true`) or written before `finish` resolves.
   *
   * @default {true}
   */
  async?: boolean;
  /**
   * `artifact_level` of the tracked runs.
   *
   * @default {"standard"}
   */
  artifactLevel?: "minimal" | "standard" | "full";
  /**
   * Opens the sink of the database file.
   *
   * @default {what `openSink` opens for a `sqlite:///` URI}
   */
  openSqliteSink?: (path: string) => TraceSink | Promise<TraceSink>;
}

/**
 * Opens a tracker that records into `<dir>/mlflow.db` (artifacts under `<dir>/mlruns`, spool in
 * `<dir>/.mlflow-spool`) the way a run does for a `sqlite:///` URI: an `MlflowTracker` with
 * its permission checks, its lazily opened sink, its journal and its queue.
 *
 * @param dir A directory (created when missing).
 * @param options Sync or async delivery, artifact level, sink.
 * @returns The tracking.
 */
export async function openSqliteTracking(
  dir: string,
  options: OpenSqliteTrackingOptions = {},
): Promise<SqliteTracking> {
  const { async = true, artifactLevel = "standard", openSqliteSink } = options;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/mlflow.db`;
  const trackingUri = `sqlite:///${path}`;
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const tracker = new MlflowTracker({
    trackingUri,
    experimentName: "bench",
    mlflow: { artifact_level: artifactLevel },
    async,
    spool: { dir: `${dir}/.mlflow-spool` },
    preflight: { artifactRoot: `${dir}/mlruns` },
    sinkOptions: {
      sqlite: { artifactRoot: `${dir}/mlruns` },
      ...(openSqliteSink ? { openSqliteSink } : {}),
    },
    warn,
  });
  return {
    tracker,
    path,
    warnings,
    close: () => tracker.close({ timeoutMs: 60_000 }),
  };
}
