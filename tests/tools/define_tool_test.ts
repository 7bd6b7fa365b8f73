import { z } from "zod";
import { WorkflowError } from "../../src/errors.ts";
import { defineTool, type ToolCallContext } from "../../src/tools/define_tool.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "../_helpers/assert.ts";
import { rejectionOf, toolContext } from "./_fakes.ts";

const parameters = z.object({ text: z.string(), times: z.int().min(1).default(1) });

Deno.test("defineTool() passes parsed arguments with defaults to invoke", async () => {
  const tool = defineTool({
    name: "repeat",
    description: "Repeats text",
    parameters,
    invoke: ({ text, times }) => Promise.resolve(text.repeat(times)),
  });
  assertEquals(await tool.invoke({ text: "ab" }, toolContext()), "ab");
  assertEquals(await tool.invoke({ text: "ab", times: 3 }, toolContext()), "ababab");
});

Deno.test("defineTool() fails a call with invalid arguments as TOOL_FAILED naming each", async () => {
  let calls = 0;
  const tool = defineTool({
    name: "repeat",
    description: "Repeats text",
    parameters,
    invoke: () => Promise.resolve(calls++),
  });
  const error = await assertRejects(
    () => tool.invoke({ times: 0 }, toolContext()),
    WorkflowError,
    'Cannot call tool "repeat" as its arguments are invalid',
  );
  assertEquals((error as WorkflowError).code, "TOOL_FAILED");
  assert(error.message.includes("text:"), error.message);
  assert(error.message.includes("times:"), error.message);
  assertEquals(calls, 0);
});

Deno.test("defineTool() parses the config with configSchema and refuses an invalid one", async () => {
  const configSchema = z.strictObject({ prefix: z.string().default(">") });
  let seen: ToolCallContext<{ prefix: string }> | undefined;
  const tool = defineTool({
    name: "prefixed",
    description: "Prefixes text",
    parameters,
    configSchema,
    invoke: (args, context) => {
      seen = context;
      return Promise.resolve(`${context.config.prefix}${args.text}`);
    },
  });
  assertEquals(await tool.invoke({ text: "x" }, toolContext()), ">x");
  assertEquals(seen?.config, { prefix: ">" });
  assertEquals(await tool.invoke({ text: "x" }, toolContext({ config: { prefix: "#" } })), "#x");
  const error = await assertRejects(
    () => tool.invoke({ text: "x" }, toolContext({ config: { prefx: "#" } })),
    WorkflowError,
    'Cannot use tool "prefixed" as its config is invalid: prefx: Unknown key "prefx": known keys are "prefix"',
  );
  assertEquals((error as WorkflowError).code, "CONFIG_INVALID");
  assertEquals(tool.configSchema, configSchema);
});

Deno.test("defineTool() hands any config through when there is no configSchema", async () => {
  const tool = defineTool({
    name: "configured",
    description: "Returns its config",
    parameters: z.object({}),
    invoke: (_args, context) => Promise.resolve(context.config),
  });
  assertEquals(await tool.invoke({}, toolContext({ config: { any: [1] } })), { any: [1] });
  assertEquals(tool.permissions({ any: 1 }), {});
});

Deno.test("defineTool() rejects an aborted call with the signal's reason before invoking", async () => {
  let calls = 0;
  const tool = defineTool({
    name: "counted",
    description: "Counts calls",
    parameters: z.object({}),
    invoke: () => Promise.resolve(calls++),
  });
  const controller = new AbortController();
  const reason = new Error("node timeout");
  controller.abort(reason);
  const thrown = await rejectionOf(tool.invoke({}, toolContext({ signal: controller.signal })));
  assertStrictEquals(thrown, reason);
  assertEquals(calls, 0);
});

Deno.test("defineTool() refuses a name that is not an identifier", () => {
  for (const name of ["web search", "1st", "", "a-b"]) {
    assertThrows(
      () =>
        defineTool({
          name,
          description: "x",
          parameters: z.object({}),
          invoke: () => Promise.resolve(null),
        }),
      TypeError,
      `Cannot define tool "${name}" as a tool name is an identifier`,
    );
  }
});

Deno.test("defineTool() refuses an empty description and parameters that are not an object", () => {
  assertThrows(
    () =>
      defineTool({
        name: "t",
        description: " ",
        parameters: z.object({}),
        invoke: () => Promise.resolve(null),
      }),
    TypeError,
    "as it has no description",
  );
  assertThrows(
    () =>
      defineTool({
        name: "t",
        description: "d",
        parameters: z.string() as unknown as z.ZodObject,
        invoke: () => Promise.resolve(null),
      }),
    TypeError,
    "as its parameters are not an object schema: use z.object({...})",
  );
});

Deno.test("defineTool() gives the tool a mock only when the spec has one, with parsed arguments", () => {
  const plain = defineTool({
    name: "plain",
    description: "d",
    parameters,
    invoke: () => Promise.resolve(null),
  });
  assertEquals(plain.mock, undefined);
  const mocked = defineTool({
    name: "mocked",
    description: "d",
    parameters,
    invoke: () => Promise.resolve(null),
    mock: (args) => ({ echoed: args.text, times: args.times }),
  });
  assertEquals(mocked.mock?.({ text: "hi" }), { echoed: "hi", times: 1 });
  assertThrows(() => mocked.mock?.({}), WorkflowError, "its arguments are invalid");
});

Deno.test("defineTool() permissions() parses the config and reports an invalid one", () => {
  const tool = defineTool({
    name: "netty",
    description: "d",
    parameters,
    configSchema: z.strictObject({ host: z.string() }),
    invoke: () => Promise.resolve(null),
    permissions: (config) => ({ net: [config.host] }),
  });
  assertEquals(tool.permissions({ host: "a.example" }), { net: ["a.example"] });
  const error = assertThrows(() => tool.permissions({}), WorkflowError, "host:");
  assertEquals((error as WorkflowError).phase, "validate");
});
