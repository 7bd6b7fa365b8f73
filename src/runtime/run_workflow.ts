/**
 * `runWorkflow`: the library's way to run a workflow file or a loaded workflow, with Deno's
 * I/O, the bundled prices and MLflow tracking composed in.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { compileWorkflow } from "../engine/compile_workflow.ts";
import type { RunResult } from "../engine/engine_types.ts";
import { closeInBackground } from "./flush_tracking.ts";
import { prepareRun, trackerForRun } from "./_run_setup.ts";
import type { RunWorkflowOptions } from "./run_options.ts";

/**
 * Runs a workflow once and returns its final state (plain JSON, every declared field) with
 * the run's metadata (status, duration, token usage, cost, trace and run ids, node
 * executions).
 *
 * A path is loaded and validated first (your `tools` count as known names; models missing
 * from the price table are warnings). Calls are priced with the bundled table, or the one
 * `CONFIGURABLE_AGENTS_PRICES` names. When tracking is on (a `trackingUri`, or the workflow's
 * `mlflow.enabled`), the run is recorded in MLflow: with `async_logging` (the default) the
 * trace is queued and this function returns without waiting for the export, which finishes
 * in the background while the process lives (`await flushTracking()` before a script exits
 * early); with `async_logging: false` the trace and run are written before it returns and
 * `metadata.runId` is set. Tracking problems never fail the run: they are warned about and the
 * trace is spooled.
 *
 * @example Usage
 * ```ts
 * import { runWorkflow } from "@configurable-agents/core";
 * const dir = await Deno.makeTempDir();
 * const file = `${dir}/hello.yaml`;
 * await Deno.writeTextFile(file, `
 * schema_version: "1.0"
 * flow: { name: hello }
 * state:
 *   fields:
 *     name: { type: str, required: true }
 *     greeting: { type: str }
 * nodes:
 *   - { id: greet, prompt: "Greet {state.name} warmly", outputs: [greeting] }
 * edges:
 *   - { from: START, to: greet }
 *   - { from: greet, to: END }
 * `);
 * const result = await runWorkflow(file, { name: "Ada" }, { mock: true, tracker: false });
 * if (typeof result.state.greeting !== "string" || result.metadata.status !== "success") {
 *   throw new Error();
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param workflow A loaded workflow, or the path of a workflow file (YAML or JSON).
 * @param inputs The run's inputs by state field. @default {}
 * @param options Mock mode, seed, signal, progress events, tools, tracking, deps and prices.
 * @returns The final state and the run's metadata.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` or `CONFIG_INVALID` (phase `load`/`validate`)
 * for the file or for tools the run lacks, `INPUT_INVALID` (phase `input`), or
 * what stopped the run in phase `execute` with the node id (`LLM_REQUEST_FAILED`,
 * `LLM_OUTPUT_INVALID`, `TOOL_FAILED`, `TIMEOUT`, `BUDGET_EXCEEDED`, `CANCELLED`,
 * `MISSING_CREDENTIALS`, `NODE_FAILED`); `TRACKING_UNAVAILABLE` for a tracking URI that is
 * neither sqlite nor http(s).
 * @throws {TypeError} Malformed options or inputs.
 * @throws {RangeError} A seed or mock latency that is not a finite number, or an unknown
 * `mlflowSchema`.
 */
export async function runWorkflow(
  workflow: LoadedWorkflow | string,
  inputs: Readonly<Record<string, unknown>> = {},
  options: RunWorkflowOptions = {},
): Promise<RunResult> {
  const { loaded, deps } = await prepareRun(workflow, options);
  const { mock = false, seed = 0, signal, onEvent } = options;
  const { tracer, opened } = await trackerForRun(loaded, deps, options);
  try {
    return await compileWorkflow(loaded, deps).run(inputs, {
      mock,
      seed,
      ...(tracer ? { tracer } : {}),
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
  } finally {
    if (opened) await closeInBackground(opened);
  }
}
