import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { compareEvaluations, type ScoredRecord } from "../../src/evaluation/compare_evaluations.ts";

function side(...records: [string, Record<string, boolean | number | string | null>][]) {
  return {
    records: records.map(([key, values]): ScoredRecord => ({
      key,
      results: Object.entries(values).map(([name, value]) => ({ name, value })),
    })),
  };
}

Deno.test("compareEvaluations() gives per-scorer deltas and the records that flipped", () => {
  const previous = side(
    ["r1", { exact: true, polite: "yes", score: 4 }],
    ["r2", { exact: false, polite: "no", score: 2 }],
    ["r3", { exact: true, polite: "yes", score: 3 }],
    ["gone", { exact: true }],
  );
  const current = side(
    ["r1", { exact: false, polite: "yes", score: 5 }],
    ["r2", { exact: true, polite: "yes", score: 3 }],
    ["r3", { exact: true, polite: null, score: 1 }],
    ["new", { exact: false }],
  );
  const comparison = compareEvaluations(previous, current);
  assertEquals(
    comparison.scorers.map((s) => [s.name, s.previous?.mean, s.current?.mean, s.meanDelta]),
    [
      ["exact", 0.75, 0.5, -0.25],
      ["polite", 2 / 3, 1, 1 - 2 / 3],
      ["score", 3, 3, 0],
    ],
  );
  assertEquals(comparison.scorers[2]?.passRateDelta, null);
  assertEquals(comparison.passToFail, [{
    key: "r1",
    name: "exact",
    previous: true,
    current: false,
  }]);
  assertEquals(comparison.failToPass, [
    { key: "r2", name: "exact", previous: false, current: true },
    { key: "r2", name: "polite", previous: "no", current: "yes" },
  ]);
  assertEquals(comparison.onlyPrevious, ["gone"]);
  assertEquals(comparison.onlyCurrent, ["new"]);
});

Deno.test("compareEvaluations() lists scorers only one side has, with a null delta", () => {
  const comparison = compareEvaluations(
    side(["r1", { old: true, both: true }]),
    side(["r1", { both: false, fresh: 0.5 }]),
  );
  assertEquals(
    comparison.scorers.map((s) => [s.name, s.previous === null, s.current === null, s.meanDelta]),
    [["both", false, false, -1], ["fresh", true, false, null], ["old", false, true, null]],
  );
});

Deno.test("compareEvaluations() refuses a record key that appears twice on a side", () => {
  assertThrows(
    () => compareEvaluations(side(["r1", { a: true }], ["r1", { a: false }]), side()),
    TypeError,
    'Cannot compare the evaluations as the record key "r1" appears twice in the earlier one',
  );
});
