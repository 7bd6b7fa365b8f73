import {
  buildCostReport,
  type CostReport,
  type CostReportOptions,
} from "../../../src/tracking/report/cost_report.ts";
import type { TrackingReader } from "../../../src/tracking/report/tracking_reader.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertStrictEquals,
} from "../../_helpers/assert.ts";
import { MLFLOW_SCHEMAS, type MlflowRelease } from "./_mlflow_db.ts";
import { datasetFile, NOW, type RunName } from "./_dataset.ts";
import type { InsertedRun } from "./_mlflow_db.ts";

function report(reader: TrackingReader, options: Partial<CostReportOptions> = {}) {
  return buildCostReport(reader, { now: NOW, ...options });
}

/** Sum of a metric over runs; `undefined` when any is NaN (cost unknown). */
function sumOf(runs: InsertedRun[], key: string): number | undefined {
  let sum = 0;
  for (const run of runs) {
    const value = run.metrics[key] ?? 0;
    if (Number.isNaN(value)) return undefined;
    sum += value;
  }
  return sum;
}

/** The totals equal the runs' own metric sums. */
function assertTotals(result: CostReport, runs: InsertedRun[]): void {
  assertEquals(result.totals.runs, runs.length);
  assertEquals(result.totals.inputTokens, sumOf(runs, "total_input_tokens"));
  assertEquals(result.totals.outputTokens, sumOf(runs, "total_output_tokens"));
  assertEquals(result.totals.totalTokens, sumOf(runs, "total_tokens"));
  const cost = sumOf(runs, "total_cost_usd");
  if (cost === undefined) assertStrictEquals(result.totals.costUsd, undefined);
  else assertAlmostEquals(result.totals.costUsd ?? NaN, cost, 1e-15);
}

function groups(result: CostReport): string[] {
  return result.rows.map((row) => row.group);
}

function pick(all: Record<RunName, InsertedRun>, ...names: RunName[]): InsertedRun[] {
  return names.map((name) => all[name]);
}

for (const release of Object.keys(MLFLOW_SCHEMAS) as MlflowRelease[]) {
  Deno.test(`buildCostReport() reads an MLflow ${release} file: filters, groupings, totals`, async (t) => {
    await using data = await datasetFile(release);
    const { runs } = data;
    const reader = data.reader();
    const all = Object.values(runs);

    await t.step("by workflow, unfiltered: totals equal the runs' metric sums", async () => {
      const result = await report(reader);
      assertEquals(result.by, "workflow");
      assertTotals(result, all);
      assertEquals(groups(result).sort(), ["article", "summary"]);
      const article = result.rows.find((row) => row.group === "article");
      assertEquals(article?.runs, 3);
      assertAlmostEquals(article?.costUsd ?? NaN, 0.0000198 + 0.00035 + 0.000009 + 0.00031, 1e-15);
      const summary = result.rows.find((row) => row.group === "summary");
      assertEquals(summary?.runs, 2);
      assertStrictEquals(summary?.costUsd, undefined);
      assertStrictEquals(summary?.avgCostUsd, undefined);
      assertEquals(summary?.unknownCostCount, 1);
      assertAlmostEquals(summary?.knownCostUsd ?? NaN, 0.00000375, 1e-18);
      assertEquals(result.unpricedModels, ["openai/gpt-99"]);
      assertAlmostEquals(article?.avgDurationSeconds ?? NaN, (2.5 + 1.2 + 3) / 3, 1e-12);
    });

    await t.step("--experiment keeps one experiment and rejects an unknown one", async () => {
      const nightly = await report(reader, { experiment: "nightly" });
      assertTotals(nightly, pick(runs, "articleLastMonth"));
      assertEquals(nightly.totals.costUsd, 0.00031);
      await assertRejects(
        () => report(reader, { experiment: "nope" }),
        RangeError,
        `Cannot find experiment "nope" at ${reader.location} as no active experiment has that name: known experiments are "Default", "configurable_agents", "nightly"`,
      );
    });

    await t.step("--workflow keeps one workflow", async () => {
      const result = await report(reader, { workflow: "summary" });
      assertTotals(result, pick(runs, "summaryUnpriced", "summaryKilledUntagged"));
      assertEquals(groups(result), ["summary"]);
    });

    await t.step("--period selects UTC days relative to now", async () => {
      const expected: Record<string, RunName[]> = {
        today: ["articleToday", "summaryKilledUntagged"],
        yesterday: ["articleYesterdayFailed"],
        last_7_days: ["articleToday", "articleYesterdayFailed", "summaryKilledUntagged"],
        last_30_days: [
          "articleToday",
          "articleYesterdayFailed",
          "summaryUnpriced",
          "summaryKilledUntagged",
        ],
        this_month: [
          "articleToday",
          "articleYesterdayFailed",
          "summaryUnpriced",
          "summaryKilledUntagged",
        ],
      };
      for (const [period, names] of Object.entries(expected)) {
        const result = await report(reader, { period });
        assertTotals(result, pick(runs, ...names));
      }
      const lastMonth = await report(reader, {
        period: "this_month",
        now: Date.parse("2026-10-31T23:00:00Z"),
      });
      assertTotals(lastMonth, pick(runs, "articleLastMonth"));
    });

    await t.step("--since is inclusive and --until exclusive", async () => {
      const result = await report(reader, { since: "2026-11-20", until: "2026-11-27" });
      assertTotals(result, pick(runs, "summaryUnpriced", "articleYesterdayFailed"));
      const exact = await report(reader, {
        since: "2026-11-27T09:00:00Z",
        until: "2026-11-27T12:00",
      });
      assertTotals(exact, pick(runs, "articleToday"));
    });

    await t.step("--status success is FINISHED, failure is FAILED or KILLED", async () => {
      const success = await report(reader, { status: "success" });
      assertTotals(success, pick(runs, "articleToday", "summaryUnpriced", "articleLastMonth"));
      const failure = await report(reader, { status: "failure" });
      assertTotals(failure, pick(runs, "articleYesterdayFailed", "summaryKilledUntagged"));
      await assertRejects(() => report(reader, { status: "ok" }), RangeError, `status "ok"`);
    });

    await t.step("--by model reads the CHAT_MODEL spans of each run's own trace", async () => {
      const result = await report(reader, { by: "model" });
      assertTotals(result, all);
      assertEquals(groups(result).sort(), [
        "anthropic/claude-haiku-4-5",
        "google/gemini-2.5-flash",
        "openai/gpt-4o-mini",
        "openai/gpt-99",
      ]);
      const mini = result.rows.find((row) => row.group === "openai/gpt-4o-mini");
      // The killed run has no trace-id tag: its trace is found through mlflow.sourceRun.
      assertEquals([mini?.runs, mini?.calls], [4, 4]);
      assertEquals([mini?.inputTokens, mini?.outputTokens], [12 + 20 + 10 + 5, 30 + 10 + 10 + 5]);
      assertAlmostEquals(
        mini?.costUsd ?? NaN,
        0.0000198 + 0.000009 + 0.0000075 + 0.00000375,
        1e-15,
      );
      const unknown = result.rows.find((row) => row.group === "openai/gpt-99");
      assertStrictEquals(unknown?.costUsd, undefined);
      assertEquals(unknown?.totalTokens, 1500);
      assertEquals(result.totals.calls, 7);
      const sum = (key: "inputTokens" | "outputTokens" | "totalTokens") =>
        result.rows.reduce((total, row) => total + row[key], 0);
      assertEquals(
        [sum("inputTokens"), sum("outputTokens"), sum("totalTokens")],
        [result.totals.inputTokens, result.totals.outputTokens, result.totals.totalTokens],
      );
    });

    await t.step("--by node reads node metrics and CHAIN spans", async () => {
      const result = await report(reader, { by: "node" });
      assertTotals(result, all);
      assertEquals(groups(result).sort(), ["review", "summarize", "write"]);
      const write = result.rows.find((row) => row.group === "write");
      assertEquals([write?.runs, write?.calls, write?.inputTokens], [3, 3, 12 + 20 + 200]);
      assertAlmostEquals(write?.costUsd ?? NaN, 0.0000198 + 0.000009 + 0.00031, 1e-15);
      const review = result.rows.find((row) => row.group === "review");
      assertEquals([review?.runs, review?.calls], [2, 1]);
      assertAlmostEquals(review?.costUsd ?? NaN, 0.00035, 1e-15);
      const summarize = result.rows.find((row) => row.group === "summarize");
      assertStrictEquals(summarize?.costUsd, undefined);
      assert(summarize?.avgDurationSeconds !== undefined);
    });

    await t.step("--by day, week and month group by the run's UTC start, in order", async () => {
      const byDay = await report(reader, { by: "day" });
      assertEquals(groups(byDay), ["2026-10-15", "2026-11-20", "2026-11-26", "2026-11-27"]);
      assertTotals(byDay, all);
      const today = byDay.rows.at(-1);
      assertEquals(today?.runs, 2);
      assertAlmostEquals(today?.costUsd ?? NaN, 0.0000198 + 0.00035 + 0.00000375, 1e-15);
      const byWeek = await report(reader, { by: "week" });
      assertEquals(groups(byWeek), ["2026-W42", "2026-W47", "2026-W48"]);
      assertEquals(byWeek.rows.at(-1)?.runs, 3);
      const byMonth = await report(reader, { by: "month" });
      assertEquals(groups(byMonth), ["2026-10", "2026-11"]);
      assertStrictEquals(byMonth.rows.at(-1)?.costUsd, undefined);
      assertEquals(byMonth.rows[0]?.costUsd, 0.00031);
      assertTotals(byMonth, all);
    });

    await t.step("filters combine", async () => {
      const result = await report(reader, {
        by: "model",
        workflow: "article",
        status: "success",
        period: "last_30_days",
      });
      assertTotals(result, pick(runs, "articleToday"));
      assertEquals(groups(result).sort(), ["anthropic/claude-haiku-4-5", "openai/gpt-4o-mini"]);
      assertEquals(result.unpricedModels, []);
    });
  });
}

Deno.test("buildCostReport() rejects an unknown grouping before reading", async () => {
  let read = false;
  const reader: TrackingReader = {
    location: "memory",
    listExperiments: () => Promise.resolve([]),
    readRuns: () => {
      read = true;
      return Promise.resolve([]);
    },
    readTraceInfos: () => Promise.resolve([]),
    readTrace: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
  await assertRejects(
    () => buildCostReport(reader, { by: "year", now: NOW }),
    RangeError,
    `Cannot group costs by "year" as it is not one of "workflow", "model"`,
  );
  await assertRejects(
    () => buildCostReport(reader, { since: "soon", now: NOW }),
    SyntaxError,
    `Cannot use "soon" as the since date`,
  );
  assertEquals(read, false);
});

Deno.test("buildCostReport() puts a run without a trace in its own model row", async () => {
  const reader: TrackingReader = {
    location: "memory",
    listExperiments: () => Promise.resolve([]),
    readRuns: () =>
      Promise.resolve([{
        runId: "r1",
        runName: "r",
        experimentId: "1",
        status: "FINISHED",
        startTimeMs: NOW,
        endTimeMs: NOW + 1000,
        params: { workflow_name: "demo" },
        tags: { "configurable_agents.trace_id": "tr-gone" },
        metrics: {
          total_input_tokens: 3,
          total_output_tokens: 4,
          total_tokens: 7,
          total_cost_usd: 0.5,
        },
      }]),
    readTraceInfos: () => Promise.resolve([]),
    readTrace: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
  const result = await buildCostReport(reader, { by: "model", now: NOW });
  assertEquals(result.rows.map((row) => [row.group, row.totalTokens, row.costUsd]), [[
    "(no trace)",
    7,
    0.5,
  ]]);
  assertEquals(result.totals.costUsd, 0.5);
  assertEquals(result.totals.avgDurationSeconds, 1);
});
