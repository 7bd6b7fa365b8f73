import { z } from "zod";
import { WorkflowError } from "../../src/errors.ts";
import { BUILTIN_TOOL_NAMES } from "../../src/tools/builtin_names.ts";
import { createToolRegistry } from "../../src/tools/tool_registry.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import { mockToolResult } from "../../src/tools/mock_tool_result.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../_helpers/assert.ts";

Deno.test("mockToolResult() gives serper_search two flagged results mentioning the query", () => {
  const result = mockToolResult("serper_search", { query: "tide pools" }) as {
    mock: boolean;
    query: string;
    results: { title: string; link: string; snippet: string }[];
  };
  assertEquals(result.mock, true);
  assertEquals(result.query, "tide pools");
  assertEquals(result.results.length, 2);
  for (const item of result.results) {
    assertStringIncludes(item.title, "tide pools");
    assertStringIncludes(item.snippet, "[mock]");
  }
});

Deno.test("mockToolResult() is deterministic for every built-in", () => {
  const args: Record<string, Record<string, unknown>> = {
    serper_search: { query: "q", num_results: 1 },
    http_get: { url: "https://example.com/a" },
    read_file: { path: "notes.txt" },
    write_file: { path: "out.md", content: "héllo" },
  };
  for (const name of BUILTIN_TOOL_NAMES) {
    const first = mockToolResult(name, args[name]!);
    assertEquals(mockToolResult(name, args[name]!), first);
    assertEquals(first.mock, true, name);
  }
  assertEquals((mockToolResult("serper_search", args.serper_search!).results as []).length, 1);
  assertEquals(mockToolResult("write_file", args.write_file!), {
    mock: true,
    path: "out.md",
    bytes_written: 6,
  });
  assertEquals(mockToolResult("http_get", args.http_get!).status, 200);
});

Deno.test("mockToolResult() gives a tool without mock a generic flagged placeholder", () => {
  assertEquals(mockToolResult("lookup", { id: 7 }), {
    mock: true,
    tool: "lookup",
    args: { id: 7 },
    result: '[mock] Placeholder result of tool "lookup"; the tool was not called',
  });
});

Deno.test("mockToolResult() uses a user tool's own mock from the registry and keeps the flag", () => {
  let invoked = 0;
  const registry = createToolRegistry({
    tools: [
      defineTool({
        name: "weather",
        description: "Weather of a city",
        parameters: z.object({ city: z.string() }),
        invoke: () => Promise.resolve(invoked++),
        mock: ({ city }) => ({ city, celsius: 21, mock: false }),
      }),
      defineTool({
        name: "count",
        description: "A number",
        parameters: z.object({}),
        invoke: () => Promise.resolve(invoked++),
        mock: () => 42,
      }),
    ],
  });
  assertEquals(mockToolResult("weather", { city: "Lisbon" }, { registry }), {
    mock: true,
    city: "Lisbon",
    celsius: 21,
  });
  assertEquals(mockToolResult("count", {}, { registry }), { mock: true, result: 42 });
  assertEquals(invoked, 0);
  assertThrows(
    () => mockToolResult("weather", {}, { registry }),
    WorkflowError,
    'Cannot call tool "weather" as its arguments are invalid',
  );
});

Deno.test("mockToolResult() never needs a context, so no I/O can happen", () => {
  const result = mockToolResult("read_file", { path: "/etc/passwd" });
  assert(String(result.content).startsWith("[mock]"));
});
