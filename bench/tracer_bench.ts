/**
 * The tracer's own work on the thread that runs workflows: encoding span attributes as
 * Python-style JSON, the stored span JSON of a bundle, and recording a 10-node run (21 spans)
 * up to its finished bundle, with nothing delivered anywhere.
 *
 * @module
 */
import { MlflowTracker } from "../src/tracking/mlflow_tracker.ts";
import { pythonJsonDumps } from "../src/tracking/python_json.ts";
import { storedSpanJson } from "../src/tracking/stored_span_json.ts";
import type { TraceBundle } from "../src/tracking/trace_bundle.ts";
import { collectingSink, recordBundle, withFreshTraceId } from "./_bundles.ts";

const PROMPT = "Step 3 of 10: write one sentence about tide pools. Build on the previous step: " +
  "Mock out_2 about tide pools, in brief.";

/** What a CHAT_MODEL span records as inputs: the conversation so far. */
const chatInputs = {
  messages: [
    { role: "user", content: PROMPT },
    { role: "assistant", content: "", tool_calls: [{ id: "call_1", name: "answer", args: {} }] },
    { role: "tool", content: "Your answer does not match the required schema: café ☕" },
  ],
};

Deno.bench({
  name: "pythonJsonDumps(), chat span inputs (3 messages)",
  group: "tracer",
  baseline: true,
  fn: () => {
    pythonJsonDumps(chatInputs);
  },
});

const bundle = await recordBundle(10, "minimal");
Deno.bench({
  name: "storedSpanJson(), every span of a 21-span bundle",
  group: "tracer",
  fn: (b) => {
    const spans = withFreshTraceId(bundle).trace.spans;
    b.start();
    for (const span of spans) storedSpanJson(span);
    b.end();
  },
});

const delivered: TraceBundle[] = [];
const tracker = new MlflowTracker({
  trackingUri: "sqlite:///bench.db",
  experimentName: "bench",
  mlflow: { artifact_level: "standard" },
  async: false,
  preflight: false,
  sink: collectingSink(delivered),
});

Deno.bench({
  name: "MlflowTracker: record a 10-node run (21 spans) and build its bundle",
  group: "tracer",
  fn: async () => {
    const run = tracker.startRun({
      workflowName: "bench",
      workflowVersion: "1",
      nodeCount: 10,
      provider: "openai",
      model: "gpt-4o-mini",
      inputs: { topic: "tide pools" },
    });
    for (let i = 1; i <= 10; i++) {
      const nodeId = `step_${i}`;
      await run.span(
        { type: "CHAIN", name: nodeId, nodeId, inputs: { inputs: {}, prompt: PROMPT } },
        async (node) => {
          await run.span({
            type: "CHAT_MODEL",
            name: "MockChatModel",
            nodeId,
            inputs: { messages: [{ role: "user", content: PROMPT }] },
            attributes: { provider: "mock", model: "gpt-4o-mini", attempt: 0 },
          }, (call) => {
            call.setLlmCall({
              provider: "mock",
              model: "gpt-4o-mini",
              pricedAs: { provider: "openai", model: "gpt-4o-mini" },
              usage: { input_tokens: 30, output_tokens: 12, total_tokens: 42 },
              cost: { input_cost: 0.0000045, output_cost: 0.0000072, total_cost: 0.0000117 },
            });
            call.setOutputs({
              role: "assistant",
              content: "",
              tool_calls: [{ id: "call_1", name: "answer", args: { [`out_${i}`]: "Mock." } }],
            });
            return Promise.resolve();
          });
          node.setOutputs({ [`out_${i}`]: "Mock." });
        },
      );
    }
    await run.finish({ status: "success", outputs: { topic: "tide pools" } });
    const spans = delivered.pop()?.trace.spans.length ?? 0;
    if (spans !== 21) {
      throw new Error(`Cannot measure the tracer as the run recorded ${spans} spans: expected 21`);
    }
  },
});
