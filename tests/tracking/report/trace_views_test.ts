import {
  buildSpanTree,
  renderSpanTree,
  spanTreeToJson,
} from "../../../src/tracking/report/span_tree.ts";
import {
  listTraces,
  renderTraceList,
  traceListToJson,
} from "../../../src/tracking/report/trace_list.ts";
import type { StoredTrace } from "../../../src/tracking/report/tracking_reader.ts";
import { assert, assertEquals, assertStringIncludes } from "../../_helpers/assert.ts";
import { datasetFile } from "./_dataset.ts";

Deno.test("listTraces() lists the newest traces with workflow, tokens and cost", async () => {
  await using data = await datasetFile("3.9.0");
  const entries = await listTraces(data.reader(), { limit: 3 });
  assertEquals(entries.map((entry) => entry.traceId), [
    data.runs.summaryKilledUntagged.traceId,
    data.runs.articleToday.traceId,
    data.runs.articleYesterdayFailed.traceId,
  ]);
  const [killed, today, failed] = entries;
  assertEquals(killed?.workflow, "summary");
  assertEquals(killed?.runId, data.runs.summaryKilledUntagged.runId);
  assertEquals(today?.usage, { input_tokens: 112, output_tokens: 80, total_tokens: 192 });
  assertEquals(today?.costUsd, data.runs.articleToday.metrics.total_cost_usd);
  assertEquals([failed?.state, failed?.durationMs], ["ERROR", 1200]);
  const unpriced = (await listTraces(data.reader(), { limit: 10 })).find((entry) =>
    entry.traceId === data.runs.summaryUnpriced.traceId
  );
  assertEquals(unpriced?.costUsd, undefined);
  const nightly = await listTraces(data.reader(), { experiment: "nightly" });
  assertEquals(nightly.map((entry) => entry.traceId), [data.runs.articleLastMonth.traceId]);
});

Deno.test("renderTraceList() aligns a table and marks unknown cost; JSON uses null", async () => {
  await using data = await datasetFile("3.9.0");
  const entries = await listTraces(data.reader(), { limit: 10 });
  const text = renderTraceList(entries, data.reader().location);
  const lines = text.trimEnd().split("\n");
  assertEquals(lines.length, 2 + 5);
  assertStringIncludes(lines[1] ?? "", "trace id");
  const unpricedLine = lines.find((line) => line.includes(data.runs.summaryUnpriced.traceId));
  assertStringIncludes(unpricedLine ?? "", "unknown");
  assertStringIncludes(text, "2026-11-27 09:00:00");
  assertStringIncludes(text, "$0.000370");
  const json = traceListToJson(entries);
  const unpriced = json.find((entry) => entry.trace_id === data.runs.summaryUnpriced.traceId);
  assertEquals(unpriced?.cost_usd, null);
  assertEquals(unpriced?.total_tokens, 1520);
  assertEquals(renderTraceList([], "sqlite:///x.db"), "No traces recorded at sqlite:///x.db.\n");
});

Deno.test("buildSpanTree() sums tokens and cost per CHAIN and marks errors", async () => {
  await using data = await datasetFile("3.9.0");
  const trace = await data.reader().readTrace(data.runs.articleYesterdayFailed.traceId);
  assert(trace);
  const roots = buildSpanTree(trace);
  assertEquals(roots.length, 1);
  const root = roots[0];
  assertEquals(root?.type, "AGENT");
  assertEquals(root?.status, "ERROR");
  assertEquals(root?.children.map((child) => [child.name, child.type, child.llmCalls]), [
    ["write", "CHAIN", 1],
    ["review", "CHAIN", 0],
  ]);
  assertEquals(root?.children[0]?.costUsd, 0.000009);
  assertEquals(root?.children[1]?.error, "ValueError: model returned invalid JSON");
  assertEquals(root?.usage.total_tokens, 30);

  const text = renderSpanTree(trace, roots);
  const lines = text.trimEnd().split("\n");
  assertStringIncludes(lines[0] ?? "", `Trace ${trace.traceId}`);
  assertStringIncludes(lines[0] ?? "", `run ${data.runs.articleYesterdayFailed.runId}`);
  assert(lines[1]?.startsWith("workflow_article  AGENT  "));
  assert(lines[2]?.startsWith("├─ write  CHAIN  "), lines[2]);
  assertStringIncludes(lines[2] ?? "", "20 in / 10 out  $0.00000900");
  assert(lines[3]?.startsWith("│  └─ ChatModel  CHAT_MODEL  "), lines[3]);
  assertStringIncludes(lines[3] ?? "", "openai/gpt-4o-mini");
  assert(lines[4]?.startsWith("└─ review  CHAIN  "), lines[4]);
  assertStringIncludes(lines[4] ?? "", "✗ ValueError: model returned invalid JSON");
});

Deno.test("buildSpanTree() shows unknown cost up the tree and survives orphans", async () => {
  await using data = await datasetFile("3.9.0");
  const trace = await data.reader().readTrace(data.runs.summaryUnpriced.traceId);
  assert(trace);
  const [root] = buildSpanTree(trace);
  assertEquals(root?.costUsd, undefined);
  assertEquals(root?.children[0]?.llmCalls, 2);
  assertStringIncludes(renderSpanTree(trace, buildSpanTree(trace)), "1,010 in / 510 out  unknown");
  // A span whose parent is missing becomes a root instead of disappearing.
  const orphaned: StoredTrace = {
    ...trace,
    spans: trace.spans.filter((span) => span.parentSpanId !== null),
  };
  const roots = buildSpanTree(orphaned);
  assertEquals(roots.map((node) => node.name), ["summarize"]);
  const json = spanTreeToJson(orphaned, roots);
  assertEquals(json.trace_id, trace.traceId);
  const [first] = json.spans as Record<string, unknown>[];
  assertEquals(first?.cost_usd, null);
  assertEquals((first?.children as unknown[]).length, 2);
  assertEquals(typeof first?.start_time_unix_nano, "string");
  JSON.stringify(json);
  assertStringIncludes(renderSpanTree({ ...trace, spans: [] }, []), "(no spans recorded)");
});

Deno.test("buildSpanTree() and renderSpanTree() show the item of each parallel node run", () => {
  const span = (
    spanId: string,
    parentSpanId: string | null,
    attributes: Record<string, unknown>,
  ) => ({
    traceId: "0".repeat(32),
    spanId,
    parentSpanId,
    name: parentSpanId === null ? "workflow_fan" : "answer",
    startTimeUnixNano: BigInt(spanId.length),
    endTimeUnixNano: 1_000_000n,
    status: { code: "OK" as const, message: "" },
    events: [],
    attributes: { "mlflow.spanType": parentSpanId === null ? "AGENT" : "CHAIN", ...attributes },
  });
  const trace: StoredTrace = {
    traceId: "tr-1",
    experimentId: "1",
    requestTimeMs: 0,
    executionTimeMs: 1,
    state: "OK",
    requestPreview: "",
    responsePreview: "",
    metadata: {},
    tags: {},
    spans: [
      span("r", null, {}),
      span("a0", "r", { "configurable_agents.item_index": 0 }),
      // A trace recorded before the attribute: the index among the span's inputs.
      span("a01", "r", { "mlflow.spanInputs": { item: "tides", item_index: 1 } }),
    ],
  };
  const roots = buildSpanTree(trace);
  assertEquals(roots[0]?.children.map((child) => child.itemIndex), [0, 1]);
  const text = renderSpanTree(trace, roots);
  assertStringIncludes(text, "├─ answer[0]  CHAIN");
  assertStringIncludes(text, "└─ answer[1]  CHAIN");
  const json = spanTreeToJson(trace, roots) as { spans: { children: { item_index: number }[] }[] };
  assertEquals(json.spans[0]?.children.map((child) => child.item_index), [0, 1]);
});
