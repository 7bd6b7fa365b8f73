/**
 * Every YAML snippet of the README and the docs is valid: a whole workflow validates, and a
 * fragment (such as a `state:` section) validates in place of that section of a small workflow.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { readYaml } from "../../src/config/read_yaml.ts";
import { ROOT } from "./_cli_io.ts";
import { TOOL_NAMES, VALID } from "./_workflows.ts";

/** The fenced ```yaml blocks of a Markdown text, with the line each starts on. */
function yamlBlocks(markdown: string): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i] ?? "")) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith("```"));
    blocks.push({ line: i + 2, text: lines.slice(i + 1, end).join("\n") + "\n" });
    i = end;
  }
  return blocks;
}

const DOCUMENTS = [
  "README.md",
  ...[...Deno.readDirSync(`${ROOT}docs`)]
    .filter((entry) => entry.name.endsWith(".md"))
    .map((entry) => `docs/${entry.name}`),
];

Deno.test("the README and the docs have YAML snippets to check", () => {
  const count = DOCUMENTS.flatMap((doc) => yamlBlocks(Deno.readTextFileSync(`${ROOT}${doc}`)));
  assert(count.length >= 2, `only ${count.length} snippets`);
});

for (const document of DOCUMENTS) {
  for (const block of yamlBlocks(Deno.readTextFileSync(`${ROOT}${document}`))) {
    Deno.test(`the YAML snippet at ${document}:${block.line} parses and validates`, () => {
      const read = readYaml(block.text, document);
      assertEquals(read.diagnostics, []);
      const snippet = read.value as Record<string, unknown>;
      if ("schema_version" in snippet) {
        const result = safeParseWorkflow(block.text, { file: document, toolNames: TOOL_NAMES });
        assert(result.ok, JSON.stringify(!result.ok && result.diagnostics));
        return;
      }
      // A fragment: it replaces its sections of a small valid workflow, and nothing in those
      // sections may be reported (the rest of the workflow may not fit the fragment).
      const base = readYaml(VALID, "base.yaml").value as Record<string, unknown>;
      const text = JSON.stringify({ ...base, ...snippet });
      const result = safeParseWorkflow(text, { file: document, toolNames: TOOL_NAMES });
      const sections = Object.keys(snippet);
      const problems = result.ok
        ? []
        : result.diagnostics.filter((d) => sections.includes(String(d.path[0])));
      assertEquals(problems, []);
    });
  }
}
