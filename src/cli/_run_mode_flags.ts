/**
 * The flags `run` and `evaluate` share for how runs go: the mock model's latency and scripted
 * answers, the seed, the parent trace and the schema of a new SQLite file. One place checks
 * them, with the same messages for both commands, and turns them into run options.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { MockAnswers } from "../engine/mock_answers.ts";
import { resolveModelSpec } from "../llm/model_spec.ts";
import type { RunWorkflowOptions } from "../runtime/run_options.ts";
import type { CliIO } from "./io.ts";
import type { RunModeOptions } from "./options.ts";
import { readMockAnswers } from "./_mock_answers_file.ts";
import { checkTraceparentOption } from "./_traceparent_option.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Checks the flags that need no workflow (`--traceparent`), before anything loads.
 *
 * @param options The command's flags.
 * @throws {UsageError} A malformed `--traceparent` (exit 2).
 */
export function checkRunModeFlags(options: Pick<RunModeOptions, "traceparent">): void {
  checkTraceparentOption(options.traceparent);
}

/**
 * Checks the flags that need the workflow and reads the `--mock-answers` file.
 *
 * @param options The command's flags.
 * @param loaded The workflow.
 * @param io Reads the answers file.
 * @returns The scripted answers, when `--mock-answers` is given.
 * @throws {UsageError} `--mock-latency` without a node on the mock model, or an answers file
 * that cannot be read or does not fit the workflow (exit 2).
 */
export async function readRunModeFlags(
  options: RunModeOptions,
  loaded: LoadedWorkflow,
  io: Pick<CliIO, "readTextFile">,
): Promise<MockAnswers | undefined> {
  if (options.mockLatency !== undefined && !options.mock && !usesMockModel(loaded)) {
    throw new UsageError(
      "Cannot use --mock-latency as no node runs on the mock model without --mock",
      { hint: "add --mock, or leave --mock-latency out" },
    );
  }
  return options.mockAnswers === undefined
    ? undefined
    : await readMockAnswers(options.mockAnswers, loaded, options.mock, io);
}

/**
 * The run options these flags give.
 *
 * @param options The command's flags.
 * @param mockAnswers The answers {@linkcode readRunModeFlags} read.
 * @returns Mock mode, seed, latency, answers, parent trace and SQLite schema.
 */
export function runModeSettings(
  options: RunModeOptions,
  mockAnswers: MockAnswers | undefined,
): Pick<
  RunWorkflowOptions,
  "mock" | "seed" | "mockLatencyMs" | "mockAnswers" | "traceparent" | "mlflowSchema"
> {
  return {
    mock: options.mock,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.mockLatency === undefined ? {} : { mockLatencyMs: options.mockLatency }),
    ...(mockAnswers ? { mockAnswers } : {}),
    ...(options.traceparent === undefined ? {} : { traceparent: options.traceparent }),
    ...(options.mlflowSchema === undefined ? {} : { mlflowSchema: options.mlflowSchema }),
  };
}

/** Whether a node of the workflow runs on the mock model without `--mock` (`provider: mock`). */
function usesMockModel(loaded: LoadedWorkflow): boolean {
  const { config } = loaded;
  return config.nodes.some((node) =>
    resolveModelSpec(config.config.llm, node.llm).provider === "mock"
  );
}
