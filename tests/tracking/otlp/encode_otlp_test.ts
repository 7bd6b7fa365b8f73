import {
  encodeOtlp,
  encodeOtlpJson,
  encodeOtlpProtobuf,
} from "../../../src/tracking/otlp/encode_otlp.ts";
import { loadOtlpCodec } from "../../_helpers/fake_otlp_collector.ts";
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { type OtlpSpan, spansOf } from "../../fixtures/otlp/otlp_decoder.ts";
import { goldenBundle, goldenSpans, goldenWire } from "../http/_golden_bundle.ts";
import { richSpans, span, TRACE_A, TRACE_B } from "./_spans.ts";

Deno.test("encodeOtlpProtobuf() writes the golden capture's spans as MLflow's own client sent them", async () => {
  const wire = await goldenWire();
  const bundle = await goldenBundle("http://127.0.0.1:5000");
  const codec = await loadOtlpCodec();
  const request = codec.decodeProtobuf(encodeOtlpProtobuf(bundle.trace.spans));

  // MLflow's Python client leaves the span kind and flags unset; everything else is equal.
  const ours = spansOf(request).map((decoded) => {
    const { kind, flags, ...rest } = decoded as OtlpSpan & { flags?: number };
    assertEquals([kind, flags], ["SPAN_KIND_INTERNAL", 0x101]);
    return rest;
  });
  assertEquals(ours, goldenSpans(wire));
  assertEquals(request.resourceSpans?.[0]?.resource?.attributes, [
    { key: "service.name", value: { stringValue: "configurable-agents" } },
  ]);
  assertEquals(request.resourceSpans?.[0]?.scopeSpans?.[0]?.scope, {
    name: "configurable-agents",
  });
});

Deno.test("encodeOtlpJson() decodes to the same request as encodeOtlpProtobuf()", async () => {
  const codec = await loadOtlpCodec();
  const spans = [
    ...richSpans(),
    span({ spanId: "00f067aa0ba902b7", name: "huge", attributes: { text: "x".repeat(2_200_000) } }),
  ];
  const fromJson = codec.decodeJson(encodeOtlpJson(spans), { defaults: true });
  const fromProtobuf = codec.decodeProtobuf(encodeOtlpProtobuf(spans), { defaults: true });
  assertEquals(spansOf(fromJson).length, 5);
  assertEquals(fromJson, fromProtobuf);
});

Deno.test("encodeOtlpJson() follows the OTLP/JSON mapping: hex ids, string int64s, integer enums", () => {
  const json = JSON.parse(encodeOtlpJson(richSpans()));
  const [write, root] = json.resourceSpans[0].scopeSpans[0].spans;
  assertEquals(write.traceId, TRACE_A);
  assertEquals(write.spanId, "e131abb867c82da4");
  assertEquals(write.parentSpanId, "21e8a0d4550f354b");
  assertEquals("parentSpanId" in root, false);
  assertEquals(write.kind, 1);
  assertEquals(write.flags, 0x101);
  assertEquals(write.startTimeUnixNano, "1795758455794216208");
  assertEquals(write.status, { code: 2, message: "ValueError: model returned invalid JSON" });
  assertEquals(root.status, { code: 1 });
  const attribute = (key: string) =>
    write.attributes.find((kv: { key: string }) => kv.key === key)?.value;
  assertEquals(attribute("ints").arrayValue.values.slice(0, 3), [
    { intValue: "0" },
    { intValue: "-1" },
    { intValue: "42" },
  ]);
  assertEquals(attribute("ints").arrayValue.values[9], { intValue: "-9223372036854775808" });
  assertEquals(attribute("doubles").arrayValue.values.slice(5), [
    { doubleValue: "NaN" },
    { doubleValue: "Infinity" },
    { doubleValue: "-Infinity" },
  ]);
  assertEquals(attribute("raw"), { bytesValue: "AAH+/w==" });
  assertEquals(attribute("nothing"), {});
  assertEquals(write.events[1].timeUnixNano, "1795758455794316208");
});

Deno.test("encodeOtlp() puts the plain trace request id first and the span type second", async () => {
  const codec = await loadOtlpCodec();
  const request = codec.decodeProtobuf(encodeOtlp(richSpans()).body);
  const [write, root, , other] = spansOf(request);
  assertEquals(write?.attributes?.slice(0, 2), [
    { key: "mlflow.traceRequestId", value: { stringValue: `tr-${TRACE_A}` } },
    { key: "mlflow.spanType", value: { stringValue: "CHAIN" } },
  ]);
  assertEquals(root?.attributes?.map((kv) => kv.key), [
    "mlflow.traceRequestId",
    "mlflow.spanType",
    "workflow_name",
    "node_count",
  ]);
  assertEquals(other?.attributes, [
    { key: "mlflow.traceRequestId", value: { stringValue: `tr-${TRACE_B}` } },
    { key: "mlflow.spanType", value: {} },
    { key: "mlflow.spanOutputs", value: { stringValue: "plain" } },
  ]);
  assertEquals(write?.events?.[1]?.attributes?.map((kv) => kv.key), [
    "exception.type",
    "exception.message",
  ]);
});

Deno.test("encodeOtlp() marks a parent that is not among the spans as remote", async () => {
  const codec = await loadOtlpCodec();
  const spans = [
    span({ spanId: "1111111111111111", parentSpanId: "00f067aa0ba902b7", name: "run root" }),
    span({ spanId: "2222222222222222", parentSpanId: "1111111111111111", name: "node" }),
  ];
  for (const protocol of ["http/protobuf", "http/json"] as const) {
    const { body, contentType } = encodeOtlp(spans, { protocol });
    const request = protocol === "http/json"
      ? codec.decodeJson(new TextDecoder().decode(body))
      : codec.decodeProtobuf(body);
    assertEquals(contentType, `application/${protocol === "http/json" ? "json" : "x-protobuf"}`);
    assertEquals(spansOf(request).map((s) => (s as OtlpSpan & { flags?: number }).flags), [
      0x301,
      0x101,
    ]);
  }
});

Deno.test("encodeOtlp() takes another resource and scope", async () => {
  const codec = await loadOtlpCodec();
  const { body } = encodeOtlp([span({})], {
    resourceAttributes: { "service.name": "billing", "deployment.environment": "test" },
    scope: { name: "agents", version: "1.2.3" },
  });
  const resourceSpans = codec.decodeProtobuf(body).resourceSpans?.[0];
  assertEquals(resourceSpans?.resource?.attributes, [
    { key: "service.name", value: { stringValue: "billing" } },
    { key: "deployment.environment", value: { stringValue: "test" } },
  ]);
  assertEquals(resourceSpans?.scopeSpans?.[0]?.scope, { name: "agents", version: "1.2.3" });
});

Deno.test("encodeOtlp() cuts a value that contains itself instead of recursing forever", async () => {
  const codec = await loadOtlpCodec();
  const loop: Record<string, unknown> = { name: "loop" };
  loop.self = loop;
  loop.twice = [{ a: 1 }, { a: 1 }];
  const [encoded] = spansOf(
    codec.decodeProtobuf(encodeOtlp([span({ attributes: { loop } })]).body),
  );
  assertEquals(encoded?.attributes?.[1], {
    key: "loop",
    value: {
      kvlistValue: {
        values: [
          { key: "name", value: { stringValue: "loop" } },
          { key: "self", value: { stringValue: "[Circular]" } },
          {
            key: "twice",
            value: {
              arrayValue: {
                values: [1, 2].map(() => ({
                  kvlistValue: { values: [{ key: "a", value: { intValue: "1" } }] },
                })),
              },
            },
          },
        ],
      },
    },
  });
});

Deno.test("encodeOtlp() rejects ids that are not hex of the right length", () => {
  assertThrows(
    () => encodeOtlp([span({ traceId: "tr-aacef014b86e5dbb8364939c5fc5e208" })]),
    TypeError,
    'Cannot encode span "ChatOpenAI" as OTLP as its trace id is not 32 hex digits: current value is "tr-aacef014b86e5dbb8364939c5fc5e208"',
  );
  assertThrows(
    () => encodeOtlp([span({ spanId: "123" })]),
    TypeError,
    'its span id is not 16 hex digits: current value is "123"',
  );
  assertThrows(
    () => encodeOtlp([span({ parentSpanId: "zz28338a8af94d93" })]),
    TypeError,
    "its parent span id is not 16 hex digits",
  );
});
