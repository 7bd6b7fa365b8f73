/**
 * The text and JSON reports of `evaluate`: a table per record and scorer, the aggregates per
 * scorer, the spend of runs and of judges, thresholds and a comparison with an earlier run.
 *
 * @module
 */
import type { EvaluationComparison } from "../evaluation/compare_evaluations.ts";
import type { FailUnderOutcome } from "../evaluation/fail_under.ts";
import type { ScoreResult } from "../evaluation/scorer.ts";
import type { SpendTotal } from "../evaluation/total_spend.ts";
import type { EvaluationResult, RecordEvaluation } from "../runtime/evaluate_workflow.ts";
import { formatCost, formatTokens, type Paint } from "./_run_format.ts";
import { stripStyles } from "./_terminal_text.ts";

/** What the report says besides the evaluation itself. */
export interface EvaluationReportExtras {
  /** The `--fail-under` outcome, when thresholds were given. */
  readonly failUnder?: FailUnderOutcome | undefined;
  /** The comparison with `--compare`'s run, and that run's name. */
  readonly comparison?: { readonly against: string; readonly outcome: EvaluationComparison };
  /** Where the evaluation was recorded. */
  readonly trackingUri?: string | undefined;
}

/**
 * One cell of the table: `✓`/`✗` for pass/fail, a number, a label, or `error`.
 *
 * @param score A score.
 * @param p Styling.
 * @returns The cell's text.
 */
export function scoreCell(score: Pick<ScoreResult, "value" | "error">, p: Paint): string {
  const { value } = score;
  if (score.error !== undefined || value === null) return p.red("error");
  if (value === true || (typeof value === "string" && value.toLowerCase() === "yes")) {
    return p.green("✓");
  }
  if (value === false || (typeof value === "string" && value.toLowerCase() === "no")) {
    return p.red("✗");
  }
  if (typeof value === "number") return String(round(value));
  return value;
}

/**
 * The progress line of a record once it is scored.
 *
 * @param evaluation The record.
 * @param done How many are done.
 * @param total How many there are.
 * @param p Styling.
 * @returns The line.
 */
export function recordLine(
  evaluation: RecordEvaluation,
  done: number,
  total: number,
  p: Paint,
): string {
  const mark = evaluation.run.status === "success" ? p.green("✓") : p.red("✗");
  const scores = evaluation.scores.map((score) => `${score.name} ${scoreCell(score, p)}`);
  const failed = evaluation.run.status === "success" ? "" : ` ${p.red(evaluation.run.status)}`;
  return `${mark} line ${evaluation.record.line} ${p.dim(`(${done}/${total})`)}${failed} ${
    scores.join(" · ")
  }`;
}

/**
 * The text report.
 *
 * @param result The evaluation.
 * @param extras Thresholds, comparison and destination.
 * @param options Styling, and whether each score's rationale is shown.
 * @returns The report, ending with a newline.
 */
export function renderEvaluation(
  result: EvaluationResult,
  extras: EvaluationReportExtras,
  options: { paint: Paint; rationale: boolean },
): string {
  const { paint: p, rationale } = options;
  const lines: string[] = [];
  const header = ["line", "run", ...result.scorers];
  const rows = result.records.map((evaluation) => [
    String(evaluation.record.line),
    evaluation.run.status === "success" ? "ok" : evaluation.run.status,
    ...result.scorers.map((name) => {
      const score = evaluation.scores.find((candidate) => candidate.name === name);
      return score ? scoreCell(score, p) : "";
    }),
  ]);
  const notes = rationale
    ? result.records.map((evaluation) =>
      evaluation.scores.flatMap((score) => {
        const why = score.error?.message ?? score.rationale;
        return why === undefined ? [] : [`    ${p.dim(`${score.name}:`)} ${why}`];
      })
    )
    : [];
  lines.push(...table(header, rows, notes));
  lines.push("");
  const aggregates = result.scorers.map((name) => {
    const aggregate = result.aggregates[name];
    return [
      name,
      aggregate?.mean === null || aggregate === undefined ? "-" : String(round(aggregate.mean)),
      aggregate?.passRate === null || aggregate === undefined
        ? "-"
        : `${round(aggregate.passRate * 100)}%`,
      String(aggregate?.errors ?? 0),
    ];
  });
  lines.push(...table(["scorer", "mean", "pass rate", "errors"], aggregates, []));
  lines.push("");
  lines.push(`Runs:   ${spendText(result.runs, "run")}`);
  lines.push(`Judges: ${spendText(result.judges, "call")}`);
  if (extras.failUnder) {
    for (const check of extras.failUnder.checks) {
      const mean = check.mean === null ? "no mean" : String(round(check.mean));
      lines.push(
        `${check.passed ? p.green("✓") : p.red("✗")} ${check.name} mean ${mean} ${
          check.passed ? ">=" : "<"
        } ${check.min}`,
      );
    }
  }
  if (extras.comparison) {
    const lineOf = new Map(
      result.records.map((evaluation) => [evaluation.key, evaluation.record.line]),
    );
    lines.push("", ...comparisonLines(extras.comparison, lineOf, p));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The JSON report.
 *
 * @param result The evaluation.
 * @param extras Thresholds, comparison and destination.
 * @returns A plain value for `JSON.stringify`.
 */
export function evaluationJson(
  result: EvaluationResult,
  extras: EvaluationReportExtras,
): Record<string, unknown> {
  return {
    dataset: result.dataset,
    scorers: result.scorers,
    problems: result.problems.map(({ line, message, code }) => ({ line, code, message })),
    records: result.records.map((evaluation) => ({
      line: evaluation.record.line,
      key: evaluation.key,
      traceId: evaluation.traceId ?? null,
      status: evaluation.run.status,
      ...(evaluation.run.error === undefined ? {} : { error: evaluation.run.error }),
      durationMs: evaluation.run.durationMs,
      usage: evaluation.run.usage,
      costUsd: evaluation.run.costUsd ?? null,
      scores: evaluation.scores.map((score) => ({
        name: score.name,
        value: score.value,
        ...(score.rationale === undefined ? {} : { rationale: score.rationale }),
        ...(score.error === undefined ? {} : { error: score.error }),
        source: score.source,
        ...(score.judge ? { judge: score.judge } : {}),
      })),
    })),
    aggregates: result.aggregates,
    runs: spendJson(result.runs),
    judges: spendJson(result.judges),
    run: result.runKey === undefined
      ? null
      : { key: result.runKey, name: result.runName, trackingUri: extras.trackingUri ?? null },
    ...(extras.failUnder ? { failUnder: extras.failUnder } : {}),
    ...(extras.comparison
      ? { comparison: { against: extras.comparison.against, ...extras.comparison.outcome } }
      : {}),
    cancelled: result.cancelled,
  };
}

function comparisonLines(
  comparison: NonNullable<EvaluationReportExtras["comparison"]>,
  lineOf: ReadonlyMap<string, number>,
  p: Paint,
): string[] {
  const where = (key: string) => `line ${lineOf.get(key) ?? "?"} ${p.dim(`(record ${key})`)}`;
  const { outcome } = comparison;
  const lines = [`Compared with ${comparison.against}:`];
  const signed = (value: number | null, scale = 1, unit = "") =>
    value === null ? "-" : `${value > 0 ? "+" : ""}${round(value * scale)}${unit}`;
  lines.push(...table(
    ["scorer", "mean before", "mean now", "Δ mean", "Δ pass rate"],
    outcome.scorers.map((delta) => [
      delta.name,
      meanText(delta.previous?.mean),
      meanText(delta.current?.mean),
      signed(delta.meanDelta),
      signed(delta.passRateDelta, 100, "%"),
    ]),
    [],
  ));
  for (const flip of outcome.passToFail) {
    lines.push(`${p.red("pass → fail")} ${flip.name} on ${where(flip.key)}`);
  }
  for (const flip of outcome.failToPass) {
    lines.push(`${p.green("fail → pass")} ${flip.name} on ${where(flip.key)}`);
  }
  if (outcome.passToFail.length === 0 && outcome.failToPass.length === 0) {
    lines.push(p.dim("No record went from pass to fail or back"));
  }
  if (outcome.onlyCurrent.length > 0 || outcome.onlyPrevious.length > 0) {
    lines.push(p.dim(
      `${outcome.onlyCurrent.length} record(s) only now, ${outcome.onlyPrevious.length} only before`,
    ));
  }
  return lines;
}

function spendText(spend: SpendTotal, noun: string): string {
  const cost = spend.costUsd === undefined && spend.knownCostUsd > 0
    ? `cost unknown (${formatCost(spend.knownCostUsd)} for the priced calls)`
    : formatCost(spend.costUsd);
  return `${spend.count} ${noun}${spend.count === 1 ? "" : "s"} · ${
    formatTokens(spend.usage.total_tokens)
  } · ${cost}`;
}

function spendJson(spend: SpendTotal): Record<string, unknown> {
  return {
    count: spend.count,
    usage: spend.usage,
    costUsd: spend.costUsd ?? null,
    knownCostUsd: spend.knownCostUsd,
  };
}

/** Rows padded to their columns' widths (ANSI styling not counted), with notes under rows. */
function table(header: string[], rows: string[][], notes: string[][]): string[] {
  const visible = (text: string) => stripStyles(text).length;
  const widths = header.map((title, column) =>
    Math.max(visible(title), ...rows.map((row) => visible(row[column] ?? "")))
  );
  const render = (row: string[]) =>
    row.map((cell, column) => cell + " ".repeat((widths[column] ?? 0) - visible(cell)))
      .join("  ").trimEnd();
  const lines = [render(header)];
  for (const [index, row] of rows.entries()) {
    lines.push(render(row));
    lines.push(...(notes[index] ?? []));
  }
  return lines;
}

function meanText(mean: number | null | undefined): string {
  return mean === null || mean === undefined ? "-" : String(round(mean));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
