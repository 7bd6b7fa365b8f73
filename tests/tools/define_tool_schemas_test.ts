/**
 * `defineTool` with schemas other than the toolkit's own zod 4: zod 3 (JSON Schema converted
 * from its definitions) and any other Standard Schema (with a JSON Schema given).
 */
import { z as z3 } from "zod3";
import { WorkflowError } from "../../src/errors.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import type { StandardToolSchema } from "../../src/tools/tool_schema.ts";
import { validateToolConfig } from "../../src/tools/validate_tool_config.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../_helpers/assert.ts";
import { toolContext } from "./_fakes.ts";

const TARGET = { target: "draft-2020-12" } as const;

Deno.test("defineTool() accepts a zod 3 object and shows the model its JSON Schema", async () => {
  const search = defineTool({
    name: "search",
    description: "Searches the catalogue",
    parameters: z3.object({
      query: z3.string().min(1).describe("What to look for"),
      limit: z3.number().int().min(1).max(10).default(5),
      kinds: z3.array(z3.enum(["book", "film"])).max(2).optional(),
      exact: z3.boolean().nullable(),
    }).strict(),
    configSchema: z3.object({ region: z3.string().length(2) }).strict(),
    invoke: ({ query, limit, kinds, exact }, context) =>
      Promise.resolve({ query, limit, kinds, exact, region: context.config.region }),
  });
  assertEquals(search.parameters["~standard"].jsonSchema.output(TARGET), {
    type: "object",
    properties: {
      query: { type: "string", minLength: 1, description: "What to look for" },
      limit: { type: "integer", minimum: 1, maximum: 10, default: 5 },
      kinds: { type: "array", items: { type: "string", enum: ["book", "film"] }, maxItems: 2 },
      exact: { anyOf: [{ type: "boolean" }, { type: "null" }] },
    },
    required: ["query", "exact"],
    additionalProperties: false,
  });
  const context = toolContext({ config: { region: "uk" } });
  assertEquals(await search.invoke({ query: "tide", exact: null }, context), {
    query: "tide",
    limit: 5,
    kinds: undefined,
    exact: null,
    region: "uk",
  });
  const error = await assertRejects(
    () => search.invoke({ query: "", exact: true, limit: 11, extra: 1 }, context),
    WorkflowError,
    'Cannot call tool "search" as its arguments are invalid',
  );
  assertEquals((error as WorkflowError).code, "TOOL_FAILED");
  for (const part of ["query:", "limit:", 'Unknown key "extra": known keys are "query", "limit"']) {
    assertStringIncludes(error.message, part);
  }
  assertEquals(validateToolConfig(search, { region: "GBR" }).map((issue) => issue.path), [[
    "region",
  ]]);
});

Deno.test("defineTool() refuses a zod 3 schema without a JSON form unless jsonSchema is given", () => {
  const parameters = z3.object({ when: z3.date(), note: z3.string() });
  assertThrows(
    () =>
      defineTool({
        name: "remind",
        description: "Sets a reminder",
        parameters,
        invoke: () => Promise.resolve(null),
      }),
    TypeError,
    'Cannot define tool "remind" as its parameters cannot be turned into JSON Schema for the model: "ZodDate" at "when" has no JSON Schema form: give the JSON Schema of the arguments as jsonSchema',
  );
  const jsonSchema = {
    type: "object",
    properties: { when: { type: "string", format: "date-time" }, note: { type: "string" } },
    required: ["when", "note"],
  };
  const tool = defineTool({
    name: "remind",
    description: "Sets a reminder",
    parameters,
    jsonSchema,
    invoke: () => Promise.resolve(null),
  });
  assertEquals(tool.parameters["~standard"].jsonSchema.output(TARGET), jsonSchema);
});

/** A Standard Schema of `{ n: number }` that is not zod: paths as `{ key }` segments. */
function numberBox(asynchronous = false): StandardToolSchema<{ n: number }> {
  return {
    "~standard": {
      version: 1,
      vendor: "hand-made",
      validate(value) {
        const n = (value as { n?: unknown } | null)?.n;
        const result = typeof n === "number"
          ? { value: { n } }
          : { issues: [{ message: "Expected a number", path: [{ key: "n" }] }] };
        return asynchronous ? Promise.resolve(result) : result;
      },
    },
  };
}

Deno.test("defineTool() accepts any Standard Schema with the JSON Schema given", async () => {
  assertThrows(
    () =>
      defineTool({
        name: "double",
        description: "Doubles n",
        parameters: numberBox(),
        invoke: ({ n }) => Promise.resolve(n * 2),
      }),
    TypeError,
    'a "hand-made" schema has no JSON Schema converter: give the JSON Schema of the arguments as jsonSchema',
  );
  const tool = defineTool({
    name: "double",
    description: "Doubles n",
    parameters: numberBox(),
    jsonSchema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
    invoke: ({ n }) => Promise.resolve(n * 2),
  });
  assertEquals(await tool.invoke({ n: 21 }, toolContext()), 42);
  await assertRejects(
    () => tool.invoke({ n: "x" }, toolContext()),
    WorkflowError,
    "as its arguments are invalid: n: Expected a number",
  );
  const slow = defineTool({
    name: "slow",
    description: "Validates later",
    parameters: numberBox(true),
    jsonSchema: { type: "object", properties: { n: { type: "number" } } },
    invoke: () => Promise.resolve(null),
  });
  const error = await assertRejects(() => slow.invoke({ n: 1 }, toolContext()), TypeError);
  assert(error.message.includes("validates asynchronously"), error.message);
});

Deno.test("defineTool() refuses parameters that are not a schema, or a jsonSchema that is not an object", () => {
  assertThrows(
    () =>
      defineTool({
        name: "t",
        description: "d",
        parameters: { shape: {} } as unknown as StandardToolSchema<Record<string, unknown>>,
        invoke: () => Promise.resolve(null),
      }),
    TypeError,
    'Cannot define tool "t" as its parameters are not a schema',
  );
  assertThrows(
    () =>
      defineTool({
        name: "t",
        description: "d",
        parameters: numberBox(),
        jsonSchema: { type: "string" },
        invoke: () => Promise.resolve(null),
      }),
    TypeError,
    'Cannot define tool "t" as its parameters are not an object schema',
  );
});
