/**
 * `evaluateWorkflow()`: records are checked before anything runs, every run is scored, and the
 * evaluation lands in a SQLite file with the rows MLflow's own `mlflow.genai.evaluate` writes
 * (golden-eval-rows.json): the run, the traces linked to it, feedback and expectations.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "../_helpers/assert.ts";
import { evaluateWorkflow } from "../../src/runtime/evaluate_workflow.ts";
import { flushTracking } from "../../src/runtime/flush_tracking.ts";
import { parseDataset } from "../../src/evaluation/parse_dataset.ts";
import { defineScorer } from "../../src/evaluation/define_scorer.ts";
import { scorersOf } from "../../src/evaluation/scorers_of.ts";
import { isWorkflowError } from "../../src/errors.ts";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { GREETING, loaded, queryRows, tempDir } from "./_helpers.ts";
import { readMlflowFixture } from "../tracking/_helpers.ts";

type Row = Record<string, unknown>;

const EVALUATED: WorkflowInput = {
  ...GREETING,
  evaluation: {
    scorers: [
      { name: "greeted", type_check: { field: "greeting", type: "str" } },
      { name: "exact", exact_match: { field: "greeting", expected: "greeting" } },
      { name: "cheap", max_cost_usd: 0.5 },
      { name: "warm", guidelines: "The greeting is warm.", field: "greeting" },
    ],
  },
};

const DATASET = [
  '{"inputs": {"name": "Ada"}, "expectations": {"greeting": "Hello Ada"}, "tags": {"who": "ada"}}',
  '{"inputs": {"nmae": "Bob"}}',
  '{"inputs": {"name": "Grace"}, "expectations": {"greeting": "Hi Grace"}}',
  '{"inputs": {"name": "Alan"}}',
].join("\n");

function golden(): Record<string, Row[]> {
  return JSON.parse(readMlflowFixture("golden-eval-rows.json"));
}

function columns(rows: Row[]): string[] {
  return Object.keys(rows[0] ?? {}).sort();
}

Deno.test("evaluateWorkflow() scores every valid record and reports the others with their lines", async () => {
  const dataset = await parseDataset(DATASET, { file: "greetings.jsonl" });
  const seen: number[] = [];
  const result = await evaluateWorkflow(loaded(EVALUATED), dataset, {
    mock: true,
    tracker: false,
    concurrency: 2,
    onRecord: (evaluation) => void seen.push(evaluation.record.line),
  });
  assertEquals(result.records.map((evaluation) => evaluation.record.line), [1, 3, 4]);
  assertEquals(seen.sort(), [1, 3, 4]);
  assertEquals(result.problems.map((problem) => problem.line), [2]);
  assertEquals(result.scorers, ["greeted", "exact", "cheap", "warm"]);
  assertEquals(result.dataset.records, 4);
  const byName = (line: number, name: string) =>
    result.records.find((e) => e.record.line === line)?.scores.find((s) => s.name === name);
  assertEquals(byName(1, "greeted")?.value, true);
  // The mock's greeting is not the expected one; a record without that expectation errors.
  assertEquals(byName(1, "exact")?.value, false);
  assertEquals(byName(4, "exact")?.value, null);
  assert(byName(4, "exact")?.error !== undefined);
  assertEquals(result.aggregates.greeted?.mean, 1);
  assertEquals(result.aggregates.exact?.errors, 1);
  const warm = byName(1, "warm");
  assert(warm?.value === "yes" || warm?.value === "no", String(warm?.value));
  assertEquals(warm?.source, { type: "LLM_JUDGE", id: "openai:/gpt-4o-mini" });
  // Judges' spend is apart from the runs'.
  assertEquals(result.judges.count, 3);
  assertEquals(result.runs.count, 3);
  assert(result.judges.usage.total_tokens > 0 && result.runs.usage.total_tokens > 0);
  assertEquals(result.runKey, undefined);
});

Deno.test("evaluateWorkflow() turns a scorer that throws into a score with its error", async () => {
  const dataset = await parseDataset('{"inputs": {"name": "Ada"}}\n', { file: "one.jsonl" });
  const result = await evaluateWorkflow(loaded(GREETING), dataset, {
    mock: true,
    tracker: false,
    scorers: [
      defineScorer({ name: "fine", score: () => true }),
      defineScorer({
        name: "broken",
        score: () => {
          throw new Error("boom");
        },
      }),
    ],
  });
  const [fine, broken] = result.records[0]?.scores ?? [];
  assertEquals(fine?.value, true);
  assertEquals(broken?.value, null);
  assertMatch(broken?.error?.message ?? "", /boom/);
  assertEquals(result.aggregates.broken, { mean: null, passRate: null, count: 1, errors: 1 });
});

Deno.test("evaluateWorkflow() refuses a workflow without scorers before anything runs", async () => {
  const dataset = await parseDataset('{"inputs": {"name": "Ada"}}\n', { file: "one.jsonl" });
  const error = await assertRejects(() =>
    evaluateWorkflow(loaded(GREETING), dataset, { mock: true, tracker: false })
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_INVALID");
  assertMatch(error.message, /^Cannot evaluate "greeting" as it has no scorers$/);
  await assertRejects(
    () => evaluateWorkflow(loaded(EVALUATED), dataset, { concurrency: 0, tracker: false }),
    RangeError,
    "Cannot evaluate the workflow as concurrency must be a whole number",
  );
});

Deno.test("evaluateWorkflow() writes the evaluation into SQLite as mlflow.genai.evaluate does", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const dataset = await parseDataset(DATASET, { file: `${dir.path}/greetings.jsonl` });
  const scorers = scorersOf(EVALUATED.evaluation!, loaded(EVALUATED));
  const result = await evaluateWorkflow(loaded(EVALUATED), dataset, {
    mock: true,
    scorers: [
      ...scorers,
      defineScorer({
        name: "broken",
        score: () => {
          throw new Error("boom");
        },
      }),
    ],
    trackingUri: `sqlite:///${db}`,
    deps: { cwd: dir.path, env: (name) => (name === "USER" ? "root" : undefined) },
    warn: (message) => {
      throw new Error(`unexpected warning: ${message}`);
    },
  });
  await flushTracking();
  const eval_ = golden();
  const rows = (table: string) => queryRows(db, `SELECT * FROM ${table}`);
  const key = result.runKey;
  assert(key !== undefined);

  const runs = rows("runs");
  assertEquals(columns(runs), columns(eval_.runs ?? []));
  assertEquals(runs.map((run) => [run.run_uuid, run.status]), [[key, "FINISHED"]]);
  const tags = Object.fromEntries(rows("tags").map((tag) => [tag.key, tag.value]));
  assertEquals(tags["mlflow.runType"], "genai_evaluate");
  for (const { key: tag } of eval_.tags ?? []) assert(String(tag) in tags, String(tag));
  const params = Object.fromEntries(rows("params").map((param) => [param.key, param.value]));
  assertEquals(params.dataset_digest, dataset.digest);
  assertEquals(params.dataset, dataset.source);
  assertEquals(JSON.parse(String(params.scorers)), ["greeted", "exact", "cheap", "warm", "broken"]);
  const metrics = Object.fromEntries(rows("latest_metrics").map((m) => [m.key, m.value]));
  assertEquals(metrics["greeted/mean"], 1);
  assertEquals(metrics["cheap/mean"], 1);
  assertEquals(metrics["exact/mean"], result.aggregates.exact?.mean);
  assertEquals(metrics["warm/mean"], result.aggregates.warm?.mean);
  assertEquals("broken/mean" in metrics, false, "a scorer without a mean has no metric");
  assertEquals(metrics.judge_calls, 3);
  assertEquals(metrics.judge_total_tokens, result.judges.usage.total_tokens);
  assertEquals([metrics.runs, metrics.succeeded], [3, 3]);

  // Every trace is linked to the run, with its request id and record key.
  const traceIds = result.records.map((evaluation) => evaluation.traceId);
  assertEquals(traceIds.filter((id) => id !== undefined).length, 3);
  const associations = rows("entity_associations");
  assertEquals(columns(associations), columns(eval_.entity_associations ?? []));
  assertEquals(
    associations.map((row) => [row.source_id, row.destination_type, row.destination_id]).sort(),
    traceIds.map((id) => [id, "run", key]).sort(),
  );
  const traceTags = rows("trace_tags");
  for (const evaluation of result.records) {
    const tagsOf = Object.fromEntries(
      traceTags.filter((row) => row.request_id === evaluation.traceId).map((
        row,
      ) => [row.key, row.value]),
    );
    assertMatch(String(tagsOf["mlflow.eval.requestId"]), /^[0-9a-f-]{36}$/);
    assertEquals(tagsOf["configurable_agents.eval.recordKey"], evaluation.key);
    const source = queryRows(
      db,
      "SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = 'mlflow.sourceRun'",
      [String(evaluation.traceId)],
    );
    assertEquals(source, [{ value: key }]);
  }
  assertEquals(
    traceTags.find((row) => row.request_id === traceIds[0] && row.key === "who")?.value,
    "ada",
    "record tags become trace tags",
  );

  // Feedback per scorer (CODE, or LLM_JUDGE with the judge model), expectations from HUMAN.
  const assessments = rows("assessments");
  assertEquals(columns(assessments), columns(eval_.assessments ?? []));
  assertEquals(assessments.length, 3 * 5 + 2);
  for (const row of assessments) {
    assertEquals(JSON.parse(String(row.assessment_metadata))["mlflow.assessment.sourceRunId"], key);
    assertEquals([row.valid, row.run_id, row.overrides], [1, null, null]);
  }
  const find = (traceId: string | undefined, name: string) =>
    assessments.find((row) => row.trace_id === traceId && row.name === name);
  const greeted = find(traceIds[0], "greeted");
  assertEquals(
    [greeted?.assessment_type, greeted?.value, greeted?.source_type, greeted?.source_id],
    ["feedback", "true", "CODE", "greeted"],
  );
  const warm = find(traceIds[0], "warm");
  assertEquals([warm?.source_type, warm?.source_id], ["LLM_JUDGE", "openai:/gpt-4o-mini"]);
  assert(typeof warm?.rationale === "string" && warm.rationale.length > 0);
  const judgeMetadata = JSON.parse(String(warm?.assessment_metadata));
  assert(Number(judgeMetadata["configurable_agents.judge.total_tokens"]) > 0);
  assert(Number(judgeMetadata["configurable_agents.judge.cost_usd"]) > 0);
  const broken = find(traceIds[0], "broken");
  assertEquals(broken?.value, "null");
  assertEquals(JSON.parse(String(broken?.error)).error_code, "SCORER_FAILED");
  const expectation = find(traceIds[0], "greeting");
  assertEquals(
    [
      expectation?.assessment_type,
      expectation?.value,
      expectation?.source_type,
      expectation?.source_id,
    ],
    ["expectation", '"Hello Ada"', "HUMAN", "root"],
  );

  // The dataset as the run's input.
  const datasets = rows("datasets");
  assertEquals(columns(datasets), columns(eval_.datasets ?? []));
  assertEquals(datasets.map((row) => [row.name, row.digest]), [[
    "greetings.jsonl",
    dataset.digest,
  ]]);
  assertEquals(
    rows("inputs").map((row) => [row.source_type, row.destination_type, row.destination_id]),
    [["DATASET", "RUN", key]],
  );
});
