/**
 * Plausible, deterministic values for a JSON Schema: what the mock model answers with.
 *
 * @module
 */

type Dict = Record<string, unknown>;

/** A source of numbers in [0, 1). */
export type Random = () => number;

/** What a generated value may draw on. */
export interface MockValueContext {
  /** Seeded randomness; the same sequence gives the same values. */
  random: Random;
  /** What the prompt is about ("tide pools"), mentioned in strings when known. */
  subject: string | undefined;
}

interface Walk extends MockValueContext {
  root: unknown;
  depth: number;
}

/** Deepest nesting generated; deeper (recursive) schemas get their smallest value. */
const MAX_DEPTH = 12;

const FLAVOURS = [
  "with the key facts",
  "in plain words",
  "for a general reader",
  "with one example",
  "in brief",
  "with practical detail",
];

/** Ranges that read naturally for numbers, chosen by words of the field name. */
const NUMBER_RANGES: readonly [RegExp, number, number][] = [
  [/score|rating|grade|rank/, 1, 10],
  [/confidence|probability|likelihood|ratio|fraction|weight/, 0, 1],
  [/percent|pct/, 0, 100],
  [/year/, 2000, 2026],
  [/\bage\b/, 18, 80],
  [/count|number|num\b|total|quantity|size|length|iteration|attempt|step/, 1, 20],
  [/price|cost|amount|usd|budget/, 1, 500],
];

/**
 * A seeded generator (mulberry32) over a string: the same seed and text give the same numbers.
 *
 * @param seed The model's seed.
 * @param text What the numbers depend on (the prompt).
 * @returns A function returning numbers in [0, 1).
 */
export function seededRandom(seed: number, text: string): Random {
  let state = hashString(`${seed}\u0000${text}`);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A value that satisfies `schema` (types, enums, `const`, required properties, dict values,
 * array sizes, numeric bounds, string lengths and common formats; `pattern` is not honoured).
 * Where the schema is silent, a description's words are kept to: a number stays within a range
 * it states ("from 1 to 5", "1-5", "between 0 and 1") and text is one of the values it lists
 * ("one of: approve, reject").
 *
 * @param schema A JSON Schema (draft 2020-12 or 7, `$ref` into `$defs`/`definitions` allowed).
 * @param name The field the value is for; it shapes strings and numeric ranges.
 * @param context Randomness and the prompt's subject.
 * @returns The value.
 */
export function mockValue(schema: unknown, name: string, context: MockValueContext): unknown {
  return generate(schema, name, { ...context, root: schema, depth: 0 });
}

function generate(schema: unknown, name: string, walk: Walk): unknown {
  const resolved = resolve(schema, walk.root);
  if (resolved === false) return null;
  if (!isDict(resolved)) return text(name, walk, undefined);
  if ("const" in resolved) return resolved["const"];
  if (Array.isArray(resolved["enum"]) && resolved["enum"].length > 0) {
    return pick(resolved["enum"], walk.random);
  }
  const choices = resolved["anyOf"] ?? resolved["oneOf"];
  if (Array.isArray(choices) && choices.length > 0) {
    const nonNull = choices.find((choice) => typeOf(resolve(choice, walk.root)) !== "null");
    return generate(nonNull ?? choices[0], name, walk);
  }
  if (Array.isArray(resolved["allOf"])) return generate(mergeAll(resolved, walk.root), name, walk);
  const next = { ...walk, depth: walk.depth + 1 };
  const shallow = walk.depth >= MAX_DEPTH;
  switch (typeOf(resolved)) {
    case "object":
      return shallow ? {} : object(resolved, name, next);
    case "array":
      return shallow ? [] : array(resolved, name, next);
    case "integer":
      return number(resolved, name, walk.random, true);
    case "number":
      return number(resolved, name, walk.random, false);
    case "boolean":
      return walk.random() < 0.5;
    case "null":
      return null;
    default:
      return string(resolved, name, walk);
  }
}

function resolve(schema: unknown, root: unknown): unknown {
  let current = schema;
  for (let hops = 0; hops < 16 && isDict(current) && typeof current["$ref"] === "string"; hops++) {
    const ref = current["$ref"];
    if (!ref.startsWith("#")) return {};
    let target: unknown = root;
    for (const part of ref.slice(1).split("/").filter((segment) => segment !== "")) {
      const key = decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~");
      target = isDict(target) ? target[key] : undefined;
    }
    current = target ?? {};
  }
  return current;
}

function typeOf(schema: unknown): string {
  if (!isDict(schema)) return "string";
  const type = schema["type"];
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const first = type.find((entry) => entry !== "null") ?? type[0];
    return typeof first === "string" ? first : "string";
  }
  if (isDict(schema["properties"]) || isDict(schema["additionalProperties"])) return "object";
  if (schema["items"] !== undefined || Array.isArray(schema["prefixItems"])) return "array";
  return "string";
}

function mergeAll(schema: Dict, root: unknown): Dict {
  const merged: Dict = {};
  const properties: Dict = {};
  const required: unknown[] = [];
  for (const part of [schema, ...(schema["allOf"] as unknown[])]) {
    const resolved = resolve(part, root);
    if (!isDict(resolved)) continue;
    for (const [key, value] of Object.entries(resolved)) {
      if (key !== "allOf" && key !== "properties" && key !== "required") merged[key] = value;
    }
    if (isDict(resolved["properties"])) Object.assign(properties, resolved["properties"]);
    if (Array.isArray(resolved["required"])) required.push(...resolved["required"]);
  }
  if (Object.keys(properties).length > 0) merged["properties"] = properties;
  if (required.length > 0) merged["required"] = [...new Set(required)];
  return merged;
}

function object(schema: Dict, name: string, walk: Walk): Dict {
  const properties = isDict(schema["properties"]) ? schema["properties"] : {};
  const result: Dict = {};
  for (const [key, property] of Object.entries(properties)) {
    result[key] = generate(property, key, walk);
  }
  const extra = schema["additionalProperties"];
  if (Object.keys(properties).length === 0 && extra !== false) {
    const size = sizeWithin(schema["minProperties"], schema["maxProperties"], walk.random);
    const keys = dictKeys(schema["propertyNames"], name, size, walk);
    for (const key of keys) result[key] = generate(isDict(extra) ? extra : {}, key, walk);
  }
  return result;
}

function dictKeys(names: unknown, name: string, size: number, walk: Walk): string[] {
  const resolved = resolve(names, walk.root);
  if (isDict(resolved) && Array.isArray(resolved["enum"])) {
    return resolved["enum"].filter((key): key is string => typeof key === "string").slice(0, size);
  }
  const base = singular(words(name).join("_")) || "key";
  return Array.from({ length: size }, (_, index) => `${base}_${index + 1}`);
}

function array(schema: Dict, name: string, walk: Walk): unknown[] {
  const itemName = singular(name);
  if (Array.isArray(schema["prefixItems"])) {
    return schema["prefixItems"].map((item, index) =>
      generate(item, `${itemName}_${index + 1}`, walk)
    );
  }
  const size = sizeWithin(schema["minItems"], schema["maxItems"], walk.random);
  const items: unknown[] = [];
  const seen = new Set<string>();
  for (let index = 0; items.length < size && index < size * 4; index++) {
    const value = generate(schema["items"] ?? {}, `${itemName} ${items.length + 1}`, walk);
    if (schema["uniqueItems"] === true && seen.has(JSON.stringify(value))) continue;
    seen.add(JSON.stringify(value));
    items.push(value);
  }
  return items;
}

/** 2 or 3, kept within the schema's bounds. */
function sizeWithin(min: unknown, max: unknown, random: Random): number {
  const low = typeof min === "number" ? Math.max(0, Math.ceil(min)) : 0;
  const high = typeof max === "number" ? Math.floor(max) : Number.POSITIVE_INFINITY;
  const from = Math.min(Math.max(low, 2), high);
  const to = Math.max(from, Math.min(Math.max(low, 3), high));
  return from + Math.floor(random() * (to - from + 1));
}

function number(schema: Dict, name: string, random: Random, integer: boolean): number {
  const stated = rangeIn(schema["description"]);
  const lower = Math.max(
    bound(schema["minimum"], schema["exclusiveMinimum"], integer, 1),
    stated?.[0] ?? Number.NEGATIVE_INFINITY,
  );
  const upper = Math.min(
    bound(schema["maximum"], schema["exclusiveMaximum"], integer, -1),
    stated?.[1] ?? Number.POSITIVE_INFINITY,
  );
  const [naturalLow, naturalHigh] = naturalRange(name, integer);
  let low = Math.max(lower, naturalLow);
  let high = Math.min(upper, naturalHigh);
  if (low > high && lower > naturalHigh) [low, high] = [lower, Math.min(upper, lower + 100)];
  else if (low > high) [low, high] = [Math.max(lower, upper - 100), upper];
  const step = typeof schema["multipleOf"] === "number" && schema["multipleOf"] > 0
    ? schema["multipleOf"]
    : integer
    ? 1
    : 0.01;
  const first = Math.ceil(low / step);
  const last = Math.floor(high / step);
  if (last < first) return integer ? Math.ceil(low) : low;
  const value = (first + Math.floor(random() * (last - first + 1))) * step;
  return integer ? Math.round(value) : Number(value.toFixed(6));
}

const NUMBER_TEXT = String.raw`-?\d+(?:\.\d+)?`;

/** "between 1 and 5", "from 1 to 5", "1 to 5", "1-5", "1–5", "1..5" in a description. */
const STATED_RANGES = [
  new RegExp(
    String.raw`\b(?:between|from)\s+(${NUMBER_TEXT})\s+(?:and|to)\s+(${NUMBER_TEXT})`,
    "i",
  ),
  new RegExp(
    String.raw`(?<![\d.])(${NUMBER_TEXT})\s*(?:to|-|–|\.\.)\s*(${NUMBER_TEXT})(?![\d.])`,
    "i",
  ),
];

/**
 * The range a description states in words (`score from 1 to 5`), so that mock answers keep to
 * it even when the schema gives no bounds; `undefined` when it states none.
 */
function rangeIn(description: unknown): [number, number] | undefined {
  if (typeof description !== "string") return undefined;
  for (const pattern of STATED_RANGES) {
    const match = pattern.exec(description);
    if (!match) continue;
    const low = Number(match[1]);
    const high = Number(match[2]);
    if (low < high) return [low, high];
  }
  return undefined;
}

/** The values a description lists as the only ones (`one of: low, medium, high`). */
function valuesIn(description: unknown): string[] | undefined {
  if (typeof description !== "string") return undefined;
  const list = /\bone of[:\s]+([^.;()]+)/i.exec(description)?.[1];
  if (list === undefined) return undefined;
  const values = list.split(/,|\bor\b/).map((value) => value.trim().replace(/^["'`]|["'`]$/g, ""))
    .filter((value) => /^[\w-]+$/.test(value));
  return values.length >= 2 ? values : undefined;
}

function bound(
  inclusive: unknown,
  exclusive: unknown,
  integer: boolean,
  direction: 1 | -1,
): number {
  const unbounded = direction * Number.NEGATIVE_INFINITY;
  const step = integer ? 1 : 0.01;
  const fromExclusive = typeof exclusive === "number" ? exclusive + direction * step : unbounded;
  const fromInclusive = typeof inclusive === "number" ? inclusive : unbounded;
  return direction === 1
    ? Math.max(fromInclusive, fromExclusive)
    : Math.min(fromInclusive, fromExclusive);
}

function naturalRange(name: string, integer: boolean): [number, number] {
  const lowered = words(name).join(" ");
  for (const [pattern, low, high] of NUMBER_RANGES) {
    if (pattern.test(lowered)) return integer && high === 1 ? [0, 100] : [low, high];
  }
  return integer ? [1, 100] : [0, 100];
}

function string(schema: Dict, name: string, walk: Walk): string {
  const slug = words(name).join("-") || "item";
  const day = 1 + Math.floor(walk.random() * 28);
  const formats: Record<string, () => string> = {
    "date-time": () => `2026-01-${pad(day)}T${pad(Math.floor(walk.random() * 24))}:00:00Z`,
    date: () => `2026-01-${pad(day)}`,
    time: () => `${pad(Math.floor(walk.random() * 24))}:${pad(Math.floor(walk.random() * 60))}:00`,
    email: () => `${slug}@example.com`,
    uri: () => `https://example.com/mock/${slug}`,
    url: () => `https://example.com/mock/${slug}`,
    uuid: () => uuid(walk.random),
  };
  const format = typeof schema["format"] === "string" ? formats[schema["format"]] : undefined;
  const listed = format ? undefined : valuesIn(schema["description"]);
  if (listed) return pick(listed, walk.random);
  const value = format ? format() : text(name, walk, schema["description"]);
  return fitLength(value, schema["minLength"], schema["maxLength"]);
}

function text(name: string, walk: MockValueContext, description: unknown): string {
  const label = words(name).join(" ") || "answer";
  const about = walk.subject !== undefined
    ? ` about ${walk.subject}`
    : typeof description === "string" && description.trim() !== ""
    ? ` (${description.trim().replace(/\.$/, "")})`
    : "";
  return `Mock ${label}${about}, ${pick(FLAVOURS, walk.random)}`;
}

function fitLength(value: string, min: unknown, max: unknown): string {
  let result = value;
  if (typeof min === "number") { while (result.length < min) result += " and more detail"; }
  if (typeof max === "number" && result.length > max) result = result.slice(0, Math.max(0, max));
  return result;
}

function uuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${
    hex.slice(20)
  }`;
}

/** Lower-case words of a field name: `keyPoints`, `key_points` and `key points 2` alike. */
function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
}

function singular(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, "y");
  if (/(ses|xes|ches|shes)$/.test(name)) return name.replace(/es$/, "");
  if (/[^su]s$/.test(name) && !/(ss|is)$/.test(name)) return name.slice(0, -1);
  return name;
}

function pick<T>(values: readonly T[], random: Random): T {
  return values[Math.floor(random() * values.length)] as T;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
