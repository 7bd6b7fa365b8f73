/**
 * `evaluate <workflow> --dataset <file>`: runs a workflow over a dataset, scores every run,
 * records the evaluation in MLflow and reports per record and per scorer.
 *
 * Exit codes: 0 every run succeeded and every `--fail-under` threshold holds; 1 a threshold
 * failed or a run failed; 2 the workflow, the dataset, the scorers or the flags are invalid
 * (a record the workflow rejects is reported with its line, and the others still run);
 * 130/143 interrupted.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { checkFailUnder, parseFailUnder } from "../evaluation/fail_under.ts";
import type { FailUnderOutcome } from "../evaluation/fail_under.ts";
import type { EvaluationResult } from "../runtime/evaluate_workflow.ts";
import type { TrackingDestination } from "../tracking/tracking_destination.ts";
import { type CliIO, isStdoutClosed } from "./io.ts";
import type { EvaluateOptions } from "./options.ts";
import { formatDiagnosticLine, renderError } from "./render_error.ts";
import { UsageError } from "./usage_error.ts";
import { paint } from "./_run_format.ts";
import { RunProgress } from "./_run_progress.ts";
import { exitCodeOf, signalExitCode } from "./_exit_code.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import { loadToolModules } from "./_tool_modules.ts";
import { checkRunModeFlags, readRunModeFlags, runModeSettings } from "./_run_mode_flags.ts";
import {
  evaluationJson,
  type EvaluationReportExtras,
  recordLine,
  renderEvaluation,
} from "./_evaluation_report.ts";
import { compareWithStored } from "./_evaluation_compare.ts";
import { evaluationScorers } from "./_evaluation_scorers.ts";

/**
 * Runs `evaluate`.
 *
 * @param file The workflow file.
 * @param options Dataset, scorers, concurrency, mock, tracking, thresholds, comparison, output.
 * @param io The outside world.
 * @returns The exit code.
 * @throws {UsageError} A bad flag (exit 2).
 * @throws {WorkflowError} The workflow, the dataset or the scorers cannot be used (exit 2).
 */
export async function evaluateCommand(
  file: string,
  options: EvaluateOptions,
  io: CliIO,
): Promise<number> {
  const explicitDestination = parseTrackingUriOption(options.trackingUri);
  checkRunModeFlags(options);
  if (options.compare !== undefined && options.compare.trim() === "") {
    throw new UsageError("Cannot use --compare with an empty value: give a run id or a run name");
  }
  const tools = await loadToolModules(options.tools, io);
  const runtime = await import("./_runtime_entry.ts");
  const deps = {
    env: (name: string) => io.env(name),
    readTextFile: (path: string, readOptions?: { maxBytes?: number | undefined }) =>
      io.readTextFile(path, readOptions),
  };
  const priceTable = await runtime.loadPriceTableFromEnv(deps);
  const loaded = await runtime.loadRunnableWorkflow(file, { deps, priceTable, tools });
  const mockAnswers = await readRunModeFlags(options, loaded, io);
  const scorers = await evaluationScorers(loaded, options.scorers, { priceTable, io });
  let thresholds;
  try {
    thresholds = parseFailUnder(options.failUnder, {
      names: scorers.map((scorer) => scorer.name),
      passFail: scorers.filter((scorer) => scorer.passFail).map((scorer) => scorer.name),
    });
  } catch (error) {
    throw new UsageError(errorMessage(error), { cause: error });
  }
  const dataset = await runtime.loadDataset(options.dataset, { readTextFile: deps.readTextFile });
  const destination: TrackingDestination | undefined = runtime.resolveTrackingDestination(
    loaded.config.config.observability?.mlflow,
    { trackingUri: explicitDestination, tracking: options.tracking, env: (name) => io.env(name) },
  );
  if (options.compare !== undefined && destination === undefined) {
    throw new UsageError(
      "Cannot use --compare as the evaluation is not recorded anywhere to compare with",
      { hint: "pass --tracking-uri (the store of the earlier evaluation), or drop --no-tracking" },
    );
  }

  const p = paint(io.color);
  const progress = new RunProgress({
    write: (text) => io.stderr(text),
    paint: p,
    live: io.isTerminal,
    labelWidth: 8,
  });
  const showProgress = io.isTerminal || !options.json;
  for (const warning of loaded.warnings) {
    progress.line(formatDiagnosticLine(warning, { color: io.color }));
  }
  const controller = new AbortController();
  let interruptedBy: "SIGINT" | "SIGTERM" | undefined;
  const removeSignalHandler = io.onSignal((signal) => {
    if (interruptedBy) return;
    interruptedBy = signal;
    controller.abort();
    progress.line(p.yellow("Interrupting: stopping the runs and recording the evaluation…"));
  });
  const warned = new Set<string>();
  let result: EvaluationResult;
  let done = 0;
  try {
    if (showProgress) {
      progress.line(
        `${p.bold(`Evaluating ${loaded.config.flow.name}`)} ${
          p.dim(`on ${dataset.name} (${dataset.records.length} records, digest ${dataset.digest})`)
        }`,
      );
    }
    result = await runtime.evaluateWorkflow(loaded, dataset, {
      scorers,
      concurrency: options.concurrency,
      ...runModeSettings(options, mockAnswers),
      signal: controller.signal,
      ...(destination ? { trackingUri: destination } : { tracker: false }),
      priceTable,
      tools,
      deps: { env: (name: string) => io.env(name), cwd: io.cwd() },
      warn: (message: string) => {
        if (warned.has(message)) return;
        warned.add(message);
        progress.line(`${p.yellow("warning")}: ${message}`);
      },
      onRecord: (evaluation) => {
        done++;
        if (showProgress) {
          progress.line(recordLine(evaluation, done, dataset.records.length, p));
        }
      },
    });
  } catch (error) {
    if (isStdoutClosed(error)) throw error;
    io.stderr(renderError(error, { verbose: options.verbose, color: io.color }));
    return exitCodeOf(error);
  } finally {
    removeSignalHandler();
    await runtime.flushTracking();
  }
  for (const problem of result.problems) {
    progress.line(formatDiagnosticLine(problem, { color: io.color }));
  }
  if (interruptedBy) {
    progress.line(p.red(`Interrupted by ${interruptedBy}`));
    return signalExitCode(interruptedBy);
  }
  const failUnder: FailUnderOutcome | undefined = thresholds.length > 0
    ? checkFailUnder(result.aggregates, thresholds)
    : undefined;
  const extras: EvaluationReportExtras = {
    failUnder,
    trackingUri: destination?.uri,
    ...(options.compare !== undefined && destination !== undefined
      ? {
        comparison: await compareWithStored(options.compare, result, {
          destination,
          io,
        }),
      }
      : {}),
  };
  if (options.json) {
    io.stdout(JSON.stringify(evaluationJson(result, extras), null, 2) + "\n");
  } else {
    io.stdout(renderEvaluation(result, extras, { paint: p, rationale: options.rationale }));
  }
  if (destination && result.runKey !== undefined && warned.size === 0 && showProgress) {
    progress.line(p.dim(
      `Evaluation run ${result.runName} (${result.runKey}) recorded in ${destination.uri}`,
    ));
  }
  if (result.problems.length > 0) return 2;
  const runFailed = result.records.some((evaluation) => evaluation.run.status !== "success");
  return (failUnder?.failed.length ?? 0) > 0 || runFailed ? 1 : 0;
}
