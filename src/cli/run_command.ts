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
import type { EngineEvent, RunResult } from "../engine/engine_types.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { CliIO } from "./io.ts";
import type { RunOptions } from "./options.ts";
import { formatDiagnosticLine, renderError } from "./render_error.ts";
import { UsageError } from "./usage_error.ts";
import { parseInputAssignments, readInputFile, suggestInputFixes } from "./_run_inputs.ts";
import {
  formatCost,
  formatDuration,
  formatTokens,
  paint,
  renderState,
  roundCosts,
} from "./_run_format.ts";
import { RunProgress } from "./_run_progress.ts";
import { exitCodeOf } from "./_exit_code.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import { loadToolModules } from "./_tool_modules.ts";
import { checkRunModeFlags, readRunModeFlags } from "./_run_mode_flags.ts";
import { interrupted, runOptions, type Session } from "./_run_session.ts";
import { runJsonl } from "./_batch_command.ts";

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
  checkBatchOptions(options, inputFile?.kind === "jsonl");

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
  const progress = new RunProgress({
    write: (text) => io.stderr(text),
    paint: p,
    live: io.isTerminal,
    labelWidth: labelWidth(loaded),
  });
  const batch = inputFile?.kind === "jsonl";
  const session: Session = {
    io,
    options,
    runtime,
    loaded,
    priceTable,
    paint: p,
    progress,
    say: (text) => progress.line(text),
    controller: new AbortController(),
    stopper: new AbortController(),
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
    session.say(formatDiagnosticLine(warning, { color: io.color }));
  }
  const removeSignalHandler = io.onSignal((signal) => {
    if (session.interruptedBy) {
      // A second signal cancels the runs a batch was letting finish.
      if (!batch || session.controller.signal.aborted) return;
      session.controller.abort();
      session.say(p.yellow("Cancelling the runs in flight and recording their traces…"));
      return;
    }
    session.interruptedBy = signal;
    if (batch) {
      session.stopper.abort();
      session.say(
        p.yellow(
          `Stopping: no new records start; the runs in flight finish (${signal} again cancels them)…`,
        ),
      );
      return;
    }
    session.controller.abort();
    session.say(p.yellow("Interrupting: stopping the run and recording its trace…"));
  });
  try {
    return inputFile?.kind === "jsonl"
      ? await runJsonl(session, inputFile.path, assigned)
      : await runOnce(session, { ...inputFile?.inputs, ...assigned });
  } finally {
    removeSignalHandler();
  }
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

/** `--output`, `--resume` and `--shard` belong to a batch; `--resume` continues an `--output`. */
function checkBatchOptions(options: RunOptions, batch: boolean): void {
  const flag = options.output !== undefined
    ? "--output"
    : options.resume
    ? "--resume"
    : options.shard !== undefined
    ? "--shard"
    : undefined;
  if (flag !== undefined && !batch) {
    throw new UsageError(`Cannot use ${flag} as the inputs are not a JSONL batch`, {
      hint: "give the records as --input-file items.jsonl, one JSON object per line",
    });
  }
  if (options.traceparent !== undefined && batch) {
    throw new UsageError(
      "Cannot use --traceparent with a JSONL batch as each record is a trace of its own",
      {
        hint:
          "leave --traceparent out, or run one record at a time to nest it under the caller's span",
      },
    );
  }
  if (options.resume && options.output === undefined) {
    throw new UsageError("Cannot use --resume as there is no --output to resume", {
      hint: "give the results file of the batch to continue: --output results.jsonl --resume",
    });
  }
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
