import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import {
  aggregateScores,
  scoreNumber,
  scorePassed,
} from "../../src/evaluation/aggregate_scores.ts";
import type { ScoreResult, ScoreValue } from "../../src/evaluation/scorer.ts";

const CODE = { type: "CODE", id: "x" } as const;

function results(name: string, values: ScoreValue[]): ScoreResult[] {
  return values.map((value) => ({ name, value, source: CODE }));
}

interface GoldenRows {
  assessments: { name: string; assessment_type: string; value: string; error: unknown }[];
  metrics: { key: string; value: number }[];
}

Deno.test("aggregateScores() gives MLflow's own <name>/mean on its golden evaluation", async () => {
  const rows: GoldenRows = JSON.parse(
    await Deno.readTextFile(new URL("../fixtures/mlflow/golden-eval-rows.json", import.meta.url)),
  );
  // MLflow aggregates feedback only; expectations (HUMAN) are not scores.
  const feedback = rows.assessments.filter((row) => row.assessment_type === "feedback");
  assert(feedback.length === 4, `${feedback.length} feedback rows`);
  const aggregates = aggregateScores(feedback.map((row) => ({
    name: row.name,
    value: JSON.parse(row.value) as ScoreValue,
    source: CODE,
  })));
  const ours = Object.fromEntries(
    Object.entries(aggregates).map(([name, aggregate]) => [`${name}/mean`, aggregate.mean]),
  );
  const mlflow = Object.fromEntries(rows.metrics.map((metric) => [metric.key, metric.value]));
  assertEquals(ours, mlflow);
  assertEquals(mlflow, { "exact_match/mean": 0.5, "length_ok/mean": 1 });
  assertEquals(aggregates.exact_match, { mean: 0.5, passRate: 0.5, count: 2, errors: 0 });
});

Deno.test("aggregateScores() reads values as MLflow does: bools, numbers, yes/no in any case", () => {
  const aggregates = aggregateScores([
    ...results("mixed", [true, false, 0.5, "YES", "no", "maybe", null]),
    ...results("numbers", [1, 2, 6]),
    ...results("labels", ["good", "bad"]),
  ]);
  // mixed: 1 + 0 + 0.5 + 1 + 0 over 5 values; "maybe" and null are left out.
  assertEquals(aggregates.mixed, { mean: 0.5, passRate: 0.5, count: 7, errors: 0 });
  assertEquals(aggregates.numbers, { mean: 3, passRate: null, count: 3, errors: 0 });
  assertEquals(aggregates.labels, { mean: null, passRate: null, count: 2, errors: 0 });
});

Deno.test("aggregateScores() counts errors and leaves them out of the mean", () => {
  const error = { code: "COST_UNKNOWN", message: "unknown" };
  const aggregates = aggregateScores([
    { name: "cheap", value: true, source: CODE },
    { name: "cheap", value: null, error, source: CODE },
    { name: "only_errors", value: null, error, source: CODE },
  ]);
  assertEquals(aggregates.cheap, { mean: 1, passRate: 1, count: 2, errors: 1 });
  assertEquals(aggregates.only_errors, { mean: null, passRate: null, count: 1, errors: 1 });
});

Deno.test("aggregateScores() lists scorers in the order they first appear", () => {
  const aggregates = aggregateScores([
    ...results("b", [true]),
    ...results("a", [true]),
    ...results("b", [false]),
  ]);
  assertEquals(Object.keys(aggregates), ["b", "a"]);
  assertStrictEquals(aggregates.b?.mean, 0.5);
  assertEquals(aggregateScores([]), {});
});

Deno.test("scoreNumber() and scorePassed() tell numbers and verdicts apart", () => {
  assertEquals([true, false, 3, "Yes", "nO", "unknown", null].map(scoreNumber), [
    1,
    0,
    3,
    1,
    0,
    null,
    null,
  ]);
  assertEquals([true, false, 3, "Yes", "nO", "unknown", null].map(scorePassed), [
    true,
    false,
    undefined,
    true,
    false,
    undefined,
    undefined,
  ]);
});
