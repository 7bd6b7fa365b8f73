/**
 * `traces list` and `traces show <id>`: the newest traces, and one trace as a span tree with
 * durations, tokens and cost, read from the SQLite file or the tracking server (tracking URI
 * as for `report costs`). Neither loads LangChain, LangGraph or OpenTelemetry.
 *
 * @module
 */
import { buildSpanTree, renderSpanTree, spanTreeToJson } from "../tracking/report/span_tree.ts";
import { chooseTrackingUri, openTrackingReader } from "../tracking/report/open_tracking_reader.ts";
import { findExperimentIds } from "../tracking/report/find_experiment_ids.ts";
import { listTraces, renderTraceList, traceListToJson } from "../tracking/report/trace_list.ts";
import type { TrackingReader } from "../tracking/report/tracking_reader.ts";
import type { CliIO } from "./io.ts";
import type { TracesListOptions, TracesShowOptions } from "./options.ts";
import { asUsageError, asUsageErrorAsync, UsageError } from "./usage_error.ts";

/**
 * Runs `traces list`: the newest `--limit` traces with workflow, start, duration, status,
 * tokens and cost. A database file that does not exist yet lists nothing and exits 0.
 *
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} A bad tracking URI or an unknown experiment.
 * @throws {WorkflowError} The store cannot be read.
 */
export async function tracesListCommand(options: TracesListOptions, io: CliIO): Promise<number> {
  const { uri, reader } = open(options.trackingUri, io);
  try {
    const entries = reader
      ? await asUsageErrorAsync(() =>
        listTraces(reader, { experiment: options.experiment, limit: options.limit })
      )
      : [];
    if (options.json) {
      io.stdout(JSON.stringify(traceListToJson(entries), null, 2) + "\n");
    } else if (!reader) {
      io.stdout(`No traces recorded yet at ${uri}: the database file does not exist.\n`);
    } else {
      io.stdout(renderTraceList(entries, reader.location));
    }
    return 0;
  } finally {
    await reader?.close();
  }
}

/**
 * Runs `traces show <id>`: the trace as an indented span tree (type, duration, tokens and cost
 * per LLM call and summed per CHAIN, errors marked), or `--json`. The id may be given with or
 * without its `tr-` prefix.
 *
 * @param traceId The trace id.
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} A bad tracking URI or experiment (exit code 2), or no trace with that id
 * (exit code 1).
 * @throws {WorkflowError} The store cannot be read.
 */
export async function tracesShowCommand(
  traceId: string,
  options: TracesShowOptions,
  io: CliIO,
): Promise<number> {
  const id = /^[0-9a-f]{32}$/i.test(traceId.trim())
    ? `tr-${traceId.trim().toLowerCase()}`
    : traceId.trim();
  const { uri, reader } = open(options.trackingUri, io);
  try {
    const trace = reader ? await reader.readTrace(id) : undefined;
    const experimentIds = reader && options.experiment !== undefined
      ? await asUsageErrorAsync(() => findExperimentIds(reader, options.experiment))
      : undefined;
    if (!trace || (experimentIds && !experimentIds.includes(trace.experimentId))) {
      // A trace that is not there is a failed lookup (exit 1), not a mistyped command (exit 2).
      throw new UsageError(
        `Cannot show trace "${id}" as no trace has that id at ${reader?.location ?? uri}` +
          (options.experiment === undefined ? "" : ` in experiment "${options.experiment}"`),
        { exitCode: 1, hint: "List the recorded traces with: traces list" },
      );
    }
    const roots = buildSpanTree(trace);
    io.stdout(
      options.json
        ? JSON.stringify(spanTreeToJson(trace, roots), null, 2) + "\n"
        : renderSpanTree(trace, roots),
    );
    return 0;
  } finally {
    await reader?.close();
  }
}

function open(flag: string | undefined, io: CliIO): {
  uri: string;
  reader: TrackingReader | undefined;
} {
  const uri = chooseTrackingUri(flag, io.env);
  return {
    uri,
    reader: asUsageError(() => openTrackingReader(uri, { cwd: io.cwd(), env: io.env })),
  };
}
