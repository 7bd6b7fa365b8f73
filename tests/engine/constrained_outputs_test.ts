/**
 * Bounds and enumerations of the type grammar hold for inputs and model answers, reach the
 * model as JSON Schema (`minimum`/`maximum`, `enum`), and keep mock answers within them, so
 * that routes can be exercised offline.
 */
import { z } from "zod";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { parseTypeExpression } from "../../src/config/type_expression.ts";
import { createOutputModel } from "../../src/engine/output_model.ts";
import { createStateModel } from "../../src/engine/state_model.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { loadWorkflow, runOnce, testDeps } from "./_fakes.ts";

Deno.test("createOutputModel() shows the model bounds and enumerations and rejects answers outside them", () => {
  const model = createOutputModel(
    {
      id: "review",
      outputs: ["score", "verdict"],
      output_schema: {
        type: "object",
        fields: [
          { name: "score", type: "int[1..5]", description: "Quality" },
          { name: "verdict", type: "enum[approve, revise]" },
        ],
      },
    },
    {
      score: { type: parseTypeExpression("int"), objectSchema: undefined, description: undefined },
      verdict: {
        type: parseTypeExpression("str"),
        objectSchema: undefined,
        description: undefined,
      },
    },
  );
  const json = z.toJSONSchema(model.schema) as { properties: Record<string, unknown> };
  assertEquals(json.properties.score, {
    type: "integer",
    minimum: 1,
    maximum: 5,
    description: "Quality",
  });
  assertEquals(json.properties.verdict, { type: "string", enum: ["approve", "revise"] });
  const check = model.check({ score: 88, verdict: "maybe" });
  assert(!check.ok);
  assertEquals(check.problems.length, 2);
  assert(check.problems[0]?.startsWith("score:"), check.problems[0]);
  assert(check.problems[1]?.startsWith("verdict:"), check.problems[1]);
  assert(model.check({ score: 3, verdict: "approve" }).ok);
});

Deno.test("createStateModel() rejects inputs outside a field's bounds or enumeration", () => {
  const state = createStateModel({
    priority: { type: "enum[low, high]", required: true },
    retries: { type: "int[0..3]", required: false },
  });
  assertEquals(state.fields.priority?.inputSchema.safeParse("mid").success, false);
  assertEquals(state.fields.priority?.inputSchema.safeParse("high").success, true);
  assertEquals(state.fields.retries?.inputSchema.safeParse(4).success, false);
});

const TRIAGE: WorkflowInput = {
  schema_version: "1.0",
  flow: { name: "triage" },
  state: {
    fields: {
      ticket: { type: "str", required: true },
      priority: { type: "enum[low, high]" },
      score: { type: "int[1..5]" },
      handled_by: { type: "str" },
    },
  },
  nodes: [
    {
      id: "classify",
      prompt: "Classify {ticket}",
      outputs: ["priority", "score"],
    },
    { id: "escalate", prompt: "Escalate {ticket}", outputs: ["handled_by"] },
    { id: "answer", prompt: "Answer {ticket}", outputs: ["handled_by"] },
  ],
  edges: [
    { from: "START", to: "classify" },
    {
      from: "classify",
      routes: [
        { condition: { logic: 'state.priority == "high"' }, to: "escalate" },
        { condition: "default", to: "answer" },
      ],
    },
    { from: "escalate", to: "END" },
    { from: "answer", to: "END" },
  ],
};

Deno.test("mock runs keep to bounds and enumerations, so different seeds take different routes", async () => {
  const routes = new Set<string>();
  for (let seed = 0; seed < 12; seed++) {
    const result = await runOnce(loadWorkflow(TRIAGE), { ticket: "I was charged twice" }, {
      deps: testDeps(),
      mock: true,
      seed,
    });
    const { priority, score } = result.state as { priority: string; score: number };
    assert(["low", "high"].includes(priority), priority);
    assert(Number.isInteger(score) && score >= 1 && score <= 5, String(score));
    routes.add(result.metadata.nodeExecutions.map((e) => e.nodeId).join(">"));
  }
  assertEquals([...routes].sort(), ["classify>answer", "classify>escalate"]);
});

Deno.test("runOnce() refuses an input outside its enumeration before any call", async () => {
  await assertRejects(
    () =>
      runOnce(
        loadWorkflow({
          ...TRIAGE,
          state: {
            fields: {
              ...TRIAGE.state.fields,
              priority: { type: "enum[low, high]", required: true },
            },
          },
        }),
        { ticket: "x", priority: "urgent" },
        { deps: testDeps(), mock: true },
      ),
    WorkflowError,
    "priority",
  );
});
