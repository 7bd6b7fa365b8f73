import { assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { main } from "../../src/cli/main.ts";
import { workflowJsonSchema } from "../../src/config/json_schema.ts";
import { fakeIO, moduleGraph, runCli } from "../config/_cli_io.ts";

Deno.test("schemaCommand() prints the generated JSON Schema and exits 0", async () => {
  const io = fakeIO();
  assertStrictEquals(await main(["schema"], io), 0);
  assertEquals(JSON.parse(io.out.join("")), workflowJsonSchema());
  assertEquals(io.err, []);
});

Deno.test("cli.ts schema prints the committed schema with --allow-read only", async () => {
  const run = await runCli(["schema"]);
  assertStrictEquals(run.code, 0, run.stderr);
  assertStrictEquals(run.stdout, await Deno.readTextFile("schema/workflow.schema.json"));
});

Deno.test("schema_command.ts loads no LangChain, LangGraph or OpenTelemetry module", async () => {
  const modules = await moduleGraph("src/cli/schema_command.ts");
  assertEquals(modules.filter((m) => /langchain|langgraph|langsmith|opentelemetry/.test(m)), []);
});
