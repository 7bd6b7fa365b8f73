/**
 * `run --input-file items.jsonl`: one run per record, with live progress, one JSON line per
 * record (on standard output, or appended to `--output` as each run ends), `--resume` and
 * `--shard`, and a summary with cost, tokens and the rate limits absorbed.
 *
 * @module
 */
import { isWorkflowError } from "../errors.ts";
import type { BatchOutcome, BatchSummary } from "../runtime/run_batch.ts";
import type { BatchItem, Shard } from "../runtime/read_json_lines.ts";
import { isStdoutClosed } from "./io.ts";
import { renderError } from "./render_error.ts";
import { UsageError } from "./usage_error.ts";
import { inputFileError } from "./_run_inputs.ts";
import { formatCost, formatDuration, formatTokens, roundCosts } from "./_run_format.ts";
import { exitCodeOf } from "./_exit_code.ts";
import { interrupted, runOptions, type Session } from "./_run_session.ts";
import { BatchProgress } from "./_batch_progress.ts";
import { openResultsFile, type PreviousResults, type ResultsFile } from "./_batch_output.ts";
import { inputsHash } from "./_inputs_hash.ts";

/**
 * Runs a JSONL batch.
 *
 * @param session The invocation.
 * @param path The JSONL file.
 * @param overrides The `-i` values, set over every record's own.
 * @returns The exit code: 2 when a record is not valid inputs, 1 when a run failed (records a
 * resumed `--output` already held included), 130/143 when interrupted, else 0.
 * @throws {UsageError} The input file cannot be read, or `--output` cannot be resumed.
 */
export async function runJsonl(
  session: Session,
  path: string,
  overrides: Record<string, unknown>,
): Promise<number> {
  const { io, options, runtime } = session;
  const { shard, output } = options;
  const results = output === undefined
    ? undefined
    : await openResultsFile(output, options.resume ?? false, io);
  try {
    const previous = results?.previous;
    const plan = await planBatch(session, path, overrides, previous);
    if (previous && previous.done.size > 0) {
      session.say(session.paint.dim(
        `Resuming ${output}: ${previous.done.size} of ${plan.records} records are done; running the other ${plan.toRun}`,
      ));
    }
    const progress = new BatchProgress({
      write: (text) => io.stderr(text),
      paint: session.paint,
      live: io.isTerminal,
      now: () => performance.now(),
      total: plan.toRun,
      concurrency: options.concurrency,
    });
    const say = session.say;
    session.say = (text) => progress.line(text);
    const ticker = setInterval(() => progress.tick(), io.isTerminal ? 250 : 1000);
    Deno.unrefTimer(ticker);
    const started = performance.now();
    let summary: BatchSummary;
    try {
      summary = await runBatch(session, path, overrides, { progress, results, shard });
    } catch (error) {
      if (isStdoutClosed(error)) throw error;
      progress.finish();
      io.stderr(renderError(error, { verbose: options.verbose, color: io.color }));
      return exitCodeOf(error);
    } finally {
      clearInterval(ticker);
      progress.finish();
      session.say = say;
      await runtime.flushTracking();
    }
    const durationMs = performance.now() - started;
    printSummary(session, summary, { durationMs, skipped: previous?.done.size ?? 0 });
    if (session.interruptedBy) return interrupted(session, session.interruptedBy);
    const invalid = summary.invalid + (previous?.invalid ?? 0);
    const failed = summary.failed + (previous?.failed ?? 0);
    return invalid ? 2 : failed ? 1 : 0;
  } finally {
    results?.close();
  }
}

interface BatchParts {
  progress: BatchProgress;
  results: ResultsFile | undefined;
  shard: Shard | undefined;
}

async function runBatch(
  session: Session,
  path: string,
  overrides: Record<string, unknown>,
  parts: BatchParts,
): Promise<BatchSummary> {
  const { io, options, runtime } = session;
  const { progress, results, shard } = parts;
  const hashes = new Map<number, string>();
  const records = runtime.readJsonLines(await openInput(session, path), {
    overrides,
    ...(shard ? { shard } : {}),
  });
  return await runtime.runBatch(session.loaded, pending(records, results?.previous, hashes), {
    ...runOptions(session),
    concurrency: options.concurrency,
    stopSignal: session.stopper.signal,
    onEvent: (event, line) => progress.onEvent(event, line),
    onConcurrency: (limit) => progress.onConcurrency(limit),
    onDelivering: (left) => progress.onDelivering(left),
    onResult: (outcome) => {
      const hash = hashes.get(outcome.line) ?? "";
      hashes.delete(outcome.line);
      progress.onResult(outcome);
      const text = JSON.stringify(batchLine(outcome, hash), roundCosts);
      if (results) {
        // A cancelled run is no result: --resume runs its record again.
        if (!isCancelled(outcome)) results.append(text);
      } else {
        progress.print(() => io.stdout(`${text}\n`));
      }
      if (!outcome.ok && !options.json) {
        progress.line(`${session.paint.red("✗")} line ${outcome.line}: ${outcome.error.message}`);
      }
    },
  });
}

/** The records still to run, each with the hash of its inputs noted for its result line. */
async function* pending(
  records: AsyncIterable<BatchItem>,
  previous: PreviousResults | undefined,
  hashes: Map<number, string>,
): AsyncGenerator<BatchItem, void, undefined> {
  for await (const record of records) {
    if (previous?.done.has(record.line)) continue;
    hashes.set(record.line, await inputsHash(record));
    yield record;
  }
}

/** What a batch will run: the records of its shard and, of those, the ones not yet done. */
interface BatchPlan {
  /** Records of the file (of the shard). */
  records: number;
  /** Of those, the ones this invocation runs. */
  toRun: number;
}

/**
 * Reads the input file once ahead of the batch: counts its records (for the ETA) and checks
 * that every record a resumed `--output` holds is still in the file, in this shard, with the
 * same inputs.
 */
async function planBatch(
  session: Session,
  path: string,
  overrides: Record<string, unknown>,
  previous: PreviousResults | undefined,
): Promise<BatchPlan> {
  const { runtime, options } = session;
  const { shard, output } = options;
  const done = previous?.done ?? new Map<number, string>();
  for (const line of done.keys()) {
    if (shard && line % shard.count !== shard.index % shard.count) {
      throw new UsageError(
        `Cannot resume from "${output}" as it holds record ${line}, which is not in shard ${shard.index}/${shard.count}`,
        { hint: "give each shard its own --output" },
      );
    }
  }
  let records = 0;
  const matched = new Set<number>();
  const items = runtime.readJsonLines(await openInput(session, path), {
    overrides,
    ...(shard ? { shard } : {}),
  });
  for await (const item of items) {
    records++;
    const hash = done.get(item.line);
    if (hash === undefined) continue;
    if (hash !== await inputsHash(item)) {
      throw new UsageError(
        `Cannot resume from "${output}" as record ${item.line} of "${path}" changed since it ran: its inputs are not the ones its result was computed from`,
        {
          hint:
            "remove that record's line from the results to run it again, or give another --output",
        },
      );
    }
    matched.add(item.line);
  }
  const missing = [...done.keys()].filter((line) => !matched.has(line)).sort((a, b) => a - b);
  if (missing.length > 0) {
    throw new UsageError(
      `Cannot resume from "${output}" as it holds ${missing.length} ${
        missing.length === 1 ? "result" : "results"
      } of records "${path}" does not have: line ${missing[0]} is blank or past its end`,
      { hint: "give the input file the results were computed from, or another --output" },
    );
  }
  return { records, toRun: records - matched.size };
}

async function openInput(session: Session, path: string): Promise<ReadableStream<Uint8Array>> {
  const { io } = session;
  try {
    return io.openReadable
      ? await io.openReadable(path)
      : new Blob([await io.readTextFile(path)]).stream();
  } catch (error) {
    throw inputFileError(path, error);
  }
}

function isCancelled(outcome: BatchOutcome): boolean {
  return !outcome.ok && isWorkflowError(outcome.error) && outcome.error.code === "CANCELLED";
}

/**
 * One result line: the record's line number, the hash of its inputs, and its outcome (state
 * and metadata, or the error).
 */
function batchLine(outcome: BatchOutcome, inputsSha256: string): Record<string, unknown> {
  if (outcome.ok) {
    const { state, metadata } = outcome.result;
    return { line: outcome.line, inputsSha256, status: "success", state, metadata };
  }
  const { error } = outcome;
  return {
    line: outcome.line,
    inputsSha256,
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

/** The summary: a line for people on standard error, and with `--json` a last JSON line. */
function printSummary(
  session: Session,
  summary: BatchSummary,
  extra: { durationMs: number; skipped: number },
): void {
  const { io, options, paint: p } = session;
  if (options.json) {
    const json = {
      summary: {
        ...summary,
        skipped: extra.skipped,
        durationMs: Math.round(extra.durationMs),
        ...(options.output === undefined ? {} : { output: options.output }),
      },
    };
    io.stdout(`${JSON.stringify(json, roundCosts)}\n`);
  }
  if (options.json && !io.isTerminal) return;
  const parts = [
    `${summary.items} ${summary.items === 1 ? "item" : "items"}`,
    `${summary.succeeded} succeeded`,
    `${summary.failed} failed${summary.invalid ? ` (${summary.invalid} invalid)` : ""}`,
    ...(extra.skipped > 0 ? [`${extra.skipped} already in ${options.output}`] : []),
    formatDuration(extra.durationMs),
    formatTokens(summary.usage.total_tokens),
    summary.costUsd === undefined && summary.knownCostUsd > 0
      ? `cost unknown (${formatCost(summary.knownCostUsd)} for the priced calls)`
      : formatCost(summary.costUsd),
    `${summary.rateLimited} rate ${summary.rateLimited === 1 ? "limit" : "limits"} absorbed`,
    `${summary.retries} ${summary.retries === 1 ? "retry" : "retries"}`,
  ];
  const mark = summary.failed ? p.red("✗") : p.green("✓");
  session.say(`${mark} Batch of ${session.loaded.config.flow.name}: ${parts.join(" · ")}`);
}
