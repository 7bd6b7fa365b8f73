/**
 * Mutations of a workflow file's text: tabs, unclosed quotes and brackets, bad indentation,
 * duplicate keys, truncation, control bytes, a BOM, alias bombs, odd tags, and whole documents
 * that are empty, scalar, lists or several documents.
 *
 * @module
 */
import type { SeededRandom } from "./seeded_random.ts";

/** One text mutation; `undefined` when it does not apply. */
export type TextMutation = (text: string, random: SeededRandom) => string | undefined;

function lines(text: string): string[] {
  return text.split("\n");
}

/** Indexes of lines that hold a `key: value` or a list item (not comments, not blank). */
function contentLines(all: readonly string[]): number[] {
  return all.flatMap((line, index) => /^\s*(?:-\s*)?[^\s#].*$/.test(line) ? [index] : []);
}

function editLine(
  text: string,
  random: SeededRandom,
  edit: (line: string) => string | undefined,
  filter: (line: string) => boolean = () => true,
): string | undefined {
  const all = lines(text);
  const candidates = contentLines(all).filter((index) => filter(all[index] ?? ""));
  if (!candidates.length) return undefined;
  const index = random.pick(candidates);
  const edited = edit(all[index] ?? "");
  if (edited === undefined) return undefined;
  all[index] = edited;
  return all.join("\n");
}

/** Indents one line with a tab (or mixes a tab into its indentation). */
const tabIndent: TextMutation = (text, random) =>
  editLine(
    text,
    random,
    (line) => line.replace(/^( *)/, (spaces) => random.next() < 0.5 ? "\t" : `${spaces}\t`),
    (line) => /^ +\S/.test(line),
  );

/** Opens a quote (or a bracket) after a colon and never closes it. */
const unclosed: TextMutation = (text, random) =>
  editLine(
    text,
    random,
    (line) => line.replace(/:( +)/, `:$1${random.pick(['"', "'", "[", "{", '["', "{a: ["])}`),
    (line) => /: +\S/.test(line),
  );

/** Moves one line by one to three spaces, in or out. */
const badIndent: TextMutation = (text, random) =>
  editLine(text, random, (line) => {
    const shift = 1 + random.int(3);
    return random.next() < 0.5 ? " ".repeat(shift) + line : line.replace(/^ {1,3}/, "");
  });

/** Repeats a `key: value` line right after itself (a duplicate key). */
const duplicateKey: TextMutation = (text, random) =>
  editLine(
    text,
    random,
    (line) => `${line}\n${line.replace(/^(\s*)- /, "$1  ")}`,
    (line) => /^\s*[\w"']+\s*:/.test(line),
  );

/** Cuts the file at a random place. */
const truncate: TextMutation = (text, random) =>
  text.length < 2 ? undefined : text.slice(0, 1 + random.int(text.length - 1));

/** Inserts a NUL, a control byte, DEL or a lone surrogate at a random place. */
const controlBytes: TextMutation = (text, random) => {
  const at = random.int(text.length + 1);
  const bytes = random.pick(["\u0000", "\u0001", "\u0007", "\u001b[31m", "\u007f", "\r", "\f"]);
  return text.slice(0, at) + bytes + text.slice(at);
};

/** A byte-order mark before the text, or one in the middle. */
const byteOrderMark: TextMutation = (text, random) => {
  if (random.next() < 0.6) return `\uFEFF${text}`;
  const at = random.int(text.length + 1);
  return `${text.slice(0, at)}\uFEFF${text.slice(at)}`;
};

/** An alias bomb ("billion laughs") as a top-level key. */
const aliasBomb: TextMutation = (text, random) => {
  const depth = random.pick([6, 9, 12]);
  const rows = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= depth; level++) {
    const previous = `*a${level - 1}`;
    rows.push(`a${level}: &a${level} [${Array(9).fill(previous).join(",")}]`);
  }
  return `${text}\noptimization:\n${rows.map((row) => `  ${row}`).join("\n")}\n`;
};

/** A custom or unsafe tag on a value, or a merge key. */
const oddTag: TextMutation = (text, random) =>
  editLine(
    text,
    random,
    (line) =>
      line.replace(
        /:( +)/,
        `:$1${
          random.pick([
            "!!js/function ",
            "!!binary ",
            "!custom ",
            "!!python/object:os.system ",
            "!!set ",
          ])
        }`,
      ),
    (line) => /: +\S/.test(line),
  );

/** A top-level merge key or anchors that refer to nothing. */
const badAlias: TextMutation = (text, random) =>
  random.next() < 0.5 ? `${text}\n<<: *nowhere\n` : editLine(
    text,
    random,
    (line) => line.replace(/:( +)\S.*$/, ":$1*undefined_anchor"),
    (line) => /: +\S/.test(line),
  );

const WHOLE_DOCUMENTS = [
  "",
  " ",
  "\n\n\n",
  "# only a comment\n",
  "---\n",
  "...\n",
  "---\n---\n",
  "42",
  "-1.5e3",
  "true",
  "null",
  "~",
  "hello world",
  '"schema_version"',
  "- a\n- b\n",
  "[]",
  "{}",
  "[1, 2, 3]",
  "schema_version: 1.0\n",
  "\uFEFF",
  "\u0000",
  "!!binary aGVsbG8=",
  "? complex key\n: value\n",
];

/** Replaces the whole document: empty, blank, a scalar, a list, a lone separator. */
const wholeDocument: TextMutation = (_text, random) => random.pick(WHOLE_DOCUMENTS);

/** Appends a second document, or puts the file after a document end marker. */
const multiDocument: TextMutation = (text, random) =>
  random.next() < 0.5 ? `${text}\n---\nschema_version: "1.0"\n` : `---\n${text}\n...\nextra: 1\n`;

/** Every text mutation, by name. */
export const TEXT_MUTATIONS: Readonly<Record<string, TextMutation>> = {
  tab_indent: tabIndent,
  unclosed,
  bad_indent: badIndent,
  duplicate_key: duplicateKey,
  truncate,
  control_bytes: controlBytes,
  byte_order_mark: byteOrderMark,
  alias_bomb: aliasBomb,
  odd_tag: oddTag,
  bad_alias: badAlias,
  whole_document: wholeDocument,
  multi_document: multiDocument,
};
