import { assert, assertStrictEquals } from "../_helpers/assert.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { TOOL_NAMES } from "./_workflows.ts";

/** One broken file and what validation must say about it. */
interface Case {
  file: string;
  code: string;
  message: string;
  line: number;
  column: number;
  /** How many errors the file has in all (no echoes of the one problem). */
  errors: number;
}

const DIR = new URL("../fixtures/workflows/invalid/", import.meta.url);
const CASES: Case[] = JSON.parse(await Deno.readTextFile(new URL("cases.json", DIR)));

Deno.test("the invalid corpus has at least 30 files, each with its expected diagnostic", async () => {
  assert(CASES.length >= 30, `only ${CASES.length} cases`);
  const files = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (entry.name !== "cases.json") files.push(entry.name);
  }
  assertStrictEquals(files.sort().join("\n"), CASES.map((c) => c.file).sort().join("\n"));
});

for (const c of CASES) {
  Deno.test(`safeParseWorkflow() reports ${c.code} in invalid/${c.file} at ${c.line}:${c.column}`, async () => {
    const text = await Deno.readTextFile(new URL(c.file, DIR));
    const result = safeParseWorkflow(text, { file: c.file, toolNames: TOOL_NAMES });
    assert(!result.ok, "expected the file to be invalid");
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    const hit = errors.find((d) => d.code === c.code && d.message.includes(c.message));
    const listing = errors.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join("\n");
    assert(hit, `no ${c.code} with "${c.message}" in:\n${listing}`);
    assertStrictEquals(`${hit.file}:${hit.line}:${hit.column}`, `${c.file}:${c.line}:${c.column}`);
    assertStrictEquals(errors.length, c.errors, listing);
    assert(/^Cannot [a-z]/.test(hit.message), `message style: ${hit.message}`);
    assert(!hit.message.endsWith("."), `trailing period: ${hit.message}`);
  });
}
