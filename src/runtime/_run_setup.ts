/**
 * What every run needs before it starts: the options checked, the workflow loaded (a path is
 * validated against the registry's tools and the price table) with its registry prompts
 * looked up, the tool registry, the prices and the engine's collaborators.
 *
 * @module
 */
import { loadWorkflow } from "../config/load_workflow.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { EngineDeps, RunDeps } from "../engine/engine_types.ts";
import { MockChatModel } from "../llm/mock_chat_model.ts";
import { MAX_MOCK_LATENCY_MS } from "../llm/mock_latency.ts";
import { type RateLimiter, RateLimits, withRateLimit } from "../llm/rate_limits.ts";
import { createToolRegistry, type ToolRegistry } from "../tools/tool_registry.ts";
import { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
import { priceCall } from "../tracking/pricing/price_call.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";
import type { Tracer } from "../tracking/tracer.ts";
import { parseTraceparent, type TraceContext } from "../tracking/trace_context.ts";
import { errorMessage } from "../errors.ts";
import {
  isMlflowSchemaChoice,
  MLFLOW_SCHEMA_CHOICES,
} from "../tracking/sqlite/mlflow_schema_choice.ts";
import { denoEngineDeps, denoWarn } from "./deno_deps.ts";
import { createWorkflowTracker } from "./workflow_tracker.ts";
import type { MlflowTracker } from "../tracking/mlflow_tracker.ts";
import type { StartGroupRunOptions } from "../tracking/tracker_options.ts";
import type { RunWorkflowOptions } from "./run_options.ts";
import { workflowValidationHooks } from "./workflow_validation_hooks.ts";
import { resolveWorkflowPrompts } from "./resolve_workflow_prompts.ts";

/**
 * The rate limits of the process: every run that is not given its own limiter paces its calls
 * here, so that concurrent runs (a batch, or several `runWorkflow` calls) share each model's
 * limit.
 */
const PROCESS_RATE_LIMITS = new RateLimits();

/** A run ready to start. */
export interface RunSetup {
  /** The workflow. */
  readonly loaded: LoadedWorkflow;
  /** The engine's collaborators. */
  readonly deps: EngineDeps;
}

/**
 * Checks the options, then loads the workflow and builds the engine's collaborators.
 *
 * @param workflow A loaded workflow or the path of a workflow file.
 * @param options The run's options.
 * @returns The workflow and its collaborators.
 * @throws {TypeError} A malformed option.
 * @throws {RangeError} A seed or mock latency that is not a finite number (latency below 0), an
 * `mlflowSchema` that is not a release line new files are created for, or a rate limit that is
 * not a positive number.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` or `CONFIG_INVALID` for the file or the
 * `CONFIGURABLE_AGENTS_PRICES` price file; `PROMPT_NOT_FOUND`, `CONFIG_INVALID`,
 * `TRACKING_UNAVAILABLE` or `PERMISSION_DENIED` for a registry prompt a node names.
 */
export async function prepareRun(
  workflow: LoadedWorkflow | string,
  options: Omit<RunWorkflowOptions, "onEvent">,
): Promise<RunSetup> {
  checkOptions(options);
  const { tools = [], mockLatencyMs = 0, signal } = options;
  const overrides = options.deps ?? {};
  const base = denoEngineDeps({
    ...(overrides.env ? { env: overrides.env } : {}),
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  const readTextFile = overrides.readTextFile ?? base.readTextFile;
  const priceTable = options.priceTable ??
    await loadPriceTableFromEnv({ env: base.env, readTextFile });
  const registry = createToolRegistry({ tools });
  const named = typeof workflow === "string"
    ? await loadForRun(workflow, { registry, priceTable, readTextFile, signal })
    : workflow;
  // Registry prompts are looked up here, once: a batch shares one lookup for all its runs.
  const loaded = await resolveWorkflowPrompts(named, {
    registry: options.promptRegistry,
    trackingUri: options.trackingUri,
    env: base.env,
    cwd: overrides.cwd ?? base.cwd,
    signal,
  });
  const deps: EngineDeps = {
    ...base,
    tools: registry,
    price: (pricedAs, usage) => priceCall(pricedAs, usage, priceTable),
    ...(options.mockAnswers ? { mockAnswers: options.mockAnswers } : {}),
    ...(mockLatencyMs > 0
      ? {
        createMockChatModel: (mockOptions) =>
          new MockChatModel({ ...mockOptions, latencyMs: mockLatencyMs }),
      }
      : {}),
    ...definedOnly(overrides),
  };
  const limiter: RateLimiter = deps.rateLimits ?? PROCESS_RATE_LIMITS;
  deps.rateLimits = options.rateLimit ? withRateLimit(limiter, options.rateLimit) : limiter;
  return { loaded, deps };
}

/** What {@linkcode loadForRun} validates against. */
export interface LoadForRunOptions {
  /** The tools that exist. */
  registry: ToolRegistry;
  /** The prices that exist. */
  priceTable: PriceTable;
  /** Reads the workflow and its prompt files. */
  readTextFile: (path: string) => Promise<string>;
  /** Stops the load. */
  signal?: AbortSignal | undefined;
  /** Reads the endpoint variables that validation checks (none are read when absent). */
  env?: ((name: string) => string | undefined) | undefined;
}

/**
 * Loads and validates a workflow file against the registry's tools (names and settings) and
 * the price table, as `validate` does.
 *
 * @param path The workflow file.
 * @param options Tools, prices, file reader and signal.
 * @returns The workflow.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` or `CONFIG_INVALID`.
 */
export function loadForRun(path: string, options: LoadForRunOptions): Promise<LoadedWorkflow> {
  const { registry, priceTable, readTextFile, signal, env } = options;
  return loadWorkflow(path, {
    readTextFile,
    signal,
    ...workflowValidationHooks(registry, priceTable, env),
  });
}

/** The tracer of a run and, when the runtime opened it, the tracker to close afterwards. */
export interface RunTracker {
  /** What the engine records through; `undefined` for no tracking. */
  readonly tracer: Tracer | undefined;
  /** The tracker the runtime opened (close it with `closeInBackground`). */
  readonly opened: MlflowTracker | undefined;
}

/**
 * The tracer of a run: the caller's own, none for `tracker: false`, or a tracker opened when
 * tracking is on.
 *
 * @param loaded The workflow.
 * @param deps Its collaborators (environment and working directory).
 * @param options The run's options.
 * @returns The tracer, and the tracker when one was opened.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for an unsupported tracking URI.
 */
export async function trackerForRun(
  loaded: LoadedWorkflow,
  deps: EngineDeps,
  options:
    & Pick<
      RunWorkflowOptions,
      "tracker" | "trackingUri" | "warn" | "traceparent" | "mlflowSchema" | "runPerExecution"
    >
    & {
      sqliteWorker?: boolean;
      /**
       * Every run a trace of its own (batches, evaluations): no `TRACEPARENT`, no caller's
       * active span, since records nested under one parent would share its trace.
       */
      ownTraces?: boolean;
    },
): Promise<RunTracker> {
  const { tracker } = options;
  if (tracker !== undefined) return { tracer: tracker || undefined, opened: undefined };
  const warn = options.warn ?? denoWarn;
  const parent = options.ownTraces
    ? () => undefined
    : remoteParent(options.traceparent, deps.env, warn);
  const opened = await createWorkflowTracker(loaded, {
    trackingUri: options.trackingUri,
    env: deps.env,
    warn,
    cwd: deps.cwd,
    sqliteWorker: options.sqliteWorker,
    runPerExecution: options.runPerExecution,
    readTextFile: deps.readTextFile,
    ...(parent ? { parent } : {}),
    ...(options.mlflowSchema === undefined
      ? {}
      : { sinkOptions: { sqlite: { mlflowSchema: options.mlflowSchema } } }),
  });
  return { tracer: opened, opened };
}

/**
 * The span a run nests under: the `traceparent` option (a bad one throws), else the
 * `TRACEPARENT` variable (a bad one is warned about and left out).
 */
function remoteParent(
  traceparent: string | undefined,
  env: (name: string) => string | undefined,
  warn: (message: string) => void,
): TraceContext | undefined {
  if (traceparent !== undefined) return parseTraceparent(traceparent);
  const inherited = env("TRACEPARENT");
  if (!inherited) return undefined;
  try {
    return parseTraceparent(inherited);
  } catch (error) {
    warn(`${errorMessage(error)}: the run does not nest under TRACEPARENT`);
    return undefined;
  }
}

function checkOptions(options: Omit<RunWorkflowOptions, "onEvent">): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Cannot run the workflow as its options are not an object: got "${options}"`,
    );
  }
  const { seed, mockLatencyMs, tools, traceparent, rateLimit } = options;
  if (traceparent !== undefined) parseTraceparent(traceparent);
  for (const [name, value] of [["rpm", rateLimit?.rpm], ["tpm", rateLimit?.tpm]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(
        `Cannot run the workflow as rateLimit.${name} must be a positive number: got "${value}"`,
      );
    }
  }
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new RangeError(
      `Cannot run the workflow as the seed is not a finite number: got "${seed}"`,
    );
  }
  if (
    mockLatencyMs !== undefined &&
    !(Number.isFinite(mockLatencyMs) && mockLatencyMs >= 0 && mockLatencyMs <= MAX_MOCK_LATENCY_MS)
  ) {
    throw new RangeError(
      `Cannot run the workflow as mockLatencyMs must be from 0 to ${MAX_MOCK_LATENCY_MS} milliseconds: got "${mockLatencyMs}"`,
    );
  }
  if (tools !== undefined && !Array.isArray(tools)) {
    throw new TypeError("Cannot run the workflow as tools must be a list of tools");
  }
  const { mlflowSchema } = options;
  if (mlflowSchema !== undefined && !isMlflowSchemaChoice(mlflowSchema)) {
    throw new RangeError(
      `Cannot run the workflow as mlflowSchema "${mlflowSchema}" is not one of ${
        MLFLOW_SCHEMA_CHOICES.map((choice) => `"${choice}"`).join(", ")
      }`,
    );
  }
}

/** The overrides that are set, so that `{ env: undefined }` keeps the default. */
function definedOnly(overrides: Partial<RunDeps>): Partial<RunDeps> {
  return Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as Partial<RunDeps>;
}

/**
 * What the MLflow run of a batch or an evaluation says of its workflow.
 *
 * @param loaded The workflow.
 * @returns Name, version, provider, model, node count and schema version.
 */
export function groupRunWorkflow(loaded: LoadedWorkflow): StartGroupRunOptions["workflow"] {
  const { flow, nodes, config, schema_version } = loaded.config;
  return {
    workflowName: flow.name,
    workflowVersion: flow.version,
    provider: config.llm.provider,
    model: config.llm.model,
    nodeCount: nodes.length,
    schemaVersion: schema_version,
  };
}
