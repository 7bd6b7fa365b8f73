import { assertEquals } from "../_helpers/assert.ts";
import { pythonJsonDumps, pythonNumber, toJsonValue } from "../../src/tracking/python_json.ts";
import { parseExactJson } from "./_golden_json.ts";
import { goldenRows } from "./_helpers.ts";

/** Every JSON text MLflow wrote into the golden rows (span content, its attributes, metadata). */
function goldenJsonTexts(): string[] {
  const golden = goldenRows();
  const texts: string[] = [];
  for (const span of golden.spans ?? []) {
    const content = String(span.content);
    texts.push(content, String(span.dimension_attributes));
    const parsed = parseExactJson(content) as { attributes: Record<string, string> };
    texts.push(...Object.values(parsed.attributes));
  }
  for (const row of golden.trace_request_metadata ?? []) {
    const value = String(row.value);
    if (value.startsWith("{")) texts.push(value);
  }
  return texts;
}

Deno.test("pythonJsonDumps() reproduces every JSON text of the golden rows byte for byte", () => {
  const texts = goldenJsonTexts();
  assertEquals(texts.length > 30, true);
  for (const text of texts) {
    assertEquals(pythonJsonDumps(parseExactJson(text)), text);
  }
});

Deno.test("pythonJsonDumps() uses Python's separators and ensure_ascii escaping", () => {
  assertEquals(pythonJsonDumps({ a: [1, 2], b: {}, c: [] }), '{"a": [1, 2], "b": {}, "c": []}');
  assertEquals(pythonJsonDumps("café ☕ 😀"), '"caf\\u00e9 \\u2615 \\ud83d\\ude00"');
  assertEquals(
    pythonJsonDumps('a"b\\c\n\r\t\b\f\u0001\u007f/'),
    '"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f/"',
  );
  assertEquals(pythonJsonDumps(null), "null");
  assertEquals(pythonJsonDumps(undefined), "null");
  assertEquals(pythonJsonDumps([undefined, () => 1]), "[null, null]");
  assertEquals(pythonJsonDumps({ skip: undefined, keep: false }), '{"keep": false}');
  assertEquals(pythonJsonDumps(1795758413115799557n), "1795758413115799557");
});

Deno.test("pythonNumber() writes floats as Python's repr does", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [42, "42"],
    [-7, "-7"],
    [0.5, "0.5"],
    [1.5, "1.5"],
    [123.456, "123.456"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.8e-6, "1.8e-06"],
    [1.98e-5, "1.98e-05"],
    [-2.5e-7, "-2.5e-07"],
    [1e16, "1e+16"],
    [1.5e300, "1.5e+300"],
    [1e-300, "1e-300"],
    [0.1 + 0.2, "0.30000000000000004"],
    [Number.NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ];
  for (const [value, expected] of cases) assertEquals(pythonNumber(value), expected, String(value));
});

Deno.test("toJsonValue() never throws on dates, maps, sets, errors, cycles and non-finite numbers", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const value = toJsonValue({
    when: new Date(Date.UTC(2026, 10, 27)),
    map: new Map([["k", 1]]),
    set: new Set([1, 2]),
    error: new RangeError("too big"),
    cyclic,
    nan: Number.NaN,
  });
  assertEquals(value, {
    when: "2026-11-27T00:00:00.000Z",
    map: { k: 1 },
    set: [1, 2],
    error: "RangeError: too big",
    cyclic: { name: "loop", self: "[Circular]" },
    nan: null,
  });
  assertEquals(pythonJsonDumps({ nan: Number.NaN }), '{"nan": NaN}');
});

Deno.test("pythonJsonDumps() writes what toJsonValue() makes of a value, without the copy", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const value = {
    when: new Date(Date.UTC(2026, 10, 27)),
    map: new Map<unknown, unknown>([["b", 1], [2, "two"], ["2", "again"]]),
    set: new Set(["é", undefined]),
    error: new RangeError("too big"),
    list: [cyclic, () => 1, Symbol("s"), 1n, -0, 1e-7],
    skip: undefined,
    text: 'quote " backslash \\ tab \t del \u007f emoji 😀 lone \ud800',
    nan: Number.NaN,
    inf: -Infinity,
  };
  assertEquals(
    pythonJsonDumps(value),
    pythonJsonDumps(toJsonValue(value, { keepNonFinite: true })),
  );
  assertEquals(
    pythonJsonDumps(value, { keepNonFinite: false }),
    pythonJsonDumps(toJsonValue(value)),
  );
  assertEquals(pythonJsonDumps({ nan: Number.NaN }, { keepNonFinite: false }), '{"nan": null}');
  assertEquals(
    pythonJsonDumps(value.list),
    '[{"name": "loop", "self": "[Circular]"}, null, null, 1, 0, 1e-07]',
  );
});
