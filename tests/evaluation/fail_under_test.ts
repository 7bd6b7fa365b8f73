import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { checkFailUnder, parseFailUnder } from "../../src/evaluation/fail_under.ts";

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
