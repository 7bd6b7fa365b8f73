import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { checkFailUnder, parseFailUnder } from "../../src/evaluation/fail_under.ts";
import { scorersOf } from "../../src/evaluation/scorers_of.ts";
import { prepareWorkflow } from "../../src/config/prepare_workflow.ts";

Deno.test("parseFailUnder() reads name=number, repeated or separated by commas", () => {
  assertEquals(parseFailUnder(["exact=0.8", "polite=0.9, cheap=1", "v1.x-y=.5"]), [
    { name: "exact", min: 0.8 },
    { name: "polite", min: 0.9 },
    { name: "cheap", min: 1 },
    { name: "v1.x-y", min: 0.5 },
  ]);
  assertEquals(parseFailUnder([]), []);
});

Deno.test("parseFailUnder() explains a value that is not name=number", () => {
  for (
    const bad of [
      "exact",
      "=0.8",
      "exact=",
      "exact=high",
      "exact=NaN",
      "exact=Infinity",
      "exact=0x1",
      "exact=1_0",
    ]
  ) {
    assertThrows(
      () => parseFailUnder([bad]),
      TypeError,
      `Cannot use --fail-under "${bad}" as it is not name=number: write a scorer's name and the lowest mean that passes, such as exact=0.8`,
    );
  }
});

Deno.test("parseFailUnder() names the part of a comma-separated value that is not name=number", () => {
  const cases: [string, string][] = [["exact=0.8,", ""], ["exact=0.8,,polite=1", ""], [
    "a=1,b",
    "b",
  ]];
  for (const [bad, part] of cases) {
    assertThrows(
      () => parseFailUnder([bad]),
      TypeError,
      `Cannot use --fail-under "${bad}" as its part "${part}" is not name=number: write a scorer's name and the lowest mean that passes, such as exact=0.8`,
    );
  }
});

Deno.test("parseFailUnder() checks names against the scorers, with did-you-mean, and once each", () => {
  const names = ["exact", "polite"];
  assertThrows(
    () => parseFailUnder(["exatc=0.8"], { names }),
    RangeError,
    `Cannot use --fail-under "exatc=0.8" as no scorer is named "exatc": did you mean 'exact'?`,
  );
  assertThrows(
    () => parseFailUnder(["zzz=1"], { names }),
    RangeError,
    "known scorers are 'exact', 'polite'",
  );
  assertThrows(
    () => parseFailUnder(["exact=0.8", "exact=0.9"], { names }),
    RangeError,
    `Cannot use --fail-under for "exact" twice: keep one`,
  );
});

Deno.test("parseFailUnder() rejects a threshold above 1 for a pass/fail scorer and takes any number for others", () => {
  const options = { names: ["exact", "score"], passFail: ["exact"] };
  assertThrows(
    () => parseFailUnder(["exact=80"], options),
    RangeError,
    `Cannot use --fail-under "exact=80" as "exact" scores pass/fail, so its mean is a pass rate from 0 to 1: write exact=0.8 for 80%`,
  );
  assertThrows(
    () => parseFailUnder(["score=2,exact=250"], options),
    RangeError,
    `Cannot use --fail-under "exact=250" as "exact" scores pass/fail, so its mean is a pass rate from 0 to 1: write a number from 0 to 1, such as exact=0.8`,
  );
  assertEquals(parseFailUnder(["exact=1", "score=80"], options), [
    { name: "exact", min: 1 },
    { name: "score", min: 80 },
  ]);
});

Deno.test("scorersOf() marks every built-in scorer as pass/fail", () => {
  const workflow = prepareWorkflow({
    schema_version: "1.0",
    flow: { name: "qa" },
    state: { fields: { question: { type: "str", required: true }, answer: { type: "str" } } },
    nodes: [{ id: "answer", prompt: "Answer: {state.question}", outputs: ["answer"] }],
    edges: [{ from: "START", to: "answer" }, { from: "answer", to: "END" }],
    config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
  });
  const scorers = scorersOf({
    scorers: [
      { name: "exact", exact_match: { field: "answer" } },
      { name: "cheap", max_cost_usd: 0.01 },
      { name: "polite", guidelines: "Be polite", field: "answer" },
    ],
  }, workflow);
  assertEquals(scorers.map((scorer) => [scorer.name, scorer.passFail]), [
    ["exact", true],
    ["cheap", true],
    ["polite", true],
  ]);
});

Deno.test("checkFailUnder() fails a mean below its threshold, or no mean at all", () => {
  const outcome = checkFailUnder(
    { exact: { mean: 0.8 }, polite: { mean: 0.79 }, broken: { mean: null } },
    [
      { name: "exact", min: 0.8 },
      { name: "polite", min: 0.8 },
      { name: "broken", min: 0 },
      { name: "absent", min: 0 },
    ],
  );
  assertEquals(outcome.checks.map((c) => [c.name, c.mean, c.passed]), [
    ["exact", 0.8, true],
    ["polite", 0.79, false],
    ["broken", null, false],
    ["absent", null, false],
  ]);
  assertEquals(outcome.failed.map((c) => c.name), ["polite", "broken", "absent"]);
  assertEquals(checkFailUnder({ exact: { mean: 1 } }, []).failed, []);
});
