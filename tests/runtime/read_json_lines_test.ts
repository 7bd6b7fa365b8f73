import { type BatchItem, readJsonLines } from "../../src/runtime/read_json_lines.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";

/** A stream that hands out the given chunks one by one and counts what was pulled. */
function chunked(
  chunks: string[],
): { stream: ReadableStream<Uint8Array>; pulled(): number; cancelled(): boolean } {
  const encoder = new TextEncoder();
  let index = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => index, cancelled: () => cancelled };
}

async function collect(stream: ReadableStream<Uint8Array>, options = {}): Promise<BatchItem[]> {
  const items: BatchItem[] = [];
  for await (const item of readJsonLines(stream, options)) items.push(item);
  return items;
}

Deno.test("readJsonLines() numbers lines across chunk boundaries and skips blank lines", async () => {
  const { stream } = chunked(['{"a": 1}\n\n{"a"', ': 2}\r\n   \n{"a": 3', "}"]);
  assertEquals(await collect(stream), [
    { line: 1, inputs: { a: 1 } },
    { line: 3, inputs: { a: 2 } },
    { line: 5, inputs: { a: 3 } },
  ]);
});

Deno.test("readJsonLines() turns a bad line into an error item naming its line and goes on", async () => {
  const { stream } = chunked(['\uFEFF{"a": 1}\nnot json\n[1, 2]\n"text"\nnull\n{"a": 6}\n']);
  const items = await collect(stream);
  assertEquals(items.map((item) => item.line), [1, 2, 3, 4, 5, 6]);
  assertEquals(items[0], { line: 1, inputs: { a: 1 } });
  const errors = items.filter((item): item is Extract<BatchItem, { error: string }> =>
    "error" in item
  );
  assertEquals(errors.length, 4);
  assertStringIncludes(errors[0]!.error, "Cannot read line 2 as it is not valid JSON");
  assertStringIncludes(
    errors[1]!.error,
    "line 3 as the inputs of a run must be a JSON object: got a list",
  );
  assertStringIncludes(errors[2]!.error, 'got ""text""');
  assertStringIncludes(errors[3]!.error, "got null");
  assertEquals(items[5], { line: 6, inputs: { a: 6 } });
});

Deno.test("readJsonLines() sets the overrides on every item", async () => {
  const { stream } = chunked(['{"topic": "reefs", "tone": "dry"}\n{"topic": "tides"}\n']);
  assertEquals(await collect(stream, { overrides: { tone: "warm" } }), [
    { line: 1, inputs: { topic: "reefs", tone: "warm" } },
    { line: 2, inputs: { topic: "tides", tone: "warm" } },
  ]);
});

Deno.test("readJsonLines() reads only as far as the consumer asks and cancels the stream on break", async () => {
  const lines = Array.from({ length: 100 }, (_, i) => `{"n": ${i}}\n`);
  const source = chunked(lines);
  let seen = 0;
  for await (const item of readJsonLines(source.stream)) {
    seen++;
    assert("inputs" in item);
    if (seen === 3) break;
  }
  assert(source.pulled() <= 5, `pulled ${source.pulled()} chunks for 3 lines`);
  assert(source.cancelled());
});

Deno.test("readJsonLines() reports a line longer than the limit without keeping it", async () => {
  const { stream } = chunked(['{"a": "', "x".repeat(50), "x".repeat(50), '"}\n{"a": 2}\n']);
  const items = await collect(stream, { maxLineLength: 40 });
  assertEquals(items.length, 2);
  assert("error" in items[0]!);
  assertStringIncludes(items[0].error, "Cannot read line 1 as it is longer than 40 characters");
  assertEquals(items[1], { line: 2, inputs: { a: 2 } });
});

Deno.test("readJsonLines() reads one shard: the lines whose number is K mod N, without parsing the others", async () => {
  const text = '{"n": 1}\nnot json\n\n{"n": 4}\n{"n": 5}\n{"n": 6}\n{"n": 7}\n';
  const shards = await Promise.all(
    [1, 2, 3].map((index) => collect(chunked([text]).stream, { shard: { index, count: 3 } })),
  );
  assertEquals(shards[0], [{ line: 1, inputs: { n: 1 } }, { line: 4, inputs: { n: 4 } }, {
    line: 7,
    inputs: { n: 7 },
  }]);
  // Line 2 is not JSON: its shard reports it; line 3 is blank and in no shard's items.
  assertEquals(shards[1]?.map((item) => item.line), [2, 5]);
  assert("error" in shards[1]![0]!);
  assertEquals(shards[2], [{ line: 6, inputs: { n: 6 } }]);
  // Together the shards hold every item once.
  const all = await collect(chunked([text]).stream);
  assertEquals(shards.flat().map((item) => item.line).sort(), all.map((item) => item.line).sort());
});

Deno.test("readJsonLines() rejects a shard that is not K/N with K from 1 to N", async () => {
  for (const shard of [{ index: 0, count: 3 }, { index: 4, count: 3 }, { index: 1, count: 0 }]) {
    await assertRejects(
      () => collect(chunked(['{"n": 1}\n']).stream, { shard }),
      RangeError,
      `Cannot read shard "${shard.index}/${shard.count}"`,
    );
  }
});
