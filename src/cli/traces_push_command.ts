/**
 * `traces push`: delivers the spooled traces and runs, each exactly once, and prints what
 * happened. Exit code 0 when everything was delivered (or already there), 1 when some failed,
 * 130 or 143 when SIGINT or SIGTERM stopped it (what is left stays in the spool).
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { DEFAULT_SPOOL_DIR, Spool } from "../tracking/delivery/spool.ts";
import { openSink } from "../tracking/delivery/open_sink.ts";
import { type PushReport, pushSpool } from "../tracking/delivery/push_spool.ts";
import type { CliIO } from "./io.ts";
import type { TracesPushOptions } from "./options.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import { signalExitCode } from "./_exit_code.ts";

/**
 * Runs `traces push`.
 *
 * @param options `--tracking-uri` (deliver everything there), `--spool-dir`, `--json`.
 * @param io The outside world.
 * @returns 0 when nothing failed, 1 when something failed, 130/143 when a signal stopped it.
 * @throws {UsageError} An unsupported `--tracking-uri`.
 */
export async function tracesPushCommand(options: TracesPushOptions, io: CliIO): Promise<number> {
  const spoolDir = options.spoolDir ?? DEFAULT_SPOOL_DIR;
  const dir = isAbsolute(spoolDir) ? spoolDir : join(io.cwd(), spoolDir);
  const override = parseTrackingUriOption(options.trackingUri);
  const controller = new AbortController();
  let interruptedBy: "SIGINT" | "SIGTERM" | undefined;
  const removeSignalHandler = io.onSignal((signal) => {
    interruptedBy ??= signal;
    controller.abort();
  });
  let report: PushReport;
  try {
    report = await pushSpool({
      spool: new Spool({ dir }),
      sinkFor: (destination) =>
        openSink(destination, {
          env: (name) => io.env(name),
          warn: (message) => io.stderr(`warning: ${message}\n`),
          sqlite: { cwd: io.cwd() },
        }),
      ...(override === undefined ? {} : { override }),
      signal: controller.signal,
    });
  } finally {
    removeSignalHandler();
  }
  const ok = report.failed.length === 0 && report.remaining === 0;
  const failedCode = interruptedBy ? signalExitCode(interruptedBy) : 1;
  if (options.json) {
    io.stdout(JSON.stringify({ spoolDir, ...report }, null, 2) + "\n");
    return ok ? 0 : failedCode;
  }
  io.stdout(summary(report, spoolDir));
  for (const failure of report.failed) {
    const what = failure.traceId ? `trace "${failure.traceId}"` : `"${failure.file}"`;
    io.stderr(`error: ${what}: ${failure.error}\n`);
  }
  if (!ok) {
    io.stderr(
      `  hint: the traces that were not delivered stay in "${spoolDir}"; run traces push again once the problem is fixed\n`,
    );
  }
  return ok ? 0 : failedCode;
}

function summary(report: PushReport, spoolDir: string): string {
  if (report.total === 0) return `Nothing to push: the spool "${spoolDir}" is empty\n`;
  const parts = [
    `${report.delivered.length} delivered`,
    `${report.alreadyPresent.length} already present`,
    `${report.failed.length} failed`,
    ...(report.skipped ? [`${report.skipped} skipped (another process is delivering them)`] : []),
    ...(report.remaining ? [`${report.remaining} not attempted (interrupted)`] : []),
  ];
  const noun = report.total === 1 ? "trace" : "traces";
  return `Pushed ${report.total} spooled ${noun} from "${spoolDir}": ${parts.join(", ")}\n`;
}
