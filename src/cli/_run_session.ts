/**
 * What one invocation of `run` shares between a single run and a batch: output, styling,
 * warnings, the interrupt, and the options every run gets.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { MockAnswers } from "../engine/mock_answers.ts";
import type { RunWorkflowOptions } from "../runtime/run_options.ts";
import type { Tool } from "../tools/tool.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";
import type { TrackingDestination } from "../tracking/tracking_destination.ts";
import type { CliIO } from "./io.ts";
import type { RunOptions } from "./options.ts";
import type { Paint } from "./_run_format.ts";
import type { RunProgress } from "./_run_progress.ts";
import { signalExitCode } from "./_exit_code.ts";
import { runModeSettings } from "./_run_mode_flags.ts";

/** The runtime module, imported when `run` starts. */
export type Runtime = typeof import("./_runtime_entry.ts");

/** What one invocation shares: output, styling, warnings, progress and the interrupt. */
export interface Session {
  readonly io: CliIO;
  readonly options: RunOptions;
  readonly runtime: Runtime;
  readonly loaded: LoadedWorkflow;
  /** The prices of every run (loaded once). */
  readonly priceTable: PriceTable;
  readonly paint: Paint;
  readonly progress: RunProgress;
  /** Writes a whole line on standard error (warnings, interrupts), around any live output. */
  say: (text: string) => void;
  /** Cancels the runs in flight. */
  readonly controller: AbortController;
  /** Stops a batch gently: no new record starts, the runs in flight finish. */
  readonly stopper: AbortController;
  readonly warned: Set<string>;
  /** Where runs are recorded (resolved once, here), `undefined` when they are not. */
  readonly destination: TrackingDestination | undefined;
  /** The signal that interrupted the run, once one has. */
  interruptedBy: "SIGINT" | "SIGTERM" | undefined;
  readonly tools: readonly Tool[];
  readonly mockAnswers: MockAnswers | undefined;
}

/**
 * The options every run of this invocation gets.
 *
 * @param session The invocation.
 * @returns The options of `runWorkflow` (and `runBatch`).
 */
export function runOptions(session: Session): RunWorkflowOptions {
  const { io, options } = session;
  const rateLimit = {
    ...(options.rpm === undefined ? {} : { rpm: options.rpm }),
    ...(options.tpm === undefined ? {} : { tpm: options.tpm }),
  };
  return {
    ...runModeSettings(options, session.mockAnswers),
    signal: session.controller.signal,
    ...(session.destination ? { trackingUri: session.destination } : { tracker: false }),
    priceTable: session.priceTable,
    tools: session.tools,
    ...(Object.keys(rateLimit).length > 0 ? { rateLimit } : {}),
    deps: { env: (name: string) => io.env(name), cwd: io.cwd() },
    warn: (message: string) => {
      if (session.warned.has(message)) return;
      session.warned.add(message);
      session.say(`${session.paint.yellow("warning")}: ${message}`);
    },
  };
}

/**
 * Says that a signal interrupted the invocation.
 *
 * @param session The invocation.
 * @param signal The signal.
 * @returns Its exit code (130 or 143).
 */
export function interrupted(session: Session, signal: "SIGINT" | "SIGTERM"): number {
  session.say(session.paint.red(`Interrupted by ${signal}`));
  return signalExitCode(signal);
}
