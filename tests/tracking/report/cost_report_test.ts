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

/**
 * The totals equal the sums of the rows: tokens always; runs and cost where each run is on one
 * row (workflow, day, week, month); an unknown cost anywhere makes the total unknown.
 */
function assertRowsSumToTotals(result: CostReport): void {
  const sum = (key: "inputTokens" | "outputTokens" | "totalTokens" | "knownCostUsd") =>
    result.rows.reduce((total, row) => total + row[key], 0);
  assertEquals(sum("inputTokens"), result.totals.inputTokens);
  assertEquals(sum("outputTokens"), result.totals.outputTokens);
  assertEquals(sum("totalTokens"), result.totals.totalTokens);
  if (result.by === "model" || result.by === "node") return;
  assertEquals(result.rows.reduce((total, row) => total + row.runs, 0), result.totals.runs);
  assertAlmostEquals(sum("knownCostUsd"), result.totals.knownCostUsd, 1e-15);
  assertEquals(
    result.rows.some((row) => row.costUsd === undefined),
    result.totals.costUsd === undefined,
  );
}

/** The totals equal the runs' own metric sums, and the sums of the rows. */
function assertTotals(result: CostReport, runs: InsertedRun[]): void {
  assertRowsSumToTotals(result);
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

    await t.step("--status success is a trace in state OK, failure in state ERROR", async () => {
      const success = await report(reader, { status: "success" });
      assertTotals(success, pick(runs, "articleToday", "summaryUnpriced", "articleLastMonth"));
      const failure = await report(reader, { status: "failure" });
      assertTotals(failure, pick(runs, "articleYesterdayFailed", "summaryKilledUntagged"));
      await assertRejects(() => report(reader, { status: "ok" }), RangeError, `status "ok"`);
    });

    await t.step("--by model reads the CHAT_MODEL spans of each run's trace", async () => {
      const result = await report(reader, { by: "model" });
      assertTotals(result, all);
      assertEquals(groups(result).sort(), [
        "anthropic/claude-haiku-4-5",
        "google/gemini-2.5-flash",
        "openai/gpt-4o-mini",
        "openai/gpt-99",
      ]);
      const mini = result.rows.find((row) => row.group === "openai/gpt-4o-mini");
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

    await t.step("--by node reads the CHAIN spans and the calls under them", async () => {
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
    readTraceInfos: () => {
      read = true;
      return Promise.resolve([]);
    },
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
  await assertRejects(
    () => buildCostReport(reader, { status: "ok", now: NOW }),
    RangeError,
    `Cannot filter runs by status "ok"`,
  );
  assertEquals(read, false);
});

Deno.test("buildCostReport() puts a trace whose spans cannot be read in its own model row", async () => {
  const reader: TrackingReader = {
    location: "memory",
    listExperiments: () => Promise.resolve([]),
    readRuns: () => Promise.reject(new Error("reports read traces, not runs")),
    readTraceInfos: () =>
      Promise.resolve([{
        traceId: "tr-gone",
        experimentId: "1",
        requestTimeMs: NOW,
        executionTimeMs: 1000,
        state: "OK",
        requestPreview: "",
        responsePreview: "",
        tags: { "configurable_agents.workflow": "demo" },
        metadata: {
          "mlflow.trace.tokenUsage": '{"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}',
          "mlflow.trace.cost": '{"input_cost": 0.2, "output_cost": 0.3, "total_cost": 0.5}',
        },
      }]),
    readTrace: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
  const result = await buildCostReport(reader, { by: "model", now: NOW });
  assertEquals(result.rows.map((row) => [row.group, row.totalTokens, row.costUsd]), [[
    "(no spans)",
    7,
    0.5,
  ]]);
  assertEquals(result.totals.costUsd, 0.5);
  assertEquals(result.totals.avgDurationSeconds, 1);
});
