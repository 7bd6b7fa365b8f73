import { assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { defineScorer } from "../../src/evaluation/define_scorer.ts";
import type { Scorer } from "../../src/evaluation/scorer.ts";
import { scoreRecord } from "../../src/evaluation/score_record.ts";
import { scorersOf } from "../../src/evaluation/scorers_of.ts";
import { QA, record } from "./_records.ts";

Deno.test("scoreRecord() runs every scorer and keeps their order, built-in and custom", async () => {
  const scorers = [
    ...scorersOf({
      scorers: [
        { name: "exact", exact_match: { field: "answer" } },
        { name: "cheap", max_cost_usd: 0.001 },
      ],
    }, QA),
    defineScorer({
      name: "slow_first",
      score: () => new Promise((resolve) => setTimeout(() => resolve(1), 5)),
    }),
  ];
  const results = await scoreRecord(scorers, record({ expectations: { answer: "Paris" } }));
  assertEquals(results.map((r) => [r.name, r.value]), [
    ["exact", true],
    ["cheap", false],
    ["slow_first", 1],
  ]);
});

Deno.test("scoreRecord() turns a hand-written scorer's rejection into an error result", async () => {
  const rogue: Scorer = {
    name: "rogue",
    kind: "code",
    score: () => Promise.reject(new Error("no")),
  };
  const misnamed: Scorer = {
    name: "right",
    kind: "code",
    score: () => Promise.resolve({ name: "wrong", value: true, source: { type: "CODE", id: "x" } }),
  };
  const [failed, renamed] = await scoreRecord([rogue, misnamed], record());
  assertEquals(failed, {
    name: "rogue",
    value: null,
    error: { code: "SCORER_FAILED", message: 'Cannot score "rogue" as the scorer threw: no' },
    source: { type: "CODE", id: "rogue" },
  });
  assertStrictEquals(renamed?.name, "right");
});
