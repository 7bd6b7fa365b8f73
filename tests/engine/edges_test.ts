import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { WorkflowInput } from "../../src/config/schema.ts";
import type { EngineEvent } from "../../src/engine/engine_types.ts";
import { stopReasonOf } from "../../src/engine/stop_reason.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
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
  assertEquals(runs.map((e) => [e.round, e.maxRounds]), [[1, 5], [2, 5]]);
  assertEquals(Object.keys(result.state), ["draft", "done", "final"], "no internal channel");
  assertEquals(result.metadata.loops, [{
    nodeId: "refine",
    backTo: "refine",
    conditionField: "done",
    rounds: 2,
    maxRounds: 5,
    stoppedBy: "condition",
  }]);
  const finish = result.metadata.nodeExecutions.find((e) => e.nodeId === "finish");
  assertEquals([finish?.round, finish?.maxRounds], [undefined, undefined]);
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
  assertEquals(result.metadata.loops.map((l) => [l.rounds, l.stoppedBy]), [[3, "max_iterations"]]);
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
  assertEquals(result.metadata.nodeExecutions.map((e) => e.round), [
    1,
    2,
    undefined,
    1,
    2,
    undefined,
  ]);
  assertEquals(result.state.round, 2);
});

/** A writer/critic loop: `critic` sends the run back to `write` until it approves. */
function writerCritic(maxIterations: number, innerPolish = false): WorkflowInput {
  return {
    schema_version: "1.0",
    flow: { name: "writer-critic" },
    state: {
      fields: {
        topic: { type: "str", required: true },
        draft: { type: "str", default: "" },
        polished: { type: "bool", default: false },
        critique: { type: "str", default: "none yet" },
        approved: { type: "bool", default: false },
      },
    },
    nodes: [
      innerPolish
        ? {
          id: "write",
          prompt: "Write about {state.topic}; critique: {state.critique}",
          outputs: ["draft", "polished"],
          output_schema: {
            type: "object",
            fields: [{ name: "draft", type: "str" }, { name: "polished", type: "bool" }],
          },
        }
        : {
          id: "write",
          prompt: "Write about {state.topic}; critique: {state.critique}",
          outputs: ["draft"],
        },
      {
        id: "critic",
        prompt: "Critique {state.draft}",
        outputs: ["critique", "approved"],
        output_schema: {
          type: "object",
          fields: [{ name: "critique", type: "str" }, { name: "approved", type: "bool" }],
        },
      },
    ],
    edges: [
      { from: "START", to: "write" },
      innerPolish
        ? {
          from: "write",
          loop: { condition_field: "polished", max_iterations: 2, exit_to: "critic" },
        }
        : { from: "write", to: "critic" },
      {
        from: "critic",
        loop: {
          condition_field: "approved",
          max_iterations: maxIterations,
          back_to: "write",
          exit_to: "END",
        },
      },
    ],
  };
}

/** The writer drafts `d<n>`; the critic approves the draft of round `approveAt`. */
function writerCriticModel(approveAt: number | undefined): ScriptedChatModel {
  let drafts = 0;
  let critiques = 0;
  return new ScriptedChatModel({
    steps: [(messages) => {
      const prompt = requestText(messages);
      if (prompt.startsWith("Write")) return answer({ draft: `d${++drafts}`, polished: false });
      critiques++;
      return answer({ critique: `fix ${critiques}`, approved: critiques === approveAt });
    }],
    repeatLast: true,
  });
}

Deno.test("compileWorkflow().run() loops back from critic to write until the critic approves", async () => {
  const model = writerCriticModel(2);
  const events: EngineEvent[] = [];
  const result = await runOnce(loadWorkflow(writerCritic(5)), { topic: "tides" }, {
    deps: testDeps({ model }),
    onEvent: (event) => events.push(event),
  });
  assertEquals(
    result.metadata.nodeExecutions.map((e) => [e.nodeId, e.round, e.maxRounds]),
    [["write", 1, 5], ["critic", 1, 5], ["write", 2, 5], ["critic", 2, 5]],
  );
  assertEquals(result.state.draft, "d2");
  assertEquals(result.state.approved, true);
  // The second draft saw the first critique.
  assertStringIncludes(requestText(model.requests[2]!), "critique: fix 1");
  const end = {
    nodeId: "critic",
    backTo: "write",
    conditionField: "approved",
    rounds: 2,
    maxRounds: 5,
    stoppedBy: "condition",
  };
  assertEquals(result.metadata.loops, [end]);
  const tail = events.slice(-3).map((e) => e.type);
  assertEquals(tail, ["node_finished", "loop_ended", "run_finished"]);
  assertEquals(events.find((e) => e.type === "loop_ended"), { type: "loop_ended", ...end });
  const started = events.flatMap((e) =>
    e.type === "node_started" ? [`${e.nodeId}@${e.round}`] : []
  );
  assertEquals(started, ["write@1", "critic@1", "write@2", "critic@2"]);
});

Deno.test("compileWorkflow().run() ends a writer/critic loop at max_iterations and says so", async () => {
  const model = writerCriticModel(undefined);
  const events: EngineEvent[] = [];
  const result = await runOnce(loadWorkflow(writerCritic(3)), { topic: "tides" }, {
    deps: testDeps({ model }),
    onEvent: (event) => events.push(event),
  });
  assertEquals(
    result.metadata.nodeExecutions.map((e) => `${e.nodeId}@${e.round}/${e.maxRounds}`),
    ["write@1/3", "critic@1/3", "write@2/3", "critic@2/3", "write@3/3", "critic@3/3"],
  );
  assertEquals(result.state.approved, false);
  assertEquals(result.state.draft, "d3");
  assertEquals(result.metadata.status, "success");
  assertEquals(result.metadata.loops.map((l) => [l.nodeId, l.rounds, l.stoppedBy]), [
    ["critic", 3, "max_iterations"],
  ]);
  const ended = events.filter((e) => e.type === "loop_ended");
  assertEquals(ended.length, 1);
  assertEquals(ended[0]?.type === "loop_ended" && ended[0].stoppedBy, "max_iterations");
});

Deno.test("compileWorkflow().run() tells each node the round of its innermost loop", async () => {
  const model = writerCriticModel(undefined);
  const result = await runOnce(loadWorkflow(writerCritic(2, true)), { topic: "tides" }, {
    deps: testDeps({ model }),
  });
  // `write` repeats in its own loop (2 rounds) inside every round of the critic's loop.
  assertEquals(
    result.metadata.nodeExecutions.map((e) => `${e.nodeId}@${e.round}/${e.maxRounds}`),
    ["write@1/2", "write@2/2", "critic@1/2", "write@1/2", "write@2/2", "critic@2/2"],
  );
  assertEquals(result.metadata.loops.map((l) => `${l.nodeId}:${l.rounds}:${l.stoppedBy}`), [
    "write:2:max_iterations",
    "write:2:max_iterations",
    "critic:2:max_iterations",
  ]);
});
