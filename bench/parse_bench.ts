/**
 * Parsing large workflow files: `safeParseWorkflow` (what `validate` does after reading the
 * file) of a workflow with 10,000 and 40,000 state fields, one `name: {type: str}` line each,
 * and `readYaml` alone at 40,000. Time should grow linearly with the number of keys: npm:yaml's
 * own duplicate-key check, which compared every key with every other, took 19 s at 40,000.
 *
 *   deno bench --allow-read --allow-write --allow-env --allow-run=deno bench/parse_bench.ts
 *
 * @module
 */
import { safeParseWorkflow } from "../src/config/parse_workflow.ts";
import { readYaml } from "../src/config/read_yaml.ts";

/** The state-field counts measured. */
export const PARSE_FIELD_COUNTS: readonly number[] = [10_000, 40_000];

/**
 * A valid workflow with `fields` extra state fields, in block style as people write it.
 *
 * @param fields How many extra fields.
 * @returns The workflow text.
 */
export function wideWorkflow(fields: number): string {
  const lines = [
    'schema_version: "1.0"',
    `flow: {name: wide_${fields}}`,
    "state:",
    "  fields:",
    "    topic: {type: str, required: true}",
    "    reply: {type: str}",
  ];
  for (let i = 0; i < fields; i++) lines.push(`    field_${i}: {type: str}`);
  lines.push(
    "nodes:",
    "  - id: answer",
    '    prompt: "Answer {state.topic}"',
    "    outputs: [reply]",
    "edges:",
    "  - {from: START, to: answer}",
    "  - {from: answer, to: END}",
  );
  return lines.join("\n") + "\n";
}

const group = "workflow parse (state fields)";
for (const fields of PARSE_FIELD_COUNTS) {
  const text = wideWorkflow(fields);
  Deno.bench({
    name: `safeParseWorkflow(), ${fields} state fields`,
    group,
    baseline: fields === PARSE_FIELD_COUNTS[0],
    n: 5,
    warmup: 1,
    fn: () => {
      if (!safeParseWorkflow(text, { file: "wide.yaml" }).ok) throw new Error("invalid");
    },
  });
}

const widest = wideWorkflow(PARSE_FIELD_COUNTS.at(-1) ?? 0);
Deno.bench({
  name: `readYaml(), ${PARSE_FIELD_COUNTS.at(-1)} state fields`,
  group,
  n: 5,
  warmup: 1,
  fn: () => {
    if (!readYaml(widest, "wide.yaml").ok) throw new Error("unreadable");
  },
});
