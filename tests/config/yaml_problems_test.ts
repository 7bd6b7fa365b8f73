/**
 * How workflow and input files with YAML problems are reported: tags, syntax errors that would
 * cascade, nesting, alias bombs. Through `safeParseWorkflow` and through the CLI.
 */
import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { aliasBomb, positionOf, VALID } from "./_workflows.ts";
import { ROOT, runCli } from "./_cli_io.ts";

function diagnosticsOf(text: string): readonly Diagnostic[] {
  const result = safeParseWorkflow(text, { file: "w.yaml" });
  return result.ok ? result.workflow.warnings : result.diagnostics;
}

async function withFiles<T>(
  files: Record<string, string>,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("safeParseWorkflow() refuses !!binary, !!timestamp, !!set and !!js/function values at their tags", () => {
  const text = VALID
    .replace(
      "  name: demo",
      "  name: demo\n  description: !!binary aGVsbG8=\n  version: !!timestamp 2001-12-14",
    )
    .replace('notes: {type: str, default: ""}', "notes: {type: str, default: !!set {a, b}}")
    .replace('prompt: "Research {state.topic}"', 'prompt: !!js/function "function () {}"');
  const found = diagnosticsOf(text);
  assertEquals(found.map((d) => [d.severity, d.code, d.line, d.column]), [
    ["error", "yaml_tag", ...positionOf(text, "!!binary")],
    ["error", "yaml_tag", ...positionOf(text, "!!timestamp")],
    ["error", "yaml_tag", ...positionOf(text, "!!set")],
    ["error", "yaml_tag", ...positionOf(text, "!!js/function")],
  ]);
  assert(found.every((d) => !d.message.includes("a mapping")), "no value is called a mapping");
});

Deno.test("safeParseWorkflow() gives one error, saying to quote it, for list[str] inside { }", () => {
  const text = VALID.replace(
    'notes: {type: str, default: ""}',
    "tags: { type: list[str], default: [] }\n    notes: {type: str}",
  );
  const found = diagnosticsOf(text);
  assertStrictEquals(found.length, 1, JSON.stringify(found));
  assertEquals([found[0]?.line, found[0]?.column], positionOf(text, "list[str]"));
  assert(found[0]?.message.includes('"list[str]" is not quoted'), found[0]?.message);
  assert(found[0]?.suggestion?.includes("block style"), found[0]?.suggestion);
});

Deno.test("safeParseWorkflow() reports one YAML syntax error with a hint, whatever follows it", () => {
  const text = VALID.replace(
    "  - {from: START, to: research}",
    "  - {from: START, to: research\n  - {from: x, to: y}}}]]",
  );
  const found = diagnosticsOf(text);
  assertStrictEquals(found.length, 1, JSON.stringify(found));
  assertStrictEquals(found[0]?.code, "yaml_syntax");
  assert((found[0]?.suggestion ?? "") !== "", "a hint");
});

Deno.test("safeParseWorkflow() accepts prompts whose block scalars are deeply indented or full of brackets", () => {
  const lines = Array.from({ length: 300 }, (_, i) => " ".repeat(6 + i) + "{[(".repeat(3));
  const text = VALID.replace(
    '    prompt: "Research {state.topic}"',
    `    prompt: |\n      Research {state.topic}\n${lines.join("\n")}`,
  );
  const result = safeParseWorkflow(text, { file: "w.yaml" });
  assert(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  const brackets = VALID.replace(
    '"Research {state.topic}"',
    `"Research {state.topic} ${"[".repeat(300)}"`,
  );
  assert(safeParseWorkflow(brackets, { file: "w.yaml" }).ok);
});

Deno.test("validate exits 2 for a workflow whose only problem is a !!js/function tag", async () => {
  const text = VALID.replace(
    'prompt: "Research {state.topic}"',
    'prompt: !!js/function "Research {state.topic}"',
  );
  await withFiles({ "w.yaml": text }, async (dir) => {
    const { code, stdout } = await runCli(["validate", `${dir}/w.yaml`]);
    assertStrictEquals(code, 2, stdout);
    const [line, column] = positionOf(text, "!!js/function");
    assert(
      stdout.includes(`w.yaml:${line}:${column}: error: Cannot read the tag "!!js/function"`),
      stdout,
    );
  });
});

Deno.test("run --input-file exits 2 naming the file for an alias bomb, as validate does", async () => {
  await withFiles({ "bomb.yaml": aliasBomb() }, async (dir) => {
    const run = await runCli([
      "run",
      `${ROOT}examples/echo.yaml`,
      "--mock",
      "--no-tracking",
      "--input-file",
      `${dir}/bomb.yaml`,
    ]);
    assertStrictEquals(run.code, 2, run.stderr);
    assert(
      run.stderr.includes(`Cannot read inputs from "${dir}/bomb.yaml" as line 2, column 8`),
      run.stderr,
    );
    assert(!run.stderr.includes("    at "), run.stderr);
    const validate = await runCli(["validate", `${dir}/bomb.yaml`]);
    assertStrictEquals(validate.code, 2, validate.stdout);
    assert(
      validate.stdout.includes("bomb.yaml:2:8: error: Cannot read the YAML as"),
      validate.stdout,
    );
  });
});
