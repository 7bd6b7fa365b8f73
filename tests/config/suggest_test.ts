import { assertStrictEquals } from "../_helpers/assert.ts";
import { closestName, quoteList, suggestName } from "../../src/config/suggest.ts";
import { formatJsonPath, sortDiagnostics } from "../../src/config/diagnostic.ts";

Deno.test("closestName() finds a candidate within edit distance 2, ignoring case", () => {
  assertStrictEquals(closestName("promt", ["outputs", "prompt", "prompt_file"]), "prompt");
  assertStrictEquals(closestName("OUTPUT", ["outputs"]), "outputs");
  assertStrictEquals(closestName("xyz", ["outputs"]), undefined);
  assertStrictEquals(closestName("abcd", ["abxy"]), "abxy");
  assertStrictEquals(closestName("abcd", ["axyz"]), undefined);
  assertStrictEquals(closestName("abc", ["abc"]), undefined, "the name itself is no suggestion");
  assertStrictEquals(closestName("ab", ["abcd"], { maxDistance: 1 }), undefined);
});

Deno.test("suggestName() suggests the close name, else lists the known ones once", () => {
  assertStrictEquals(suggestName("nmae", ["name", "description"], "keys"), "did you mean 'name'?");
  assertStrictEquals(suggestName("zzz", ["a", "b", "a"], "keys"), "known keys are 'a', 'b'");
  assertStrictEquals(suggestName("zzz", []), undefined);
  assertStrictEquals(quoteList([]), "none");
});

Deno.test("formatJsonPath() writes paths as the file reads", () => {
  assertStrictEquals(formatJsonPath(["nodes", 0, "outputs", 1]), "nodes[0].outputs[1]");
  assertStrictEquals(formatJsonPath(["state", "fields", "my field"]), 'state.fields["my field"]');
  assertStrictEquals(formatJsonPath([]), "(root)");
});

Deno.test("sortDiagnostics() orders by line and column, unplaced last, stable", () => {
  const d = (code: string, line?: number, column?: number) => ({
    severity: "error" as const,
    code,
    message: code,
    path: [],
    ...(line === undefined ? {} : { line }),
    ...(column === undefined ? {} : { column }),
  });
  const sorted = sortDiagnostics([
    d("c", 3, 1),
    d("none"),
    d("a", 1, 5),
    d("b", 1, 5),
    d("z", 1, 2),
  ]);
  assertStrictEquals(sorted.map((x) => x.code).join(""), "zabcnone");
});
