import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { stopReasonOf } from "../../src/engine/mod.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import {
  answer,
  loadWorkflow,
  RecordingTracer,
  requestText,
  runOnce,
  ScriptedChatModel,
  testDeps,
} from "./_fakes.ts";

function routed(logic: string[]): WorkflowInput {
  return {
    schema_version: "1.0",
    flow: { name: "router" },
    state: {
      fields: {
        text: { type: "str", required: true },
        score: { type: "int" },
        label: { type: "str" },
        verdict: { type: "str" },
      },
    },
    nodes: [
      {
        id: "judge",
        prompt: "Judge {text}",
        outputs: ["score", "label"],
        output_schema: {
          type: "object",
          fields: [{ name: "score", type: "int" }, { name: "label", type: "str" }],
        },
      },
      { id: "publish", prompt: "Publish {text}", outputs: ["verdict"] },
      { id: "discard", prompt: "Discard {text}", outputs: ["verdict"] },
      { id: "revise", prompt: "Revise {text}", outputs: ["verdict"] },
    ],
    edges: [
      { from: "START", to: "judge" },
      {
        from: "judge",
        routes: [
          { condition: { logic: logic[0] ?? "" }, to: "publish" },
          { condition: { logic: logic[1] ?? "" }, to: "discard" },
          { condition: "default", to: "revise" },
        ],
      },
      { from: "publish", to: "END" },
      { from: "discard", to: "END" },
      { from: "revise", to: "END" },
    ],
  };
}

async function route(logic: string[], judged: { score: number; label: string }) {
  const model = new ScriptedChatModel({
    steps: [answer(judged), (messages) => answer({ verdict: requestText(messages) })],
  });
  const result = await runOnce(loadWorkflow(routed(logic)), { text: "post" }, {
    deps: testDeps({ model }),
  });
  return result.state.verdict;
}

Deno.test("compileWorkflow().run() routes to the first route whose condition is true", async () => {
  const logic = ["state.score >= 8", "state.label in ['spam', 'junk']"];
  assertEquals(await route(logic, { score: 9, label: "spam" }), "Publish post");
  assertEquals(await route(logic, { score: 3, label: "junk" }), "Discard post");
  assertEquals(await route(logic, { score: 3, label: "fine" }), "Revise post");
});

Deno.test("compileWorkflow().run() routes with {state.x}, not and parentheses", async () => {
  const logic = [
    "{state.score} >= 5 and not ({state.label} == 'spam' or {state.label} == 'junk')",
    "not {state.label} not in ['spam']",
  ];
  assertEquals(await route(logic, { score: 6, label: "news" }), "Publish post");
  assertEquals(await route(logic, { score: 6, label: "spam" }), "Discard post");
  assertEquals(await route(logic, { score: 2, label: "news" }), "Revise post");
});

Deno.test("compileWorkflow().run() fails loudly when a route condition meets the wrong type", async () => {
  const model = new ScriptedChatModel({ steps: [answer({ score: 9, label: "x" })] });
  const tracer = new RecordingTracer();
  const error = await assertRejects(
    () =>
      runOnce(
        loadWorkflow(routed(["state.score > 'high'", "state.label == 'x'"])),
        { text: "post" },
        { deps: testDeps({ model }), tracer },
      ),
    WorkflowError,
    `Cannot choose the route after "judge" as condition "state.score > 'high'" failed`,
  ) as WorkflowError;
  assertEquals(error.nodeId, "judge");
  assertEquals(model.requests.length, 1, "no route was taken, the default included");
  assertEquals(tracer.ends[0]?.status, "failed");
});

Deno.test("compileWorkflow().run() fails loudly when a route condition is not true or false", async () => {
  const model = new ScriptedChatModel({ steps: [answer({ score: 9, label: "x" })] });
  await assertRejects(
    () =>
      runOnce(loadWorkflow(routed(["state.label", "state.score == 1"])), { text: "p" }, {
        deps: testDeps({ model }),
      }),
    WorkflowError,
    'condition "state.label" gave "x" where true or false is needed',
  );
});

function looped(maxIterations: number): WorkflowInput {
  return {
    schema_version: "1.0",
    flow: { name: "loop" },
    state: {
      fields: {
        draft: { type: "str", required: false, default: "v0" },
        done: { type: "bool", required: false, default: false },
        final: { type: "str" },
      },
    },
    nodes: [
      {
        id: "refine",
        prompt: "Improve {draft}",
        outputs: ["draft", "done"],
        output_schema: {
          type: "object",
          fields: [{ name: "draft", type: "str" }, { name: "done", type: "bool" }],
        },
      },
      { id: "finish", prompt: "Finish {draft}", outputs: ["final"] },
    ],
    edges: [
      { from: "START", to: "refine" },
      {
        from: "refine",
        loop: { condition_field: "done", max_iterations: maxIterations, exit_to: "finish" },
      },
      { from: "finish", to: "END" },
    ],
  };
}

function refineStep(doneAt: number | undefined) {
  let round = 0;
  return (messages: BaseMessage[]): AIMessage => {
    round++;
    const draft = requestText(messages).replace("Improve ", "");
    return answer({ draft: `${draft}+`, done: round === doneAt });
  };
}

Deno.test("compileWorkflow().run() repeats a loop node until its bool field is true", async () => {
  const step = refineStep(2);
  const model = new ScriptedChatModel({
    steps: [step, step, (m) => answer({ final: requestText(m) })],
  });
  const result = await runOnce(loadWorkflow(looped(5)), {}, { deps: testDeps({ model }) });
  assertEquals(result.state.draft, "v0++");
  assertEquals(result.state.done, true);
  assertEquals(result.state.final, "Finish v0++");
  const runs = result.metadata.nodeExecutions.filter((e) => e.nodeId === "refine");
  assertEquals(runs.length, 2);
  assert(!("__loop_refine" in result.state), "internal channels are not in the state");
});

Deno.test("compileWorkflow().run() stops a loop at max_iterations with the counter persisting", async () => {
  const step = refineStep(undefined);
  const model = new ScriptedChatModel({
    steps: [step, step, step, (m) => answer({ final: requestText(m) })],
  });
  const result = await runOnce(loadWorkflow(looped(3)), {}, { deps: testDeps({ model }) });
  assertEquals(result.state.draft, "v0+++");
  assertEquals(result.state.done, false);
  assertEquals(result.state.final, "Finish v0+++");
  assertEquals(model.requests.length, 4);
});

function fanOut(from: string): WorkflowInput {
  const start = from === "START"
    ? [{
      from: "START",
      parallel: { items_field: "topics", target_node: "research", collect_field: "notes" },
    }]
    : [
      { from: "START", to: "plan" },
      {
        from: "plan",
        parallel: { items_field: "topics", target_node: "research", collect_field: "notes" },
      },
    ];
  return {
    schema_version: "1.0",
    flow: { name: "fan-out" },
    state: {
      fields: {
        topics: { type: "list[str]", required: false, default: ["a", "b", "c"] },
        notes: { type: "list[str]", required: false, default: [] },
        plan: { type: "str" },
        summary: { type: "str" },
      },
    },
    nodes: [
      ...(from === "START" ? [] : [{ id: "plan", prompt: "Plan", outputs: ["plan"] }]),
      {
        id: "research",
        prompt: "Research {item} (#{item_index})",
        outputs: ["notes"],
        output_schema: { type: "str" },
      },
      { id: "summarize", prompt: "Summarize {notes}", outputs: ["summary"] },
    ],
    edges: [...start, { from: "research", to: "summarize" }, { from: "summarize", to: "END" }],
  };
}

/** Holds each research call until all have arrived, then releases them in reverse order. */
function reverseGate(count: number) {
  const waiting: { item: string; release: () => void }[] = [];
  const finished: string[] = [];
  const step = async (messages: BaseMessage[]) => {
    const prompt = requestText(messages);
    const item = /Research (\w+)/.exec(prompt)?.[1] ?? "?";
    await new Promise<void>((release) => {
      waiting.push({ item, release });
      if (waiting.length === count) {
        const order = [...waiting].sort((a, b) => b.item.localeCompare(a.item));
        order.reduce(
          (previous, next) =>
            previous.then(() => {
              next.release();
              return new Promise<void>((r) => setTimeout(r, 0));
            }),
          Promise.resolve(),
        );
      }
    });
    finished.push(item);
    return answer({ notes: `note on ${item} from "${prompt}"` });
  };
  return { step, finished };
}

for (const from of ["plan", "START"]) {
  Deno.test(`compileWorkflow().run() fans out from ${from} and collects results in item order`, async () => {
    const gate = reverseGate(3);
    const steps = [
      ...(from === "plan" ? [answer({ plan: "p" })] : []),
      gate.step,
      gate.step,
      gate.step,
      (m: BaseMessage[]) => answer({ summary: requestText(m) }),
    ];
    const model = new ScriptedChatModel({ steps });
    const events: string[] = [];
    const result = await runOnce(loadWorkflow(fanOut(from)), {}, {
      deps: testDeps({ model }),
      onEvent: (e) => {
        if (e.type === "node_finished" && e.nodeId === "research") events.push(`${e.itemIndex}`);
      },
    });
    assertEquals(gate.finished, ["c", "b", "a"], "the runs finished in reverse order");
    assertEquals(result.state.notes, [
      'note on a from "Research a (#0)"',
      'note on b from "Research b (#1)"',
      'note on c from "Research c (#2)"',
    ]);
    assertStringIncludes(String(result.state.summary), "note on a");
    assertEquals(events, ["2", "1", "0"]);
    const summaries = result.metadata.nodeExecutions.filter((e) => e.nodeId === "summarize");
    assertEquals(summaries.length, 1, "the target's edge continues once");
  });
}

Deno.test("compileWorkflow().run() appends fan-out results after the collect field's items", async () => {
  const step = (m: BaseMessage[]) => answer({ notes: requestText(m) });
  const model = new ScriptedChatModel({ steps: [step, step, answer({ summary: "s" })] });
  const result = await runOnce(loadWorkflow(fanOut("START")), {
    topics: ["x", "y"],
    notes: ["earlier"],
  }, { deps: testDeps({ model }) });
  assertEquals(result.state.notes, ["earlier", "Research x (#0)", "Research y (#1)"]);
});

Deno.test("compileWorkflow().run() continues past an empty fan-out", async () => {
  const model = new ScriptedChatModel({ steps: [answer({ summary: "nothing" })] });
  const result = await runOnce(loadWorkflow(fanOut("START")), { topics: [] }, {
    deps: testDeps({ model }),
  });
  assertEquals(result.state.notes, []);
  assertEquals(result.state.summary, "nothing");
});

Deno.test("compileWorkflow().run() reports the recursion limit as a clear error", async () => {
  const workflow = looped(100);
  workflow.config = { execution: { recursion_limit: 4 } };
  const model = new ScriptedChatModel({ steps: [refineStep(undefined)], repeatLast: true });
  const tracer = new RecordingTracer();
  const error = await assertRejects(
    () => runOnce(loadWorkflow(workflow), {}, { deps: testDeps({ model }), tracer }),
    WorkflowError,
    "Cannot finish the run as it took more than 4 steps (config.execution.recursion_limit)",
  );
  assertEquals(stopReasonOf(error), "recursion_limit");
  assertEquals(tracer.ends[0]?.reason, "recursion_limit");
});

Deno.test("compileWorkflow().run() restarts the loop counter when a loop node is entered again", async () => {
  const workflow = looped(2);
  workflow.state.fields.round = { type: "int", required: false, default: 0 };
  workflow.nodes[1] = {
    id: "finish",
    prompt: "Finish {draft}",
    outputs: ["round"],
    output_schema: { type: "int" },
  };
  workflow.edges = [
    { from: "START", to: "refine" },
    { from: "refine", loop: { condition_field: "done", max_iterations: 2, exit_to: "finish" } },
    {
      from: "finish",
      routes: [
        { condition: { logic: "state.round < 2" }, to: "refine" },
        { condition: "default", to: "END" },
      ],
    },
  ];
  let rounds = 0;
  const model = new ScriptedChatModel({
    steps: [
      (messages) =>
        requestText(messages).startsWith("Finish")
          ? answer({ round: ++rounds })
          : refineStep(undefined)(messages),
    ],
    repeatLast: true,
  });
  const result = await runOnce(loadWorkflow(workflow), {}, { deps: testDeps({ model }) });
  const order = result.metadata.nodeExecutions.map((e) => e.nodeId);
  assertEquals(order, ["refine", "refine", "finish", "refine", "refine", "finish"]);
  assertEquals(result.state.round, 2);
});
