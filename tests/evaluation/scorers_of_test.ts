import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "../_helpers/assert.ts";
import type { ScorerInput } from "../../src/config/workflow_types.ts";
import { WorkflowError } from "../../src/errors.ts";
import type { ScoreInput, ScoreResult } from "../../src/evaluation/scorer.ts";
import { scorersOf } from "../../src/evaluation/scorers_of.ts";
import { FAILED, QA, record } from "./_records.ts";

/** Scores one record with one scorer made by `scorersOf`. */
async function score(scorer: ScorerInput, input: ScoreInput): Promise<ScoreResult> {
  const [made] = scorersOf({ scorers: [scorer] }, QA);
  assert(made, "one scorer");
  return await made.score(input, {});
}

/** Scores a record that passes and one that fails, and returns both values. */
async function passAndFail(
  scorer: ScorerInput,
  pass: ScoreInput,
  fail: ScoreInput,
): Promise<[ScoreResult, ScoreResult]> {
  const passed = await score(scorer, pass);
  const failed = await score(scorer, fail);
  assertStrictEquals(passed.value, true, JSON.stringify(passed));
  assertStrictEquals(failed.value, false, JSON.stringify(failed));
  for (const result of [passed, failed]) {
    assertStrictEquals(result.name, scorer.name);
    assertEquals(result.source, { type: "CODE", id: scorer.name });
    assertStrictEquals(result.error, undefined);
    assert(result.rationale, "a rationale");
  }
  return [passed, failed];
}

Deno.test("scorersOf() makes one scorer per entry, in order, with its kind", () => {
  const scorers = scorersOf({
    scorers: [
      { name: "a", max_tokens: 5 },
      { name: "b", relevance: true },
      { name: "c", regex: { field: "answer", pattern: "x" } },
    ],
  }, QA);
  assertEquals(scorers.map((s) => [s.name, s.kind]), [["a", "code"], ["b", "judge"], [
    "c",
    "code",
  ]]);
  assertStrictEquals(scorers[0]?.judge, undefined);
  assertStrictEquals(scorers[1]?.judge?.model, "openai:/gpt-4o-mini");
});

Deno.test("scorersOf() checks the scorers against the workflow and throws CONFIG_INVALID", () => {
  const error = assertThrows(
    () => scorersOf({ scorers: [{ name: "a", exact_match: { field: "anwser" } }] }, QA),
    WorkflowError,
    "Cannot make the scorers as they have 1 error",
  );
  assertInstanceOf(error, WorkflowError);
  assertStrictEquals(error.code, "CONFIG_INVALID");
  assertEquals(error.diagnostics.map((d) => [d.code, d.suggestion]), [
    ["unknown_field", "did you mean 'answer'?"],
  ]);
});

Deno.test("exact_match passes on an equal expectation and fails on another", async () => {
  const [passed, failed] = await passAndFail(
    { name: "exact", exact_match: { field: "answer" } },
    record({ expectations: { answer: "Paris" } }),
    record({ expectations: { answer: "Lyon" } }),
  );
  assertStrictEquals(passed.rationale, `"answer" equals the expected "Paris"`);
  assertStrictEquals(failed.rationale, `"answer" is "Paris", expected "Lyon"`);
});

Deno.test("exact_match compares text as written unless told to trim or ignore case", async () => {
  const input = record({
    outputs: { answer: "  paris " },
    expectations: { capital: "Paris" },
  });
  const strict = await score(
    { name: "x", exact_match: { field: "answer", expected: "capital" } },
    input,
  );
  assertStrictEquals(strict.value, false);
  const loose = await score({
    name: "x",
    exact_match: { field: "answer", expected: "capital", trim: true, ignore_case: true },
  }, input);
  assertStrictEquals(loose.value, true);
});

Deno.test("exact_match compares other values as JSON, key order aside", async () => {
  await passAndFail(
    { name: "p", exact_match: { field: "profile" } },
    record({
      outputs: { profile: { name: "Ada", age: 36 } },
      expectations: { profile: { age: 36, name: "Ada" } },
    }),
    record({
      outputs: { profile: { name: "Ada", age: 37 } },
      expectations: { profile: { age: 36, name: "Ada" } },
    }),
  );
  await passAndFail(
    { name: "n", exact_match: { field: "profile.age" } },
    record({ outputs: { profile: { name: "Ada", age: 36 } }, expectations: { "profile.age": 36 } }),
    record({
      outputs: { profile: { name: "Ada", age: 36 } },
      expectations: { "profile.age": "36" },
    }),
  );
});

Deno.test("a dotted expectation is a key first, else a path into the expectations", async () => {
  const outputs = { profile: { name: "Ada", age: 36 } };
  const scorer = { name: "age", exact_match: { field: "profile.age" } };
  await passAndFail(
    scorer,
    record({ outputs, expectations: { profile: { age: 36 } } }),
    record({ outputs, expectations: { profile: { age: 37 } } }),
  );
  const both = await score(
    scorer,
    record({ outputs, expectations: { "profile.age": 36, profile: { age: 37 } } }),
  );
  assertStrictEquals(both.value, true, "the key wins over the path");
  const missing = await score(scorer, record({ outputs, expectations: { profile: { name: 1 } } }));
  assertStrictEquals(missing.error?.code, "EXPECTATION_MISSING");
});

Deno.test("a missing expectation is an error result, not a failure and not a throw", async () => {
  const result = await score(
    { name: "exact", exact_match: { field: "answer", expected: "capital" } },
    record({ expectations: { answer: "Paris" } }),
  );
  assertStrictEquals(result.value, null);
  assertEquals(result.error, {
    code: "EXPECTATION_MISSING",
    message: `Cannot score "exact" as the record has no expectation "capital": it has "answer"`,
  });
  const none = await score({ name: "c", contains: { field: "answer", expected: "k" } }, record());
  assertStrictEquals(
    none.error?.message,
    `Cannot score "c" as the record has no expectation "k": it has none`,
  );
});

Deno.test("contains looks for a fixed text or an expectation, with or without case", async () => {
  await passAndFail(
    { name: "m", contains: { field: "answer", text: "ari" } },
    record(),
    record({ outputs: { answer: "Lyon" } }),
  );
  await passAndFail(
    { name: "m", contains: { field: "answer", expected: "city", ignore_case: true } },
    record({ outputs: { answer: "It is PARIS." }, expectations: { city: "paris" } }),
    record({ outputs: { answer: "It is Lyon." }, expectations: { city: "paris" } }),
  );
  // Any other value is searched as compact JSON.
  await passAndFail(
    { name: "t", contains: { field: "tags", text: '"geo"' } },
    record({ outputs: { tags: ["geo", "eu"] } }),
    record({ outputs: { tags: ["geology"] } }),
  );
});

Deno.test("regex matches anywhere unless anchored, with its flags", async () => {
  const [, failed] = await passAndFail(
    { name: "r", regex: { field: "answer", pattern: "^[A-Z][a-z]+$" } },
    record(),
    record({ outputs: { answer: "paris, France" } }),
  );
  assertStrictEquals(failed.rationale, `"answer" does not match /^[A-Z][a-z]+$/`);
  await passAndFail(
    { name: "r", regex: { field: "answer", pattern: "^line two$", flags: "mi" } },
    record({ outputs: { answer: "line one\nLINE TWO" } }),
    record({ outputs: { answer: "line one LINE TWO" } }),
  );
});

Deno.test("regex gives the same verdict on every record (its flags keep no state)", async () => {
  const [scorer] = scorersOf(
    { scorers: [{ name: "r", regex: { field: "answer", pattern: "a" } }] },
    QA,
  );
  const values = [];
  for (let i = 0; i < 3; i++) values.push((await scorer!.score(record(), {})).value);
  assertEquals(values, [true, true, true]);
});

Deno.test("numeric_within passes within the tolerance, absolute or relative, inclusive", async () => {
  await passAndFail(
    { name: "n", numeric_within: { field: "total", tolerance: 0.5 } },
    record({ outputs: { total: 10.5 }, expectations: { total: 10 } }),
    record({ outputs: { total: 10.51 }, expectations: { total: 10 } }),
  );
  await passAndFail(
    { name: "n", numeric_within: { field: "total", value: 200, tolerance: 0.05, relative: true } },
    record({ outputs: { total: 190 } }),
    record({ outputs: { total: 189 } }),
  );
  // A rounding error in the last bits is not a miss.
  const exact = await score(
    { name: "n", numeric_within: { field: "total", value: 0.3 } },
    record({ outputs: { total: 0.1 + 0.2 } }),
  );
  assertStrictEquals(exact.value, true);
});

Deno.test("numeric_within fails on an answer that is not a number, errs on such an expectation", async () => {
  const text = await score(
    { name: "n", numeric_within: { field: "total", value: 1 } },
    record({ outputs: { total: "1" } }),
  );
  assertStrictEquals(text.value, false);
  assertStrictEquals(text.rationale, `"total" is "1", not a number`);
  const bad = await score(
    { name: "n", numeric_within: { field: "total" } },
    record({ outputs: { total: 3 }, expectations: { total: "3" } }),
  );
  assertEquals(bad.error?.code, "EXPECTATION_INVALID");
  assertStrictEquals(bad.value, null);
});

Deno.test("json_valid passes text that parses as JSON, of a type when given", async () => {
  const [, failed] = await passAndFail(
    { name: "j", json_valid: { field: "raw" } },
    record({ outputs: { raw: '{"a": [1, 2]}' } }),
    record({ outputs: { raw: "{a: 1}" } }),
  );
  assertStringIncludes(failed.rationale ?? "", `"raw" is not JSON: `);
  const [, wrongType] = await passAndFail(
    { name: "j", json_valid: { field: "raw", type: "dict[str, list[int]]" } },
    record({ outputs: { raw: '{"a": [1, 2]}' } }),
    record({ outputs: { raw: '{"a": [1, 2.5]}' } }),
  );
  assertStringIncludes(
    wrongType.rationale ?? "",
    `"raw" is JSON but not of type "dict[str, list[int]]" at a.1`,
  );
});

Deno.test("type_check passes a value of the type, with bounds and enumerations", async () => {
  const [passed, failed] = await passAndFail(
    { name: "t", type_check: { field: "tags", type: "list[enum[geo, eu]]" } },
    record({ outputs: { tags: ["geo", "eu"] } }),
    record({ outputs: { tags: ["geo", "asia"] } }),
  );
  assertStrictEquals(passed.rationale, `"tags" is of type "list[enum[geo, eu]]"`);
  assertStringIncludes(failed.rationale ?? "", `"tags" is not of type "list[enum[geo, eu]]" at 1`);
  await passAndFail(
    { name: "t", type_check: { field: "profile.age", type: "int[0..150]" } },
    record({ outputs: { profile: { name: "Ada", age: 36 } } }),
    record({ outputs: { profile: { name: "Ada", age: 151 } } }),
  );
});

Deno.test("a field without a value fails every field check, with the reason", async () => {
  for (
    const scorer of [
      { name: "a", contains: { field: "tags", text: "x" } },
      { name: "b", regex: { field: "tags", pattern: ".*" } },
      { name: "c", json_valid: { field: "tags" } },
      { name: "d", type_check: { field: "tags", type: "list" } },
      { name: "e", numeric_within: { field: "total", value: 0 } },
    ] satisfies ScorerInput[]
  ) {
    const result = await score(scorer, record());
    assertStrictEquals(result.value, false, scorer.name);
    assertStringIncludes(result.rationale ?? "", "has no value");
  }
  // exact_match compares null like any value.
  const nulls = await score(
    { name: "x", exact_match: { field: "tags" } },
    record({
      expectations: { tags: null },
    }),
  );
  assertStrictEquals(nulls.value, true);
});

Deno.test("field checks fail a failed run, naming its error", async () => {
  for (
    const scorer of [
      { name: "a", exact_match: { field: "answer" } },
      { name: "b", contains: { field: "answer", text: "x" } },
      { name: "c", regex: { field: "answer", pattern: "." } },
      { name: "d", type_check: { field: "answer", type: "str" } },
    ] satisfies ScorerInput[]
  ) {
    const result = await score(scorer, record({ ...FAILED, expectations: { answer: "Paris" } }));
    assertStrictEquals(result.value, false, scorer.name);
    assertStrictEquals(
      result.rationale,
      "The run failed: LLM_REQUEST_FAILED: 503 from the provider",
    );
  }
});

Deno.test("max_cost_usd passes a run within the limit, fails one over it, errs on unknown cost", async () => {
  const [passed, failed] = await passAndFail(
    { name: "cheap", max_cost_usd: 0.002 },
    record(),
    record({ run: { costUsd: 0.00201 } }),
  );
  assertStrictEquals(passed.rationale, "The run cost $0.002, within $0.002");
  assertStrictEquals(failed.rationale, "The run cost $0.00201, over $0.002");
  const unknown = await score(
    { name: "cheap", max_cost_usd: 1 },
    record({ run: { costUsd: undefined } }),
  );
  assertStrictEquals(unknown.value, null);
  assertStrictEquals(unknown.error?.code, "COST_UNKNOWN");
  // A failed run's spending counts too.
  assertStrictEquals((await score({ name: "cheap", max_cost_usd: 1 }, record(FAILED))).value, true);
});

Deno.test("max_latency_ms and max_tokens hold the run's time and tokens to their limits", async () => {
  const [, slow] = await passAndFail(
    { name: "fast", max_latency_ms: 120 },
    record(),
    record({ run: { durationMs: 121 } }),
  );
  assertStrictEquals(slow.rationale, "The run took 121 ms, over 120 ms");
  const [few] = await passAndFail(
    { name: "small", max_tokens: 30 },
    record(),
    record({ run: { usage: { input_tokens: 30, output_tokens: 1, total_tokens: 31 } } }),
  );
  assertStrictEquals(few.rationale, "The run used 30 tokens, within 30 tokens");
});

Deno.test("a field path reads only the state's own properties", async () => {
  const result = await score(
    { name: "x", contains: { field: "profile.name", text: "function" } },
    record({ outputs: { profile: {} } }),
  );
  assertStrictEquals(result.value, false);
  assertStrictEquals(result.rationale, `"profile.name" has no value`);
});
