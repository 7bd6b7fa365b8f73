/**
 * Workflow texts shared by the config tests.
 *
 * @module
 */

/** A small valid workflow; line numbers matter to the tests that use it. */
export const VALID = `schema_version: "1.0"
flow:
  name: demo
state:
  fields:
    topic: {type: str, required: true}
    notes: {type: str, default: ""}
nodes:
  - id: research
    prompt: "Research {state.topic}"
    outputs: [notes]
edges:
  - {from: START, to: research}
  - {from: research, to: END}
`;

/** The built-in tool names, as the CLI passes them. */
export const TOOL_NAMES = ["serper_search", "http_get", "read_file", "write_file"];

/**
 * The 1-based line and column where `needle` first appears in `text`: an oracle for positions
 * that does not use the YAML parser.
 *
 * @param text The text.
 * @param needle What to find.
 * @returns Line and column.
 */
export function positionOf(text: string, needle: string): [number, number] {
  const offset = text.indexOf(needle);
  if (offset === -1) throw new Error(`Cannot find ${JSON.stringify(needle)} in the text`);
  const before = text.slice(0, offset);
  return [before.split("\n").length, offset - before.lastIndexOf("\n")];
}

/**
 * A YAML "billion laughs": seven levels of lists of ten aliases of the level above, whose first
 * alias is at line 2, column 8.
 *
 * @returns The text.
 */
export function aliasBomb(): string {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (const name of "bcdefg") {
    const previous = String.fromCharCode(name.charCodeAt(0) - 1);
    levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
  }
  return levels.join("\n") + "\n";
}
