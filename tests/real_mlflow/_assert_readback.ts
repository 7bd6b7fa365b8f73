/**
 * Checks that MLflow's own client reads a run of the example back with everything the README
 * promises: the trace with its state, token usage and cost, its spans with their types (AGENT
 * root, CHAIN per node, CHAT_MODEL per call with usage, model and cost, TOOL per tool call), and
 * the run with its status and metrics; and MLflow 3's GenAI view of a single run and a batch.
 *
 * @module
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import type { GenAiReadback, Readback, RunReport } from "./_real_mlflow.ts";

type Usage = RunReport["usage"];

/** Dollar amounts agree to a billionth of a cent. */
function assertClose(actual: unknown, expected: number, message: string): void {
  assert(
    typeof actual === "number" && Math.abs(actual - expected) < 1e-11,
    `${message}: ${actual} is not ${expected}`,
  );
}

function usageOf(value: unknown): Usage {
  const data = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, number>;
  return {
    input_tokens: Number(data.input_tokens),
    output_tokens: Number(data.output_tokens),
    total_tokens: Number(data.total_tokens),
  };
}

/**
 * Asserts that `readback` holds the run `report` describes, as the example records it.
 *
 * @param readback What MLflow's client read.
 * @param report What `run --json` printed.
 * @param where Names the store in failure messages.
 */
export function assertExampleRun(readback: Readback, report: RunReport, where: string): void {
  const trace = readback.traces.find((candidate) => candidate.trace_id === report.traceId);
  assert(trace !== undefined, `${where}: trace ${report.traceId} is missing`);
  assertEquals(trace.state, "OK", where);
  assertEquals(trace.token_usage, report.usage, `${where}: trace token usage`);
  const cost = JSON.parse(trace.metadata["mlflow.trace.cost"] ?? "null");
  assertClose(cost?.total_cost, report.costUsd, `${where}: trace cost`);
  assertEquals(trace.tags["mlflow.traceName"], "workflow_article_writer", where);

  const types = trace.spans.map((span) => span.span_type).sort();
  assertEquals(types, [
    "AGENT",
    "CHAIN",
    "CHAIN",
    "CHAT_MODEL",
    "CHAT_MODEL",
    "CHAT_MODEL",
    "CHAT_MODEL",
    "TOOL",
  ], `${where}: span types`);
  const root = trace.spans.find((span) => span.parent_id === null);
  assertEquals([root?.name, root?.span_type], ["workflow_article_writer", "AGENT"], where);
  const calls = trace.spans.filter((span) => span.span_type === "CHAT_MODEL");
  const sum = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  let callCost = 0;
  for (const call of calls) {
    const usage = usageOf(call.attributes["mlflow.chat.tokenUsage"]);
    sum.input_tokens += usage.input_tokens;
    sum.output_tokens += usage.output_tokens;
    sum.total_tokens += usage.total_tokens;
    assertEquals(typeof call.attributes["mlflow.llm.model"], "string", `${where}: model`);
    const spanCost = call.attributes["mlflow.llm.cost"] as Record<string, number> | undefined;
    assert(spanCost !== undefined, `${where}: ${call.name} has no mlflow.llm.cost`);
    callCost += spanCost.total_cost ?? 0;
  }
  assertEquals(sum, report.usage, `${where}: span token usage`);
  assertClose(callCost, report.costUsd, `${where}: span cost`);

  const runId = trace.metadata["mlflow.sourceRun"];
  const run = readback.runs.find((candidate) => candidate.run_id === runId);
  assert(run !== undefined, `${where}: run ${runId} of trace ${report.traceId} is missing`);
  assertEquals(run.status, "FINISHED", where);
  assertEquals(run.experiment_id, trace.experiment_id, where);
  assertEquals(run.metrics.total_tokens, report.usage.total_tokens, `${where}: total_tokens`);
  assertEquals(run.metrics.total_input_tokens, report.usage.input_tokens, where);
  assertEquals(run.metrics.total_output_tokens, report.usage.output_tokens, where);
  assertClose(run.metrics.total_cost_usd, report.costUsd, `${where}: total_cost_usd`);
  assertEquals(run.metrics.node_count, 2, where);
  assertEquals(run.params.workflow_name, "article_writer", where);
}

/**
 * Asserts MLflow 3's GenAI model as MLflow's own client sees it: the single run and the batch
 * link their traces to one agent version (LoggedModel) that lists them
 * (`mlflow.search_traces(model_id=...)`); the single run has no MLflow run; the batch has exactly
 * one, with its aggregate metrics and its traces linked (`mlflow.search_traces(run_id=...)`).
 *
 * @param genai What MLflow's client read.
 * @param single What `run --json` printed for the single run.
 * @param batch What the batch printed, one report per run.
 * @param where Names the store in failure messages.
 */
export function assertGenAiModel(
  genai: GenAiReadback,
  single: RunReport,
  batch: readonly RunReport[],
  where: string,
): void {
  const { model } = genai;
  assert(model !== null, `${where}: trace ${single.traceId} links to no agent version`);
  assert(/^article_writer-[0-9a-f]{8}$/.test(model.name), `${where}: version ${model.name}`);
  assertEquals(model.params.workflow, "article_writer", where);
  for (const report of [single, ...batch]) {
    assert(
      model.traces.includes(report.traceId),
      `${where}: agent version ${model.name} does not list trace ${report.traceId}`,
    );
  }
  const holding = genai.runs.filter((run) => run.traces.includes(single.traceId));
  assertEquals(holding.map((run) => run.run_id), [], `${where}: runs of the single run`);
  const batches = genai.runs.filter((run) => run.tags["configurable_agents.run_kind"] === "batch");
  assertEquals(batches.length, 1, `${where}: batch runs`);
  const [run] = batches;
  assertEquals(run?.traces, batch.map((report) => report.traceId).sort(), `${where}: batch traces`);
  assertEquals(
    [run?.metrics.runs, run?.metrics.succeeded, run?.metrics.failed],
    [batch.length, batch.length, 0],
    `${where}: batch counts`,
  );
  assertEquals(
    run?.metrics.total_tokens,
    batch.reduce((sum, report) => sum + report.usage.total_tokens, 0),
    `${where}: batch tokens`,
  );
  assertClose(
    run?.metrics.total_cost_usd,
    batch.reduce((sum, report) => sum + report.costUsd, 0),
    `${where}: batch cost`,
  );
}
