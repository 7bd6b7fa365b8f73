import { z } from "zod";
import { BUILTIN_TOOL_NAMES } from "../../src/tools/builtin_names.ts";
import { createToolRegistry, ToolRegistry } from "../../src/tools/tool_registry.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import type { Tool } from "../../src/tools/tool.ts";
import { assert, assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";

function userTool(name: string): Tool {
  return defineTool({
    name,
    description: `The ${name} tool`,
    parameters: z.object({}),
    invoke: () => Promise.resolve(name),
  });
}

Deno.test("createToolRegistry() holds exactly the built-ins named in BUILTIN_TOOL_NAMES", () => {
  const registry = createToolRegistry();
  assertEquals(registry.names(), [...BUILTIN_TOOL_NAMES]);
  for (const name of BUILTIN_TOOL_NAMES) assertEquals(registry.get(name)?.name, name);
});

Deno.test("createToolRegistry() adds user tools after the built-ins", () => {
  const lookup = userTool("lookup_customer");
  const registry = createToolRegistry({ tools: [lookup] });
  assertEquals(registry.names(), [...BUILTIN_TOOL_NAMES, "lookup_customer"]);
  assertStrictEquals(registry.get("lookup_customer"), lookup);
  assert(registry.has("lookup_customer"));
});

Deno.test("createToolRegistry() leaves the built-ins out when asked", () => {
  const registry = createToolRegistry({ builtins: false, tools: [userTool("only")] });
  assertEquals(registry.names(), ["only"]);
  assertEquals(registry.get("http_get"), undefined);
});

Deno.test("ToolRegistry.get() returns undefined for an unknown name", () => {
  assertEquals(new ToolRegistry().get("nope"), undefined);
  assertEquals(new ToolRegistry().has("nope"), false);
});

Deno.test("ToolRegistry.register() refuses a duplicate name", () => {
  const registry = new ToolRegistry().register(userTool("twice"));
  assertThrows(
    () => registry.register(userTool("twice")),
    TypeError,
    'Cannot register tool "twice" as a tool of that name is already registered',
  );
  assertEquals(registry.names(), ["twice"]);
});

Deno.test("ToolRegistry.register() refuses a user tool named like a built-in", () => {
  assertThrows(
    () => createToolRegistry({ tools: [userTool("http_get")] }),
    TypeError,
    'Cannot register tool "http_get" as it is the name of a built-in tool: choose another name',
  );
});

Deno.test("ToolRegistry.register() refuses an invalid name and a value that is not a tool", () => {
  const badName = { ...userTool("fine"), name: "not fine" };
  assertThrows(
    () => new ToolRegistry().register(badName),
    TypeError,
    'Cannot register tool "not fine" as a tool name is an identifier',
  );
  const noInvoke = { name: "half", description: "d", parameters: z.object({}) } as unknown as Tool;
  assertThrows(() => new ToolRegistry().register(noInvoke), TypeError, "lacks invoke()");
  assertThrows(
    () => new ToolRegistry().register(null as unknown as Tool),
    TypeError,
    "is not a tool object",
  );
});

Deno.test("ToolRegistry.register() returns the registry for chaining", () => {
  const registry = new ToolRegistry();
  assertStrictEquals(registry.register(userTool("a")), registry);
  assertEquals(registry.register(userTool("b")).names(), ["a", "b"]);
});
