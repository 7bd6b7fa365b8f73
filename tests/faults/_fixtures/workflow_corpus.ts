/**
 * Generates the corpus of mutated workflow files for the validation fault suite: a seeded mix
 * of structural mutations (of the parsed document, written back as YAML or JSON) and text
 * mutations (of the file as written), cycling through every mutation so each is exercised.
 *
 * @module
 */
import { parse, stringify } from "yaml";
import { SeededRandom } from "./seeded_random.ts";
import { type MutatedTree, STRUCTURAL_MUTATIONS } from "./structural_mutations.ts";
import { TEXT_MUTATIONS } from "./text_mutations.ts";
import { isTree, type Tree } from "./tree_paths.ts";

/** A valid workflow file the corpus starts from. */
export interface CorpusBase {
  /** Short name, used in the generated file names. */
  name: string;
  /** Its text. */
  text: string;
}

/** One generated file. */
export interface CorpusFile {
  /** Path of the written file. */
  path: string;
  /** The mutations applied, such as `unicode+truncate`. */
  mutation: string;
  /** The base it came from. */
  base: string;
}

/** Options of {@linkcode writeCorpus}. */
export interface CorpusOptions {
  /** Seed of every random choice. */
  seed: number;
  /** Number of mutated files (the unmutated bases are written too). */
  count: number;
}

/** The workflow files the corpus starts from: the examples and the v0.1 fixtures. */
export const BASE_SOURCES: readonly URL[] = [
  "../../../examples/article_writer.yaml",
  "../../../examples/echo.yaml",
  "../../../examples/parallel_research.yaml",
  "../../../examples/refine_loop.yaml",
  "../../../examples/simple_greeting.yaml",
  "../../../examples/support_triage.yaml",
  "../../../examples/user_profile.yaml",
  "../../fixtures/workflows/v0_1/article_generator.yaml",
  "../../fixtures/workflows/v0_1/article_writer_mlflow.yaml",
  "../../fixtures/workflows/v0_1/basic.json",
  "../../fixtures/workflows/v0_1/conditional_review.yaml",
  "../../fixtures/workflows/v0_1/nested_state.yaml",
  "../../fixtures/workflows/v0_1/simple_output.yaml",
].map((relative) => new URL(relative, import.meta.url));

/** Prompt files the examples name, copied beside the corpus so `prompt_file` resolves. */
export const PROMPT_SOURCES: readonly URL[] = [
  new URL("../../../examples/prompts/review.txt", import.meta.url),
];

/**
 * Reads the base workflow files.
 *
 * @returns The bases, in the order of {@linkcode BASE_SOURCES}.
 */
export async function readBases(): Promise<CorpusBase[]> {
  return await Promise.all(BASE_SOURCES.map(async (url) => ({
    name: url.pathname.split("/").pop()!.replace(/\.(ya?ml|json)$/, ""),
    text: await Deno.readTextFile(url),
  })));
}

/**
 * Writes the bases and `count` mutated files into `dir` (and the prompt files into
 * `dir/prompts`), the same files for the same seed.
 *
 * @param dir An existing, empty directory.
 * @param bases The valid files to mutate.
 * @param options Seed and count.
 * @returns Every file written, bases first.
 */
export async function writeCorpus(
  dir: string,
  bases: readonly CorpusBase[],
  options: CorpusOptions,
): Promise<CorpusFile[]> {
  const random = new SeededRandom(options.seed);
  await Deno.mkdir(`${dir}/prompts`, { recursive: true });
  for (const source of PROMPT_SOURCES) {
    await Deno.copyFile(source, `${dir}/prompts/${source.pathname.split("/").pop()}`);
  }
  const files: CorpusFile[] = [];
  const write = async (name: string, text: string, mutation: string, base: string) => {
    const path = `${dir}/${name}`;
    await Deno.writeTextFile(path, text);
    files.push({ path, mutation, base });
  };
  for (const base of bases) {
    await write(`base_${base.name}.${extensionOf(base.text)}`, base.text, "none", base.name);
  }
  const names = [...Object.keys(STRUCTURAL_MUTATIONS), ...Object.keys(TEXT_MUTATIONS)];
  for (let index = 0; index < options.count; index++) {
    const base = random.pick(bases);
    const first = names[index % names.length]!;
    const mutated = mutate(first, base.text, random);
    let text = mutated.text;
    let mutation = first;
    if (random.next() < 0.15) {
      const second = random.pick(Object.keys(TEXT_MUTATIONS));
      text = TEXT_MUTATIONS[second]!(text, random) ?? text;
      mutation += `+${second}`;
    }
    const ext = mutated.json ? "json" : random.next() < 0.1 ? "yml" : "yaml";
    const number = String(index).padStart(4, "0");
    await write(
      `${number}_${mutation.replace("+", "_")}_${base.name}.${ext}`,
      text,
      mutation,
      base.name,
    );
  }
  return files;
}

function extensionOf(text: string): string {
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}

function mutate(
  name: string,
  text: string,
  random: SeededRandom,
): { text: string; json: boolean } {
  const textMutation = TEXT_MUTATIONS[name];
  if (textMutation) {
    return {
      text: textMutation(text, random) ?? `${text}\n\t`,
      json: extensionOf(text) === "json",
    };
  }
  const parsed: unknown = parse(text);
  const doc: Tree = isTree(parsed) ? parsed : {};
  const mutation = STRUCTURAL_MUTATIONS[name]!;
  const mutated = mutation(doc, random) ?? STRUCTURAL_MUTATIONS.wrong_type!(doc, random)!;
  const json = extensionOf(text) === "json" || random.next() < 0.25;
  return { text: serialize(mutated, json), json };
}

function serialize(mutated: MutatedTree, json: boolean): string {
  let text = json
    ? JSON.stringify(mutated.doc, null, 2)
    : stringify(mutated.doc, { lineWidth: 0, aliasDuplicateObjects: false });
  for (const [sentinel, raw] of Object.entries(mutated.raw)) {
    text = text.replace(new RegExp(`"?${sentinel}"?`, "g"), () => raw);
  }
  return text;
}
