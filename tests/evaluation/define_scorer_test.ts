import { assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";
import {
  type CustomScore,
  defineScorer,
  type ScorerDefinition,
} from "../../src/evaluation/define_scorer.ts";
import { record } from "./_records.ts";

async function scoreOf(score: ScorerDefinition["score"]) {
  return await defineScorer({ name: "custom", score }).score(record(), {});
}

Deno.test("defineScorer() accepts a bool, a number, a label, null, or a value with a rationale", async () => {
  const cases: [CustomScore, unknown][] = [
    [true, { name: "custom", value: true, source: { type: "CODE", id: "custom" } }],
    [0.75, { name: "custom", value: 0.75, source: { type: "CODE", id: "custom" } }],
    ["great", { name: "custom", value: "great", source: { type: "CODE", id: "custom" } }],
    [null, { name: "custom", value: null, source: { type: "CODE", id: "custom" } }],
    [
      { value: false, rationale: "too long" },
      {
        name: "custom",
        value: false,
        rationale: "too long",
        source: { type: "CODE", id: "custom" },
      },
    ],
  ];
  for (const [returned, expected] of cases) {
    assertEquals(await scoreOf(() => returned), expected, JSON.stringify(returned));
    assertEquals(await scoreOf(() => Promise.resolve(returned)), expected);
  }
});

Deno.test("defineScorer() passes the record and the context to the function", async () => {
  const seen: unknown[] = [];
  const scorer = defineScorer({
    name: "spy",
    score: (input, context) => {
      seen.push(input.outputs.answer, context.signal?.aborted);
      return true;
    },
  });
  await scorer.score(record(), { signal: new AbortController().signal });
  assertEquals(seen, ["Paris", false]);
});

Deno.test("defineScorer() turns a throw, a rejection or an invalid value into an error result", async () => {
  const thrown = await scoreOf(() => {
    throw new Error("boom");
  });
  assertEquals(thrown, {
    name: "custom",
    value: null,
    error: { code: "SCORER_FAILED", message: 'Cannot score "custom" as the scorer threw: boom' },
    source: { type: "CODE", id: "custom" },
  });
  const rejected = await scoreOf(() => Promise.reject(new RangeError("late")));
  assertStrictEquals(rejected.error?.message, 'Cannot score "custom" as the scorer threw: late');
  for (
    const bad of [Number.NaN, Infinity, undefined, { rationale: "no value" }, [1], { value: {} }]
  ) {
    const result = await scoreOf(() => bad as CustomScore);
    assertStrictEquals(result.value, null, JSON.stringify(bad));
    assertStrictEquals(result.error?.code, "SCORE_INVALID", JSON.stringify(bad));
  }
  const badRationale = await scoreOf(() =>
    ({ value: true, rationale: 3 }) as unknown as CustomScore
  );
  assertStrictEquals(badRationale.error?.code, "SCORE_INVALID");
});

Deno.test("defineScorer() keeps a given source, and a judge's source makes a judge", async () => {
  const scorer = defineScorer({
    name: "my_judge",
    source: { type: "LLM_JUDGE", id: "anthropic:/claude-haiku-4-5" },
    score: () => "yes",
  });
  assertStrictEquals(scorer.kind, "judge");
  assertEquals((await scorer.score(record(), {})).source, {
    type: "LLM_JUDGE",
    id: "anthropic:/claude-haiku-4-5",
  });
});

Deno.test("defineScorer() refuses a name that cannot name a metric, and a missing function", () => {
  assertThrows(
    () => defineScorer({ name: "has space", score: () => true }),
    TypeError,
    'Cannot use "has space" as a scorer name',
  );
  assertThrows(
    () => defineScorer({ name: "__proto__", score: () => true }),
    TypeError,
    'Cannot use the name "__proto__" as it is reserved',
  );
  assertThrows(
    () => defineScorer({ name: "x" } as unknown as ScorerDefinition),
    TypeError,
    `Cannot define the scorer "x" as its 'score' is not a function`,
  );
});
