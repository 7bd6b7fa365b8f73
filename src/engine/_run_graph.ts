/**
 * One run of a compiled workflow (`CompiledWorkflow.run`): the trace from start to finish (in
 * every outcome), the run timeout and cancellation, the initial state, the graph invocation,
 * and the result with its metadata.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { errorMessage, isWorkflowError, WorkflowError } from "../errors.ts";
import type { RunRecordIds, RunTrace } from "../tracking/tracer.ts";
import { createAbortScope, defaultSetTimer, raceAbort } from "./_abort_scope.ts";
import { declaredState, type WorkflowGraph } from "./_workflow_graph.ts";
import { ensureLangsmithOffline } from "../llm/ensure_langsmith_offline.ts";
import { attachRunningNode } from "./_node_errors.ts";
import { prepareModels } from "./_node_models.ts";
import { NOOP_TRACER } from "./_noop_tracer.ts";
import { runConfigurable, type RunContext } from "./_node_plan.ts";
import { RunBudget } from "./_run_budget.ts";
import { UsageTally } from "./_usage_tally.ts";
import type {
  EngineDeps,
  EngineEvent,
  LoopEnd,
  NodeExecution,
  RunOptions,
  RunResult,
  RunStatus,
} from "./engine_types.ts";
import { initialState } from "./state_model.ts";
import { stopReasonOf, withStopReason } from "./stop_reason.ts";

/** A workflow with its graph and collaborators: what `runWorkflowGraph` runs. */
export interface GraphRun {
  /** The validated workflow. */
  readonly loaded: LoadedWorkflow;
  /** Its graph. */
  readonly graph: WorkflowGraph;
  /** The collaborators of its runs. */
  readonly deps: EngineDeps;
}

/**
 * Runs a compiled workflow once.
 *
 * @param compiled The workflow, its graph and collaborators.
 * @param inputs The run's inputs.
 * @param options Tracer, mock mode, seed, signal, events.
 * @returns The final state and metadata.
 * @throws {WorkflowError} What stopped the run, with its phase and node id.
 */
export async function runWorkflowGraph(
  compiled: GraphRun,
  inputs: Readonly<Record<string, unknown>>,
  options: RunOptions,
): Promise<RunResult> {
  checkOptions(inputs, options);
  const { loaded, graph, deps } = compiled;
  const { tracer = NOOP_TRACER, mock = false, seed = 0, signal, onEvent } = options;
  const { config } = loaded;
  const { execution, llm } = config.config;
  const emit = (event: EngineEvent) => {
    try {
      onEvent?.(event);
    } catch {
      // A progress listener must not break the run.
    }
  };
  const started = deps.now();
  const trace = tracer.startRun({
    workflowName: config.flow.name,
    workflowVersion: config.flow.version,
    nodeCount: config.nodes.length,
    provider: llm.provider,
    model: llm.model,
    schemaVersion: config.schema_version,
    inputs: { ...inputs },
    ...(loaded.registryPrompts
      ? {
        prompts: Object.entries(loaded.registryPrompts).map(([nodeId, use]) => ({
          nodeId,
          ...use,
        })),
      }
      : {}),
  });
  emit({ type: "run_started", workflowName: config.flow.name, nodeCount: config.nodes.length });
  const tally = new UsageTally();
  const executions: NodeExecution[] = [];
  const loops: LoopEnd[] = [];
  const setTimer = deps.setTimer ?? defaultSetTimer;
  const running: string[] = [];
  const scope = createAbortScope({
    parent: signal,
    parentReason: () => whileRunning(cancelled(), running),
    timeoutMs: execution.timeout * 1000,
    timeoutReason: () => whileRunning(runTimeout(execution.timeout), running),
    setTimer,
  });
  const finished = (status: RunStatus, ids: RunRecordIds, stopReason?: string) => {
    const durationMs = deps.now() - started;
    emit({
      type: "run_finished",
      status,
      durationMs,
      usage: tally.usage,
      costUsd: tally.costUsd,
      ...(stopReason === undefined ? {} : { stopReason }),
      ...(ids.traceId === undefined ? {} : { traceId: ids.traceId }),
    });
    return durationMs;
  };
  try {
    const state0 = initialState(graph.state, inputs);
    ensureLangsmithOffline();
    const run: RunContext = {
      deps,
      trace,
      budget: new RunBudget(execution.budget, tally),
      tally,
      signal: scope.signal,
      mock,
      seed,
      setTimer,
      executions,
      loops,
      running,
      models: new Map(),
      emit,
    };
    await raceAbort(prepareModels(graph.plans.values(), run), scope.signal);
    const values = await raceAbort(
      graph.langGraph.invoke(state0, {
        signal: scope.signal,
        recursionLimit: execution.recursion_limit,
        configurable: runConfigurable(run),
        onStep: (nodeIds, current) => {
          const snapshot = declaredState(graph.state, current);
          for (const nodeId of new Set(nodeIds)) trace.snapshot(nodeId, snapshot);
        },
      }),
      scope.signal,
    );
    const state = declaredState(graph.state, values);
    const ids = await finishTrace(trace, { status: "success", outputs: state });
    const durationMs = finished("success", ids);
    return {
      state,
      metadata: {
        status: "success",
        durationMs,
        usage: tally.usage,
        costUsd: tally.costUsd,
        costComplete: tally.costComplete,
        knownCostUsd: tally.knownCostUsd,
        ...(ids.traceId === undefined ? {} : { traceId: ids.traceId }),
        ...(ids.runId === undefined ? {} : { runId: ids.runId }),
        nodeExecutions: executions,
        loops,
      },
    };
  } catch (thrown) {
    const error = runError(thrown, scope.signal, execution.recursion_limit);
    const reason = stopReasonOf(error);
    const status: RunStatus = error.code === "CANCELLED" ? "cancelled" : "failed";
    const ids = await finishTrace(trace, { status, error, reason });
    finished(status, ids, reason);
    throw error;
  } finally {
    scope.dispose();
  }
}

async function finishTrace(
  trace: RunTrace,
  end: Parameters<RunTrace["finish"]>[0],
): Promise<RunRecordIds> {
  try {
    return await trace.finish(end);
  } catch {
    // Tracking problems never fail a run; the tracer reports them itself.
    return { traceId: trace.traceId, runId: undefined };
  }
}

function checkOptions(inputs: unknown, options: RunOptions): void {
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    throw new TypeError(
      `Cannot run the workflow as inputs must be an object: got ${
        Array.isArray(inputs) ? "a list" : String(inputs)
      }`,
    );
  }
  const { seed } = options ?? {};
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new RangeError(
      `Cannot run the workflow as the seed must be a finite number: got "${seed}"`,
    );
  }
}

function runError(thrown: unknown, signal: AbortSignal, recursionLimit: number): WorkflowError {
  if (isWorkflowError(thrown)) return thrown;
  if (signal.aborted && isWorkflowError(signal.reason)) return signal.reason;
  if (thrown instanceof Error && thrown.name === "GraphRecursionError") {
    return withStopReason(
      new WorkflowError(
        "NODE_FAILED",
        `Cannot finish the run as it took more than ${recursionLimit} steps (config.execution.recursion_limit) without reaching END`,
        {
          phase: "execute",
          hint: "Raise config.execution.recursion_limit, or check that loops and routes can end",
          cause: thrown,
        },
      ),
      "recursion_limit",
    );
  }
  const message = errorMessage(thrown);
  return new WorkflowError("NODE_FAILED", `Cannot finish the run as ${message}`, {
    phase: "execute",
    cause: thrown,
  });
}

/** Names the node that was running when the run stopped (the first, when several were). */
function whileRunning(error: WorkflowError, running: readonly string[]): WorkflowError {
  const [nodeId] = running;
  if (nodeId === undefined) return error;
  return attachRunningNode(error, nodeId);
}

function cancelled(): WorkflowError {
  return new WorkflowError("CANCELLED", "Cannot finish the run as it was cancelled", {
    phase: "execute",
  });
}

function runTimeout(seconds: number): WorkflowError {
  return withStopReason(
    new WorkflowError(
      "TIMEOUT",
      `Cannot finish the run as it ran longer than its timeout of ${seconds} s`,
      { phase: "execute", hint: "Raise config.execution.timeout" },
    ),
    "run_timeout",
  );
}
