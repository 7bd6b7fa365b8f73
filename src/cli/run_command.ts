/**
 * `run <file>`: runs a workflow once, or once per line of a JSONL batch, with live progress,
 * the final state (or JSON), MLflow tracking and clean interruption.
 *
 * Exit codes: 0 success; 1 a run failed (in a batch: any item); 2 the workflow, the inputs or
 * the flags are invalid (in a batch: any line that is not valid inputs); 130 interrupted by
 * SIGINT, 143 stopped by SIGTERM.
 *
 * @module
 */
import { isWorkflowError } from "../errors.ts";
import type { EngineEvent, RunResult } from "../engine/engine_types.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { BatchOutcome, BatchSummary } from "../runtime/run_batch.ts";
import type { RunWorkflowOptions } from "../runtime/run_options.ts";
import { type CliIO, isStdoutClosed } from "./io.ts";
import type { RunOptions } from "./options.ts";
import { formatDiagnosticLine, renderError } from "./render_error.ts";
import {
  inputFileError,
  parseInputAssignments,
  readInputFile,
  suggestInputFixes,
} from "./_run_inputs.ts";
import {
  formatCost,
  formatDuration,
  formatTokens,
  type Paint,
  paint,
  renderState,
  roundCosts,
} from "./_run_format.ts";
import { RunProgress } from "./_run_progress.ts";
import { exitCodeOf, signalExitCode } from "./_exit_code.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import type { TrackingDestination } from "../tracking/tracking_destination.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";
import { loadToolModules } from "./_tool_modules.ts";
import { checkRunModeFlags, readRunModeFlags, runModeSettings } from "./_run_mode_flags.ts";
import type { MockAnswers } from "../engine/mock_answers.ts";
import type { Tool } from "../tools/tool.ts";

type Runtime = typeof import("./_runtime_entry.ts");

/** What one invocation shares: output, styling, warnings, progress and the interrupt. */
interface Session {
  readonly io: CliIO;
  readonly options: RunOptions;
  readonly runtime: Runtime;
  readonly loaded: LoadedWorkflow;
  /** The prices of every run (loaded once). */
  readonly priceTable: PriceTable;
  readonly paint: Paint;
  readonly progress: RunProgress;
  readonly controller: AbortController;
  readonly warned: Set<string>;
  /** Where runs are recorded (resolved once, here), `undefined` when they are not. */
  readonly destination: TrackingDestination | undefined;
  /** The signal that interrupted the run, once one has. */
  interruptedBy: "SIGINT" | "SIGTERM" | undefined;
  readonly tools: readonly Tool[];
  readonly mockAnswers: MockAnswers | undefined;
}

/**
 * Runs `run`.
 *
 * @param file The workflow file.
 * @param options Inputs, batch, mock, seed, output and tracking flags.
 * @param io The outside world.
 * @returns The exit code.
 * @throws {UsageError} A bad `-i`, `--input-file`, `--tracking-uri` or flag combination.
 * @throws {WorkflowError} The workflow cannot be loaded or is invalid (exit 2).
 */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const assigned = parseInputAssignments(options.input);
  const inputFile = options.inputFile === undefined
    ? undefined
    : await readInputFile(options.inputFile, io);
  const explicitDestination = parseTrackingUriOption(options.trackingUri);
  checkRunModeFlags(options);

  const tools = await loadToolModules(options.tools, io);
  const runtime = await import("./_runtime_entry.ts");
  const deps = {
    env: (name: string) => io.env(name),
    readTextFile: (path: string, options?: { maxBytes?: number | undefined }) =>
      io.readTextFile(path, options),
  };
  // Loaded once: it decides the unpriced-model warnings and prices every run.
  const priceTable = await runtime.loadPriceTableFromEnv(deps);
  const loaded = await runtime.loadRunnableWorkflow(file, { deps, priceTable, tools });
  const mockAnswers = await readRunModeFlags(options, loaded, io);
  const p = paint(io.color);
  const session: Session = {
    io,
    options,
    runtime,
    loaded,
    priceTable,
    paint: p,
    progress: new RunProgress({
      write: (text) => io.stderr(text),
      paint: p,
      live: io.isTerminal,
      labelWidth: labelWidth(loaded),
    }),
    controller: new AbortController(),
    warned: new Set(),
    destination: runtime.resolveTrackingDestination(loaded.config.config.observability?.mlflow, {
      trackingUri: explicitDestination,
      tracking: options.tracking,
      env: (name) => io.env(name),
    }),
    interruptedBy: undefined,
    tools,
    mockAnswers,
  };
  for (const warning of loaded.warnings) {
    session.progress.line(formatDiagnosticLine(warning, { color: io.color }));
  }
  const removeSignalHandler = io.onSignal((signal) => {
    if (session.interruptedBy) return;
    session.interruptedBy = signal;
    session.controller.abort();
    session.progress.line(p.yellow("Interrupting: stopping the run and recording its trace…"));
  });
  try {
    return inputFile?.kind === "jsonl"
      ? await runJsonl(session, inputFile.path, assigned)
      : await runOnce(session, { ...inputFile?.inputs, ...assigned });
  } finally {
    removeSignalHandler();
  }
}

/** The options every run of this invocation gets. */
function runOptions(session: Session): RunWorkflowOptions {
  const { io, options, progress } = session;
  return {
    ...runModeSettings(options, session.mockAnswers),
    signal: session.controller.signal,
    ...(session.destination ? { trackingUri: session.destination } : { tracker: false }),
    priceTable: session.priceTable,
    tools: session.tools,
    deps: { env: (name: string) => io.env(name), cwd: io.cwd() },
    warn: (message: string) => {
      if (session.warned.has(message)) return;
      session.warned.add(message);
      progress.line(`${session.paint.yellow("warning")}: ${message}`);
    },
  };
}

async function runOnce(session: Session, inputs: Record<string, unknown>): Promise<number> {
  const { io, options, runtime, progress } = session;
  const showProgress = io.isTerminal || !options.json;
  let result: RunResult | undefined;
  let failure: unknown;
  // A run that fails or is interrupted has a trace too: its id comes with the last event.
  let traceId: string | undefined;
  const onEvent = (event: EngineEvent) => {
    if (event.type === "run_finished") traceId = event.traceId;
    if (showProgress) progress.onEvent(event);
  };
  try {
    result = await runtime.runWorkflow(session.loaded, inputs, { ...runOptions(session), onEvent });
  } catch (error) {
    failure = error;
  }
  progress.finish();
  await runtime.flushTracking();
  if (session.interruptedBy) {
    const code = interrupted(session, session.interruptedBy);
    printRecorded(session, traceId);
    return code;
  }
  if (result === undefined) {
    const error = suggestInputFixes(failure, options.input, fieldTypes(session.loaded));
    io.stderr(renderError(error, { verbose: options.verbose, color: io.color }));
    printRecorded(session, traceId);
    return exitCodeOf(error);
  }
  if (options.json) {
    const output = { state: result.state, metadata: result.metadata };
    io.stdout(JSON.stringify(output, roundCosts, 2) + "\n");
    return 0;
  }
  io.stdout(renderState(result.state, session.paint));
  progress.line(summaryLine(session, result));
  printRecorded(session, result.metadata.traceId);
  return 0;
}

async function runJsonl(
  session: Session,
  path: string,
  overrides: Record<string, unknown>,
): Promise<number> {
  const { io, options, runtime, progress, paint: p } = session;
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = io.openReadable
      ? await io.openReadable(path)
      : new Blob([await io.readTextFile(path)]).stream();
  } catch (error) {
    throw inputFileError(path, error);
  }
  const started = performance.now();
  let summary: BatchSummary;
  try {
    summary = await runtime.runBatch(
      session.loaded,
      runtime.readJsonLines(stream, { overrides }),
      {
        ...runOptions(session),
        concurrency: options.concurrency,
        onResult: (outcome) => {
          io.stdout(JSON.stringify(batchLine(outcome), roundCosts) + "\n");
          if (!outcome.ok && !options.json) {
            progress.line(`${p.red("✗")} line ${outcome.line}: ${outcome.error.message}`);
          }
        },
      },
    );
  } catch (error) {
    if (isStdoutClosed(error)) throw error;
    io.stderr(renderError(error, { verbose: options.verbose, color: io.color }));
    return exitCodeOf(error);
  } finally {
    await runtime.flushTracking();
  }
  if (session.interruptedBy) return interrupted(session, session.interruptedBy);
  if (!options.json || io.isTerminal) {
    const parts = [
      `${summary.items} ${summary.items === 1 ? "item" : "items"}`,
      `${summary.succeeded} succeeded`,
      `${summary.failed} failed${summary.invalid ? ` (${summary.invalid} invalid)` : ""}`,
      formatDuration(performance.now() - started),
      formatTokens(summary.usage.total_tokens),
      formatCost(summary.costUsd),
    ];
    const mark = summary.failed ? p.red("✗") : p.green("✓");
    progress.line(`${mark} Batch of ${session.loaded.config.flow.name}: ${parts.join(" · ")}`);
  }
  return summary.invalid ? 2 : summary.failed ? 1 : 0;
}

/** One line of batch output: the outcome with its line number. */
function batchLine(outcome: BatchOutcome): Record<string, unknown> {
  if (outcome.ok) {
    const { state, metadata } = outcome.result;
    return { line: outcome.line, status: "success", state, metadata };
  }
  const { error } = outcome;
  return {
    line: outcome.line,
    status: "failed",
    error: {
      message: error.message,
      ...(isWorkflowError(error)
        ? {
          code: error.code,
          phase: error.phase,
          ...(error.nodeId ? { nodeId: error.nodeId } : {}),
          ...(error.hint ? { hint: error.hint } : {}),
        }
        : { name: error.name }),
    },
  };
}

function summaryLine(session: Session, result: RunResult): string {
  const { metadata } = result;
  const p = session.paint;
  const cost = metadata.costUsd === undefined && metadata.knownCostUsd > 0
    ? `cost unknown (${formatCost(metadata.knownCostUsd)} for the priced calls)`
    : formatCost(metadata.costUsd);
  const tokens = `${formatTokens(metadata.usage.total_tokens)} (${
    metadata.usage.input_tokens.toLocaleString("en-US")
  } in, ${metadata.usage.output_tokens.toLocaleString("en-US")} out)`;
  const estimate = session.options.mock
    ? p.dim(" · mock run, priced as the workflow's models")
    : "";
  return `${p.green("✓")} Finished in ${
    formatDuration(metadata.durationMs)
  } · ${tokens} · ${cost}${estimate}`;
}

/** Says where the run's trace was recorded, unless tracking warned that it was not. */
function printRecorded(session: Session, traceId: string | undefined): void {
  const trackingUri = session.destination?.uri;
  if (trackingUri === undefined || traceId === undefined || session.warned.size > 0) return;
  const view = session.destination?.kind === "sqlite"
    ? `; see it with: traces show ${traceId} --tracking-uri ${trackingUri}, or mlflow ui --backend-store-uri ${trackingUri}`
    : "";
  session.progress.line(session.paint.dim(`Trace ${traceId} recorded in ${trackingUri}${view}`));
}

function interrupted(session: Session, signal: "SIGINT" | "SIGTERM"): number {
  session.progress.line(session.paint.red(`Interrupted by ${signal}`));
  return signalExitCode(signal);
}

/** The declared type of each state field. */
function fieldTypes(loaded: LoadedWorkflow): Record<string, string> {
  return Object.fromEntries(
    Object.entries(loaded.config.state.fields).map(([name, field]) => [name, field.type]),
  );
}

/** The node column: the longest node id, with room for `[i]` after a parallel target's. */
function labelWidth(loaded: LoadedWorkflow): number {
  const { nodes, edges } = loaded.config;
  const targets = new Set(
    edges.flatMap((edge) => edge.parallel ? [edge.parallel.target_node] : []),
  );
  return Math.max(...nodes.map((node) => node.id.length + (targets.has(node.id) ? 3 : 0)));
}
