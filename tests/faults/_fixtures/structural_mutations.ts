/**
 * Mutations of a parsed workflow document: deleted keys, wrong types, wrong enum values,
 * swapped or dangling node ids, unicode, huge values. Each edits a fresh copy and may leave
 * sentinels that the serializer replaces with raw text YAML cannot produce from data (`.nan`,
 * a 400-digit number, a 3000-deep flow list).
 *
 * @module
 */
import type { SeededRandom } from "./seeded_random.ts";
import {
  allPaths,
  deleteAt,
  getAt,
  isTree,
  renameAt,
  setAt,
  type Tree,
  type TreePath,
} from "./tree_paths.ts";

/** A mutated document and the raw text to put in place of its sentinels. */
export interface MutatedTree {
  /** The document. */
  doc: unknown;
  /** Sentinel string → raw YAML text. */
  raw: Record<string, string>;
}

/** One structural mutation; `undefined` when it does not apply to this document. */
export type StructuralMutation = (doc: Tree, random: SeededRandom) => MutatedTree | undefined;

const ENUM_KEYS = new Set([
  "provider",
  "type",
  "level",
  "artifact_level",
  "on_error",
  "schema_version",
]);

const WRONG_ENUMS = [
  "OpenAI",
  "gpt",
  "fatal",
  "LIST[str]",
  "list[",
  "dict[str]",
  "2.0",
  "",
  " ",
  "object[str]",
  "verbose",
  "Default",
];

const WRONG_VALUES: readonly unknown[] = [
  42,
  -1,
  0,
  1.5,
  true,
  false,
  "text",
  null,
  [],
  {},
  ["a", 1],
  { key: 1 },
  "START",
];

const UNICODE_SAMPLES = [
  "nœud_é",
  "узел",
  "节点",
  "ノード",
  "🚀",
  "👩‍🚀_node",
  "שלום_עולם",
  "مرحبا",
  "\u202Eevil\u202C",
  "a\u0000b",
  "bell\u0007",
  "zero\u200Bwidth",
  "e\u0301",
  "\uFEFFbom",
  "\uD800lone",
  "tab\tinside",
  "line\nbreak",
  "\u0085nel",
];

const SPECIAL_NUMBERS = [
  ".nan",
  ".NaN",
  ".inf",
  "-.inf",
  "+.Inf",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e400",
  "-1e400",
  "9".repeat(400),
  "0x7fffffffffffffffffff",
  "0o777777777777777777777",
  "1_000_000",
  "1e-400",
  "-0",
  "9007199254740993",
];

/** The map entries of a document (paths whose last segment is a key). */
function keyPaths(doc: unknown): TreePath[] {
  return allPaths(doc).filter((path) => typeof path[path.length - 1] === "string");
}

function nodesOf(doc: Tree): Tree[] {
  return Array.isArray(doc.nodes) ? doc.nodes.filter(isTree) : [];
}

function edgesOf(doc: Tree): Tree[] {
  return Array.isArray(doc.edges) ? doc.edges.filter(isTree) : [];
}

const plain = (doc: unknown): MutatedTree => ({ doc, raw: {} });

/** Deletes one key anywhere; half the time a key of a top-level section. */
const deleteKey: StructuralMutation = (doc, random) => {
  const paths = keyPaths(doc);
  if (!paths.length) return undefined;
  const shallow = paths.filter((path) => path.length <= 3);
  const path = random.next() < 0.5 && shallow.length ? random.pick(shallow) : random.pick(paths);
  deleteAt(doc, path);
  return plain(doc);
};

/** Replaces one value anywhere with a value of another type. */
const wrongType: StructuralMutation = (doc, random) => {
  const paths = allPaths(doc);
  if (!paths.length) return undefined;
  const path = random.pick(paths);
  const old = getAt(doc, path);
  const candidates = WRONG_VALUES.filter((value) => typeof value !== typeof old);
  setAt(doc, path, structuredClone(random.pick(candidates)));
  return plain(doc);
};

/** Puts a value that is not in its enum where an enum (or the type grammar) is expected. */
const wrongEnum: StructuralMutation = (doc, random) => {
  const paths = keyPaths(doc).filter((path) =>
    ENUM_KEYS.has(String(path[path.length - 1])) && typeof getAt(doc, path) === "string"
  );
  const path = paths.length ? random.pick(paths) : ["config", "llm", "provider"];
  setAt(doc, path, random.pick(WRONG_ENUMS));
  return plain(doc);
};

/** Swaps the ids of two nodes, or gives two nodes the same id. */
const swapNodeIds: StructuralMutation = (doc, random) => {
  const nodes = nodesOf(doc);
  if (nodes.length < 1) return undefined;
  const a = random.pick(nodes);
  const b = random.pick(nodes);
  if (a === b || random.next() < 0.3) {
    if (nodes.length > 1) b.id = a.id;
    else a.id = random.pick(["START", "END", "", "1node", "has space", "a-b"]);
  } else {
    [a.id, b.id] = [b.id, a.id];
  }
  return plain(doc);
};

/** Points an edge (or a route, loop or parallel target) at a node that does not exist. */
const danglingEdge: StructuralMutation = (doc, random) => {
  const edges = edgesOf(doc);
  if (!edges.length) return undefined;
  const edge = random.pick(edges);
  const ghost = random.pick(["ghost_node", "end", "start", "Start", "", "END ", "🚀"]);
  const targets: TreePath[] = [["from"], ["to"]];
  if (Array.isArray(edge.routes)) {
    edge.routes.forEach((_route, index) => targets.push(["routes", index, "to"]));
  }
  if (isTree(edge.loop)) targets.push(["loop", "exit_to"]);
  if (isTree(edge.parallel)) targets.push(["parallel", "target_node"]);
  setAt(edge, random.pick(targets), ghost);
  return plain(doc);
};

/** Puts non-ASCII, RTL, emoji, NUL or control characters into a key or a string value. */
const unicode: StructuralMutation = (doc, random) => {
  const sample = random.pick(UNICODE_SAMPLES);
  const paths = keyPaths(doc);
  if (!paths.length) return undefined;
  const path = random.pick(paths);
  const roll = random.next();
  if (roll < 0.35) {
    renameAt(doc, path, sample);
  } else if (roll < 0.7) {
    const nodes = nodesOf(doc);
    const node = nodes.length ? random.pick(nodes) : undefined;
    if (node) node.id = sample;
    else setAt(doc, path, sample);
  } else {
    const old = getAt(doc, path);
    setAt(doc, path, typeof old === "string" ? `${old}${sample}` : sample);
  }
  return plain(doc);
};

/** A very long string in a prompt, description, name or id. */
const longString: StructuralMutation = (doc, random) => {
  const length = random.pick([10_000, 100_000, 1_000_000]);
  const text = random.pick(["x", "é", "🚀", "{state.", "ab "]).repeat(length);
  const nodes = nodesOf(doc);
  const path: TreePath = random.pick([
    ["flow", "name"],
    ["flow", "description"],
    ...(nodes.length ? [["nodes", 0, "prompt"], ["nodes", 0, "id"]] : []),
  ]);
  setAt(doc, path, text);
  return plain(doc);
};

/** A special or giant number where a number (or any value) is expected. */
const specialNumber: StructuralMutation = (doc, random) => {
  const numeric = allPaths(doc).filter((path) => typeof getAt(doc, path) === "number");
  const path = numeric.length && random.next() < 0.7 ? random.pick(numeric) : random.pick([
    ["config", "llm", "temperature"],
    ["config", "llm", "max_tokens"],
    ["config", "execution", "timeout"],
    ["config", "execution", "max_retries"],
    ["config", "execution", "recursion_limit"],
    ["config", "execution", "budget", "max_usd"],
    ["schema_version"],
  ]);
  const sentinel = "__FAULT_NUMBER__";
  setAt(doc, path, sentinel);
  return { doc, raw: { [sentinel]: random.pick(SPECIAL_NUMBERS) } };
};

/** A deeply nested value: flow lists, object schemas or a type expression. */
const deepNesting: StructuralMutation = (doc, random) => {
  const depth = random.pick([200, 1000, 3000, 10_000]);
  const sentinel = "__FAULT_DEEP__";
  const kind = random.pick(["flow_list", "flow_map", "type", "schema"]);
  if (kind === "type") {
    setAt(doc, ["state", "fields", "deep", "type"], sentinel);
    const type = "list[".repeat(depth) + "str" + "]".repeat(depth);
    return { doc, raw: { [sentinel]: JSON.stringify(type) } };
  }
  if (kind === "schema") {
    setAt(doc, ["state", "fields", "deep"], sentinel);
    const open = "{type: object, schema: {x: ".repeat(depth);
    return { doc, raw: { [sentinel]: `${open}str${"}}".repeat(depth)}` } };
  }
  const path = random.pick([["flow", "description"], ["optimization"], ["nodes", 0, "outputs"]]);
  setAt(doc, path, sentinel);
  const raw = kind === "flow_list"
    ? "[".repeat(depth) + "]".repeat(depth)
    : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
  return { doc, raw: { [sentinel]: raw } };
};

/** Ten thousand nodes, edges, state fields or outputs. */
const hugeList: StructuralMutation = (doc, random) => {
  const size = 10_000;
  const first = nodesOf(doc)[0];
  const kind = random.pick(["nodes", "edges", "fields", "outputs"]);
  if (kind === "nodes" && first) {
    const ids = Array.from({ length: size }, (_, index) => `n${index}`);
    doc.nodes = ids.map((id) => ({ ...structuredClone(first), id }));
    doc.edges = [
      { from: "START", to: ids[0] },
      ...ids.slice(1).map((id, index) => ({ from: ids[index], to: id })),
      { from: ids[size - 1], to: "END" },
    ];
  } else if (kind === "edges" && first) {
    doc.edges = Array.from({ length: size }, () => ({ from: "START", to: first.id }));
  } else if (kind === "outputs" && first) {
    first.outputs = Array.from({ length: size }, (_, index) => `out_${index}`);
  } else {
    const fields: Tree = {};
    for (let index = 0; index < size; index++) fields[`f${index}`] = { type: "str" };
    setAt(doc, ["state", "fields"], {
      ...(isTree(getAt(doc, ["state", "fields"])) ? getAt(doc, ["state", "fields"]) as Tree : {}),
      ...fields,
    });
  }
  return plain(doc);
};

/** Every structural mutation, by name. */
export const STRUCTURAL_MUTATIONS: Readonly<Record<string, StructuralMutation>> = {
  delete_key: deleteKey,
  wrong_type: wrongType,
  wrong_enum: wrongEnum,
  swap_node_ids: swapNodeIds,
  dangling_edge: danglingEdge,
  unicode,
  long_string: longString,
  special_number: specialNumber,
  deep_nesting: deepNesting,
  huge_list: hugeList,
};
