/**
 * The contract every tool honours, built-in or user-made: run it with
 * `toolContractSuite(tool, sample)` from a test file.
 *
 * @module
 */
import { z } from "zod";
import { isWorkflowError } from "../../src/errors.ts";
import { mockToolResult } from "../../src/tools/mock_tool_result.ts";
import type { Tool } from "../../src/tools/tool.ts";
import { ToolRegistry } from "../../src/tools/tool_registry.ts";
import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { rejectionOf, toolContext } from "./_fakes.ts";

/** A valid call of the tool under test. */
export interface ContractSample {
  /** Arguments that fit `parameters`. */
  args: Record<string, unknown>;
  /** A valid config. */
  config: Record<string, unknown>;
}

/**
 * Registers the contract tests of one tool.
 *
 * @param tool The tool.
 * @param sample A valid call.
 */
export function toolContractSuite(tool: Tool, sample: ContractSample): void {
  Deno.test(`${tool.name}: describes itself for the model`, () => {
    assert(/^[A-Za-z_][A-Za-z0-9_]*$/.test(tool.name));
    assert(tool.description.trim().length > 10, "description too short");
    assert(tool.parameters instanceof z.ZodObject);
    const schema = z.toJSONSchema(tool.parameters) as { type?: string };
    assertEquals(schema.type, "object");
    assert(tool.parameters.safeParse(sample.args).success, "sample args do not parse");
  });

  Deno.test(`${tool.name}: reports permissions as lists of strings`, () => {
    const permissions = tool.permissions(sample.config);
    for (const [kind, values] of Object.entries(permissions)) {
      assert(["net", "read", "write", "env"].includes(kind), `unknown kind ${kind}`);
      assert(Array.isArray(values) && values.every((v) => typeof v === "string"));
    }
  });

  Deno.test(`${tool.name}: rejects an aborted call with the signal's reason and no I/O`, async () => {
    const controller = new AbortController();
    const reason = new Error("aborted in contract");
    controller.abort(reason);
    const context = toolContext({ signal: controller.signal, config: sample.config });
    assertStrictEquals(await rejectionOf(tool.invoke(sample.args, context)), reason);
  });

  Deno.test(`${tool.name}: fails invalid arguments with a WorkflowError`, async () => {
    const context = toolContext({ config: sample.config });
    const thrown = await rejectionOf(tool.invoke(invalidArgs(tool), context));
    assert(isWorkflowError(thrown), `expected a WorkflowError, got ${String(thrown)}`);
  });

  Deno.test(`${tool.name}: gives a deterministic, flagged mock result`, () => {
    const registry = new ToolRegistry([tool]);
    const first = mockToolResult(tool.name, sample.args, { registry });
    assertEquals(mockToolResult(tool.name, sample.args, { registry }), first);
    assertEquals(first.mock, true);
    assertEquals(JSON.parse(JSON.stringify(first)), first, "the mock result is not plain JSON");
  });
}

/** Arguments with every field of the tool's parameters set to a value of no valid type. */
function invalidArgs(tool: Tool): Record<string, unknown> {
  const parameters = tool.parameters;
  assert(parameters instanceof z.ZodObject, "parameters are not a zod object");
  const keys = Object.keys(parameters.shape);
  return Object.fromEntries(keys.map((key) => [key, Symbol("invalid")]));
}
