/**
 * `report costs`: token usage and dollar cost of tracked runs, read from the SQLite file or the
 * tracking server, as a table, JSON or CSV.
 *
 * The tracking URI is `--tracking-uri`, else `MLFLOW_TRACKING_URI`, else `sqlite:///mlflow.db`.
 * A SQLite file that does not exist yet is not an error: nothing has been recorded, so the
 * report says so and exits 0 (JSON and CSV print an empty report). Reading a file needs only
 * `--allow-read` (and `--allow-env` for the variable); a server needs `--allow-net` for its
 * host. Periods are whole UTC days relative to now.
 *
 * @module
 */
import { buildCostReport } from "../tracking/report/cost_report.ts";
import { chooseTrackingUri, openTrackingReader } from "../tracking/report/open_tracking_reader.ts";
import {
  costReportToJson,
  renderCostReportCsv,
  renderCostReportTable,
} from "../tracking/report/render_cost_report.ts";
import type { TrackingReader } from "../tracking/report/tracking_reader.ts";
import type { CliIO } from "./io.ts";
import type { ReportCostsOptions } from "./options.ts";
import { asUsageError, asUsageErrorAsync, UsageError } from "./usage_error.ts";

/**
 * Runs `report costs`.
 *
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code: 0, or 2 for bad flags (thrown as a {@linkcode UsageError}).
 * @throws {UsageError} Bad flags: both `--json` and `--csv`, a bad date, period, status,
 * grouping or tracking URI, or an unknown experiment.
 * @throws {WorkflowError} The store cannot be read (`TRACKING_UNAVAILABLE`, `PERMISSION_DENIED`).
 */
export async function reportCostsCommand(
  options: ReportCostsOptions,
  io: CliIO,
): Promise<number> {
  if (options.json && options.csv) {
    throw new UsageError("Cannot print the report as both JSON and CSV: choose --json or --csv");
  }
  const uri = chooseTrackingUri(options.trackingUri, io.env);
  const reader = asUsageError(() => openTrackingReader(uri, { cwd: io.cwd(), env: io.env }));
  try {
    const report = await asUsageErrorAsync(() =>
      buildCostReport(reader ?? nothingRecorded(uri, options.experiment), {
        experiment: options.experiment,
        workflow: options.workflow,
        period: options.period,
        since: options.since,
        until: options.until,
        status: options.status,
        by: options.by,
        now: Date.now(),
      })
    );
    if (options.json) {
      io.stdout(JSON.stringify(costReportToJson(report), null, 2) + "\n");
    } else if (options.csv) {
      io.stdout(renderCostReportCsv(report));
    } else if (!reader) {
      io.stdout(
        `No runs recorded yet at ${uri}: the database file does not exist.\n` +
          "Run a workflow with tracking first, for example: run workflow.yaml --mock " +
          `--tracking-uri ${uri}\n`,
      );
    } else {
      io.stdout(renderCostReportTable(report));
    }
    return 0;
  } finally {
    await reader?.close();
  }
}

/** A store with no runs, for a database file that does not exist yet. */
function nothingRecorded(location: string, experiment: string | undefined): TrackingReader {
  return {
    location,
    listExperiments: () =>
      Promise.resolve(experiment === undefined ? [] : [{ experimentId: "0", name: experiment }]),
    readRuns: () => Promise.resolve([]),
    readTraceInfos: () => Promise.resolve([]),
    readTrace: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
}
