import { z } from "zod";
import { defineTool } from "../../src/tools/define_tool.ts";
import { httpGetTool } from "../../src/tools/http_get.ts";
import { readFileTool } from "../../src/tools/read_file.ts";
import { serperSearchTool } from "../../src/tools/serper_search.ts";
import { validateToolConfig } from "../../src/tools/validate_tool_config.ts";
import { writeFileTool } from "../../src/tools/write_file.ts";
import { assertEquals } from "../_helpers/assert.ts";

Deno.test("validateToolConfig() accepts a valid config of each built-in", () => {
  assertEquals(validateToolConfig(serperSearchTool, undefined), []);
  assertEquals(validateToolConfig(serperSearchTool, { country: "us", language: "en" }), []);
  assertEquals(
    validateToolConfig(httpGetTool, {
      allowed_hosts: ["example.com", "api.example.com:8443", "*.wikipedia.org", "[::1]:8080"],
      max_bytes: 5000,
      timeout_seconds: 2.5,
    }),
    [],
  );
  assertEquals(validateToolConfig(readFileTool, { roots: ["./data"], max_bytes: 10 }), []);
  assertEquals(validateToolConfig(writeFileTool, { roots: ["out", "/tmp/x"] }), []);
});

Deno.test("validateToolConfig() reports http_get without allowed_hosts, as for a bare name", () => {
  assertEquals(validateToolConfig(httpGetTool, undefined), [
    {
      path: ["allowed_hosts"],
      message: 'Required: list the hosts http_get may fetch, such as ["example.com"]',
    },
  ]);
});

Deno.test("validateToolConfig() reports an unknown key with the known keys", () => {
  const issues = validateToolConfig(httpGetTool, { allowed_hosts: ["a.com"], max_byte: 1 });
  assertEquals(issues, [{
    path: ["max_byte"],
    message:
      'Unknown key "max_byte": known keys are "allowed_hosts", "max_bytes", "timeout_seconds"',
  }]);
});

Deno.test("validateToolConfig() reports each bad host entry at its index", () => {
  const issues = validateToolConfig(httpGetTool, {
    allowed_hosts: ["https://example.com", "ok.com", "a.com:99999", "*.", ""],
  });
  assertEquals(issues.map((issue) => issue.path), [
    ["allowed_hosts", 0],
    ["allowed_hosts", 2],
    ["allowed_hosts", 3],
    ["allowed_hosts", 4],
  ]);
  assertEquals(
    issues[0]?.message,
    'Expected a host such as "example.com", "example.com:8080" or "*.example.com", got "https://example.com"',
  );
  assertEquals(issues[1]?.message, 'Expected a port from 1 to 65535 in "a.com:99999"');
});

Deno.test("validateToolConfig() reports empty lists, bad limits and missing roots", () => {
  assertEquals(
    validateToolConfig(httpGetTool, { allowed_hosts: [] }).map((i) => i.message),
    ["List at least one host"],
  );
  assertEquals(
    validateToolConfig(httpGetTool, { allowed_hosts: ["a.com"], max_bytes: 0 }).map((i) => i.path),
    [["max_bytes"]],
  );
  assertEquals(validateToolConfig(readFileTool, {}), [{
    path: ["roots"],
    message: 'Required: list the directories read_file may use, such as ["./data"]',
  }]);
  assertEquals(validateToolConfig(writeFileTool, { roots: "out" }), [{
    path: ["roots"],
    message: "Expected a list of directory paths",
  }]);
  assertEquals(validateToolConfig(serperSearchTool, { country: "USA" }).map((i) => i.path), [
    ["country"],
  ]);
});

Deno.test("validateToolConfig() accepts anything for a tool without configSchema", () => {
  const tool = defineTool({
    name: "free",
    description: "d",
    parameters: z.object({}),
    invoke: () => Promise.resolve(null),
  });
  assertEquals(validateToolConfig(tool, { whatever: true }), []);
});
