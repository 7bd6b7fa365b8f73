import { buildCostReport, type CostReport } from "../../../src/tracking/report/cost_report.ts";
import {
  costReportToJson,
  renderCostReportCsv,
  renderCostReportTable,
} from "../../../src/tracking/report/render_cost_report.ts";
import { assert, assertEquals, assertStringIncludes } from "../../_helpers/assert.ts";
import { datasetFile, NOW } from "./_dataset.ts";

async function reportOf(options: Record<string, string> = {}): Promise<CostReport> {
  await using data = await datasetFile();
  return await buildCostReport(data.reader(), { now: NOW, ...options });
}

Deno.test("renderCostReportTable() aligns rows, adds totals, shows unknown and a note", async () => {
  const report = await reportOf();
  const lines = renderCostReportTable(report).trimEnd().split("\n");
  assertStringIncludes(lines[0] ?? "", "Costs by workflow · sqlite:///");
  assertStringIncludes(lines[0] ?? "", "all experiments");
  const header = lines[1] ?? "";
  assert(header.startsWith("workflow  runs  input tokens  output tokens  total tokens"), header);
  assert(/^-+$/.test(lines[2] ?? ""));
  const article = lines.find((line) => line.startsWith("article")) ?? "";
  const summary = lines.find((line) => line.startsWith("summary")) ?? "";
  const total = lines.find((line) => line.startsWith("TOTAL")) ?? "";
  // Columns line up: every data line has the header's width.
  assertEquals(article.length, header.length);
  assertEquals(total.length, header.length);
  assertStringIncludes(article, "$0.000689");
  assert(/\bunknown\b.*\bunknown\b/.test(summary), summary);
  assertStringIncludes(total, "1,347");
  assertStringIncludes(total, "unknown");
  assertStringIncludes(lines.at(-2) ?? "", "models without a price: openai/gpt-99");
  assertStringIncludes(lines.at(-1) ?? "", "CONFIGURABLE_AGENTS_PRICES");
});

Deno.test("renderCostReportTable() names the filters and says when nothing matches", async () => {
  const empty = await reportOf({ workflow: "none", period: "today", status: "success" });
  const text = renderCostReportTable(empty);
  assertStringIncludes(text, `workflow "none"`);
  assertStringIncludes(text, "status success");
  assertStringIncludes(text, "started 2026-11-27 to 2026-11-28 UTC (today)");
  assertStringIncludes(text, "No runs match these filters.");
  const priced = renderCostReportTable(await reportOf({ by: "model", workflow: "article" }));
  assert(!priced.includes("unknown"), priced);
  assertStringIncludes(priced, "calls");
});

Deno.test("renderCostReportCsv() writes a header, rows and TOTAL, with unknown never 0", async () => {
  const report = await reportOf({ by: "day" });
  const lines = renderCostReportCsv(report).trimEnd().split("\n");
  assertEquals(
    lines[0],
    "day,runs,calls,input_tokens,output_tokens,total_tokens,cost_usd,known_cost_usd,avg_cost_usd,avg_total_tokens,avg_duration_seconds",
  );
  assertEquals(lines.map((line) => line.split(",")[0]), [
    "day",
    "2026-10-15",
    "2026-11-20",
    "2026-11-26",
    "2026-11-27",
    "TOTAL",
  ]);
  const unknownDay = (lines[2] ?? "").split(",");
  assertEquals([unknownDay[6], unknownDay[8]], ["unknown", "unknown"]);
  assertEquals(unknownDay[7], "0");
  assertEquals((lines[1] ?? "").split(",")[6], "0.00031");
  assertEquals((lines.at(-1) ?? "").split(",")[6], "unknown");
});

Deno.test("renderCostReportCsv() quotes fields with commas and quotes", () => {
  const row = {
    group: 'say "hi", then',
    runs: 1,
    calls: undefined,
    inputTokens: 1,
    outputTokens: 1,
    totalTokens: 2,
    costUsd: 0,
    knownCostUsd: 0,
    unknownCostCount: 0,
    avgCostUsd: 0,
    avgTotalTokens: 2,
    avgDurationSeconds: undefined,
  };
  const csv = renderCostReportCsv({
    location: "x",
    by: "workflow",
    filters: {},
    window: {},
    rows: [row],
    totals: { ...row, group: "total" },
    unpricedModels: [],
  });
  assertEquals(csv.split("\n")[1], `"say ""hi"", then",1,,1,1,2,0,0,0,2,`);
});

Deno.test("costReportToJson() writes snake_case with null for unknown cost", async () => {
  const report = await reportOf({ by: "node", since: "2026-11-01" });
  const json = costReportToJson(report);
  assertEquals(json.by, "node");
  assertEquals(json.window, { since: "2026-11-01T00:00:00.000Z", until: null });
  assertEquals(json.unpriced_models, ["openai/gpt-99"]);
  const rows = json.rows as Record<string, unknown>[];
  const summarize = rows.find((row) => row.group === "summarize");
  assertEquals([summarize?.cost_usd, summarize?.cost_known], [null, false]);
  const totals = json.totals as Record<string, unknown>;
  assertEquals(totals.cost_usd, null);
  assertEquals(totals.total_tokens, 192 + 30 + 1520 + 10);
  assertEquals(JSON.parse(JSON.stringify(json)), json);
});

Deno.test("renderCostReportCsv() and costReportToJson() round away floating-point noise", () => {
  const row = {
    group: "echo",
    runs: 7,
    calls: 7,
    inputTokens: 764,
    outputTokens: 160,
    totalTokens: 9417,
    costUsd: 0.00014040000000000002,
    knownCostUsd: 0.00014040000000000002,
    unknownCostCount: 0,
    avgCostUsd: 0.00002005714285714286,
    avgTotalTokens: 1345.2857142857142,
    avgDurationSeconds: 0.130045654296875,
  };
  const report: CostReport = {
    location: "sqlite:///mlflow.db",
    by: "workflow",
    filters: {},
    window: {},
    rows: [row],
    totals: { ...row, group: "total" },
    unpricedModels: [],
  };
  const [, line] = renderCostReportCsv(report).split("\n");
  assertEquals(line, "echo,7,7,764,160,9417,0.0001404,0.0001404,0.0000200571428571,1345.29,0.13");
  const json = costReportToJson(report);
  const rows = json.rows as Record<string, unknown>[];
  assertEquals(
    [rows[0]?.cost_usd, rows[0]?.avg_total_tokens, rows[0]?.avg_duration_seconds],
    [0.0001404, 1345.29, 0.13],
  );
});
