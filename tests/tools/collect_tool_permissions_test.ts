import { z } from "zod";
import { WorkflowError } from "../../src/errors.ts";
import {
  collectToolPermissions,
  mergeToolPermissions,
} from "../../src/tools/collect_tool_permissions.ts";
import { createToolRegistry } from "../../src/tools/tool_registry.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import { httpGetTool } from "../../src/tools/http_get.ts";
import { readFileTool } from "../../src/tools/read_file.ts";
import { serperSearchTool } from "../../src/tools/serper_search.ts";
import { writeFileTool } from "../../src/tools/write_file.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";

Deno.test("serper_search needs google.serper.dev and SERPER_API_KEY", () => {
  assertEquals(serperSearchTool.permissions({}), {
    net: ["google.serper.dev"],
    env: ["SERPER_API_KEY"],
  });
});

Deno.test("http_get needs exactly its allowed hosts, in --allow-net form", () => {
  assertEquals(
    httpGetTool.permissions({
      allowed_hosts: ["Example.com", "api.example.com:08443", "*.wikipedia.org", "[::1]:8080"],
    }),
    { net: ["example.com", "api.example.com:8443", "*.wikipedia.org", "[::1]:8080"] },
  );
});

Deno.test("read_file needs read on its roots; write_file write and read on its roots", () => {
  assertEquals(readFileTool.permissions({ roots: ["./data", "/srv/docs"] }), {
    read: ["./data", "/srv/docs"],
  });
  assertEquals(writeFileTool.permissions({ roots: ["./out"] }), {
    write: ["./out"],
    read: ["./out"],
  });
});

Deno.test("permissions() of a built-in refuses an invalid config as CONFIG_INVALID", () => {
  const error = assertThrows(() => httpGetTool.permissions({}), WorkflowError, "allowed_hosts");
  assertEquals((error as WorkflowError).code, "CONFIG_INVALID");
  assertThrows(() => readFileTool.permissions({ roots: [] }), WorkflowError, "roots:");
});

Deno.test("mergeToolPermissions() unites, sorts and dedupes every kind", () => {
  assertEquals(
    mergeToolPermissions([
      { net: ["b.example", "a.example"], env: ["X"] },
      { net: ["a.example"], read: ["./in"] },
      {},
    ]),
    { net: ["a.example", "b.example"], read: ["./in"], write: [], env: ["X"] },
  );
});

Deno.test("collectToolPermissions() asks each tool with its entry's config", () => {
  const registry = createToolRegistry({
    tools: [
      defineTool({
        name: "crm",
        description: "Looks customers up",
        parameters: z.object({}),
        invoke: () => Promise.resolve(null),
        permissions: () => ({ net: ["crm.internal:8443"], env: ["CRM_TOKEN"] }),
      }),
    ],
  });
  assertEquals(
    collectToolPermissions(registry, [
      "serper_search",
      { name: "http_get", config: { allowed_hosts: ["*.example.com", "example.com"] } },
      { name: "read_file", config: { roots: ["./data"] } },
      { name: "write_file", config: { roots: ["./out"] } },
      "crm",
      "serper_search",
    ]),
    {
      net: ["*.example.com", "crm.internal:8443", "example.com", "google.serper.dev"],
      read: ["./data", "./out"],
      write: ["./out"],
      env: ["CRM_TOKEN", "SERPER_API_KEY"],
    },
  );
});

Deno.test("collectToolPermissions() refuses an unknown tool and a bare http_get", () => {
  const registry = createToolRegistry();
  assertThrows(
    () => collectToolPermissions(registry, ["web_search"]),
    WorkflowError,
    'Cannot list the permissions of tool "web_search" as it is not registered: known tools are "serper_search"',
  );
  assertThrows(
    () => collectToolPermissions(registry, ["http_get"]),
    WorkflowError,
    'Cannot use tool "http_get" as its config is invalid: allowed_hosts: Required',
  );
});
