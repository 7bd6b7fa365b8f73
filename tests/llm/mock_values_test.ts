import { mockValue, seededRandom } from "../../src/llm/_mock_values.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";

function values(schema: Record<string, unknown>, name: string): unknown[] {
  return Array.from(
    { length: 40 },
    (_, seed) => mockValue(schema, name, { random: seededRandom(seed, name), subject: undefined }),
  );
}

Deno.test("mockValue() keeps a number within the range its description states", () => {
  for (
    const description of [
      "Quality from 1 to 5",
      "A 1-5 rating",
      "Rate it between 1 and 5",
      "1..5, higher is better",
    ]
  ) {
    const seen = values({ type: "integer", description }, "quality");
    assert(
      seen.every((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5),
      `${description}: ${seen}`,
    );
    assert(new Set(seen).size > 1, description);
  }
  const fractions = values({ type: "number", description: "Confidence, 0 to 1" }, "x");
  assert(fractions.every((v) => (v as number) >= 0 && (v as number) <= 1), String(fractions));
});

Deno.test("mockValue() picks text among the values its description lists", () => {
  const seen = new Set(
    values({ type: "string", description: "One of: approve, revise or reject" }, "verdict"),
  );
  assertEquals([...seen].sort(), ["approve", "reject", "revise"]);
});

Deno.test("mockValue() lets explicit schema bounds win over a description", () => {
  const seen = values(
    { type: "integer", minimum: 2, maximum: 3, description: "from 1 to 100" },
    "n",
  );
  assert(seen.every((v) => v === 2 || v === 3), String(seen));
});
