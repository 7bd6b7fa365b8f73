import type { WorkflowInput } from "../../src/config/schema.ts";
import { stopReasonOf } from "../../src/engine/stop_reason.ts";
import { WorkflowError } from "../../src/errors.ts";
import type { CostBreakdown, TokenUsage } from "../../src/tracking/tracer.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  answer,
  hang,
  loadWorkflow,
  RecordingTracer,
  registryWith,
  runOnce,
  ScriptedChatModel,
  type ScriptStep,
  testDeps,
  toolCalls,
} from "./_fakes.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import { z } from "zod";

/** Timers that fire only when a test says so. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  return {
    setTimer: (callback: () => void, ms: number) => {
      pending.set(ms, callback);
      return () => pending.delete(ms);
    },
    fire(ms: number) {
      const callback = pending.get(ms);
      if (!callback) throw new Error(`No timer of ${ms} ms is pending: ${[...pending.keys()]}`);
      callback();
    },
    pending,
  };
}

function chain(ids: string[], extra: Partial<WorkflowInput> = {}): WorkflowInput {
  const fields: Record<string, { type: string }> = {};
  for (const id of ids) fields[id] = { type: "str" };
  return {
    schema_version: "1.0",
    flow: { name: "chain" },
    state: { fields },
    nodes: ids.map((id) => ({ id: `${id}_node`, prompt: `Step ${id}`, outputs: [id] })),
    edges: [
      { from: "START", to: `${ids[0]}_node` },
      ...ids.map((id, i) => ({
        from: `${id}_node`,
        to: ids[i + 1] ? `${ids[i + 1]}_node` : "END",
      })),
    ],
    ...extra,
  };
}

function answers(...ids: string[]): ScriptStep[] {
  return ids.map((id) => answer({ [id]: `${id} done` }));
}

/** Runs a workflow that must time out in node "b_node", and checks the error and the trace. */
async function expectTimeout(
  workflow: WorkflowInput,
  deps: ReturnType<typeof testDeps>,
  message: string,
  reason: string,
): Promise<{ error: WorkflowError; tracer: RecordingTracer }> {
  const tracer = new RecordingTracer();
  const error = await assertRejects(
    () => runOnce(loadWorkflow(workflow), {}, { deps, tracer }),
    WorkflowError,
    message,
  ) as WorkflowError;
  assertEquals(error.code, "TIMEOUT");
  assertEquals(error.nodeId, "b_node");
  assertEquals(stopReasonOf(error), reason);
  assertEquals(tracer.ends[0]?.reason, reason);
  return { error, tracer };
}

Deno.test("compileWorkflow().run() stops a node at its timeout with reason node_timeout", async () => {
  const workflow = chain(["a", "b"]);
  workflow.nodes[1] = { ...workflow.nodes[1]!, timeout: 0.05 };
  const timers = manualTimers();
  const signals: (AbortSignal | undefined)[] = [];
  const model = new ScriptedChatModel({
    steps: [
      ...answers("a"),
      hang((signal) => {
        signals.push(signal);
        timers.fire(50);
      }),
    ],
  });
  const { tracer } = await expectTimeout(
    workflow,
    testDeps({ model, setTimer: timers.setTimer }),
    'Cannot finish node "b_node" as it ran longer than its timeout of 0.05 s',
    "node_timeout",
  );
  assertEquals(tracer.ends[0]?.status, "failed");
  assertEquals(timers.pending.size, 0, "every timer is cleared");
  assert(signals[0]?.aborted, "the model call got the node's signal");
});

Deno.test("compileWorkflow().run() hands the node's signal to its tools and cuts them", async () => {
  const timers = manualTimers();
  let toolSignal: AbortSignal | undefined;
  const slow = defineTool({
    name: "slow",
    description: "Never ends on its own",
    parameters: z.object({}),
    invoke: (_args, context) => {
      toolSignal = context.signal;
      timers.fire(1000);
      return new Promise(() => {});
    },
  });
  const workflow = chain(["a"]);
  workflow.nodes[0] = { ...workflow.nodes[0]!, timeout: 1, tools: ["slow"] };
  const model = new ScriptedChatModel({ steps: [toolCalls({ name: "slow", args: {} })] });
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(workflow), {}, {
        deps: testDeps({ model, setTimer: timers.setTimer, tools: registryWith(slow) }),
      }),
    WorkflowError,
    'Cannot finish node "a_node" as it ran longer than its timeout of 1 s',
  );
  assertEquals(stopReasonOf(error), "node_timeout");
  assert(toolSignal?.aborted, "the tool got the node's signal");
});

Deno.test("compileWorkflow().run() takes node_timeout from the execution config", async () => {
  const workflow = chain(["a"], { config: { execution: { node_timeout: 7 } } });
  const timers = manualTimers();
  const model = new ScriptedChatModel({
    steps: [hang(() => timers.fire(7000))],
  });
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(workflow), {}, {
        deps: testDeps({ model, setTimer: timers.setTimer }),
      }),
    WorkflowError,
    "timeout of 7 s",
  );
  assertEquals(stopReasonOf(error), "node_timeout");
});

Deno.test("compileWorkflow().run() stops the run at its timeout with reason run_timeout", async () => {
  const workflow = chain(["a", "b"], { config: { execution: { timeout: 0.2 } } });
  const timers = manualTimers();
  const model = new ScriptedChatModel({
    steps: [...answers("a"), hang(() => timers.fire(200))],
  });
  await expectTimeout(
    workflow,
    testDeps({ model, setTimer: timers.setTimer }),
    'Cannot finish the run as it ran longer than its timeout of 0.2 s (node "b_node" was running)',
    "run_timeout",
  );
});

Deno.test("compileWorkflow().run() enforces a real short node timeout", async () => {
  const workflow = chain(["a"]);
  workflow.nodes[0] = { ...workflow.nodes[0]!, timeout: 0.05 };
  const model = new ScriptedChatModel({ steps: [hang()] });
  const error = await assertRejects(
    () => runOnce(loadWorkflow(workflow), {}, { deps: testDeps({ model }) }),
    WorkflowError,
    "timeout of 0.05 s",
  );
  assertEquals(stopReasonOf(error), "node_timeout");
});

Deno.test("compileWorkflow().run() is cancelled by its signal", async () => {
  const controller = new AbortController();
  const model = new ScriptedChatModel({
    steps: [hang(() => controller.abort())],
  });
  const tracer = new RecordingTracer();
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(chain(["a"])), {}, {
        deps: testDeps({ model }),
        tracer,
        signal: controller.signal,
      }),
    WorkflowError,
    "Cannot finish the run as it was cancelled",
  ) as WorkflowError;
  assertEquals(error.code, "CANCELLED");
  assertEquals(tracer.ends[0]?.status, "cancelled");
  assertEquals(tracer.ends[0]?.reason, "cancelled");
});

Deno.test("compileWorkflow().run() stops before the call that would exceed max_tokens", async () => {
  const workflow = chain(["a", "b", "c"], {
    config: { llm: { max_tokens: 20 }, execution: { budget: { max_tokens: 40 } } },
  });
  const model = new ScriptedChatModel({ steps: answers("a", "b", "c") });
  const tracer = new RecordingTracer();
  const error = await assertRejects(
    () => runOnce(loadWorkflow(workflow), {}, { deps: testDeps({ model }), tracer }),
    WorkflowError,
    'Cannot call the model of node "c_node" as the run would exceed its budget: 30 tokens used and about 22 more for this call is over max_tokens 40',
  ) as WorkflowError;
  assertEquals(error.code, "BUDGET_EXCEEDED");
  assertEquals(error.nodeId, "c_node");
  assertEquals(model.requests.length, 2);
  assertEquals(tracer.ends[0]?.reason, "budget_exceeded");
});

function price(_pricedAs: unknown, usage: TokenUsage): CostBreakdown {
  const input = usage.input_tokens * 0.001;
  const output = usage.output_tokens * 0.002;
  return { input_cost: input, output_cost: output, total_cost: input + output };
}

Deno.test("compileWorkflow().run() stops before the call that would exceed max_usd", async () => {
  const workflow = chain(["a", "b", "c", "d"], {
    config: { execution: { budget: { max_usd: 0.05 } } },
  });
  const model = new ScriptedChatModel({ steps: answers("a", "b", "c", "d") });
  const error = await assertRejects(
    () => runOnce(loadWorkflow(workflow), {}, { deps: testDeps({ model, price }) }),
    WorkflowError,
    "is over max_usd 0.05",
  ) as WorkflowError;
  assertEquals(error.nodeId, "d_node");
  assertEquals(model.requests.length, 3);
});

Deno.test("compileWorkflow().run() sums cost per call and prices each as the node's model", async () => {
  const pricedAs: unknown[] = [];
  const model = new ScriptedChatModel({ steps: answers("a", "b") });
  const result = await runOnce(
    loadWorkflow(chain(["a", "b"], { config: { llm: { provider: "openai", model: "gpt-4o" } } })),
    {},
    {
      deps: testDeps({
        model,
        price: (as, usage) => {
          pricedAs.push(as);
          return price(as, usage);
        },
      }),
    },
  );
  assert(pricedAs.every((p) => JSON.stringify(p) === '{"provider":"openai","model":"gpt-4o"}'));
  assertAlmostEquals(result.metadata.costUsd ?? -1, 0.04);
  assertEquals(result.metadata.costComplete, true);
  assertEquals(result.metadata.usage, { input_tokens: 20, output_tokens: 10, total_tokens: 30 });
});

Deno.test("compileWorkflow().run() reports the cost as unknown when a call is unpriced", async () => {
  const workflow = chain(["a", "b"]);
  workflow.nodes[1] = { ...workflow.nodes[1]!, llm: { model: "unpriced-model" } };
  const model = new ScriptedChatModel({ steps: answers("a", "b") });
  const result = await runOnce(loadWorkflow(workflow), {}, {
    deps: testDeps({
      model,
      price: (as, usage) => as.model === "unpriced-model" ? undefined : price(as, usage),
    }),
  });
  assertEquals(result.metadata.costUsd, undefined);
  assertEquals(result.metadata.costComplete, false);
  assertAlmostEquals(result.metadata.knownCostUsd, 0.02);
  assertEquals(result.metadata.nodeExecutions.map((e) => e.costUsd === undefined), [false, true]);
});
