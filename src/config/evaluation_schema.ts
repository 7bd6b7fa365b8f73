/**
 * The `evaluation` section of a workflow file, and the top level of a `--scorers` file: the
 * scorers an evaluation runs on every record. One key of a scorer names its kind (`exact_match`,
 * `contains`, ..., `guidelines`); `name` is the assessment name in MLflow and the prefix of its
 * metric (`<name>/mean`).
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly
 * the type of the schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { identifier, reservedNameProblem, typeString } from "./_schema_atoms.ts";
import { LlmOverrideSchema } from "./node_schema.ts";

/** The scorers that check an answer in code: fast, deterministic, free. */
export const CODE_SCORER_KINDS = [
  "exact_match",
  "contains",
  "regex",
  "numeric_within",
  "json_valid",
  "type_check",
  "max_cost_usd",
  "max_latency_ms",
  "max_tokens",
] as const;

/** The scorers that ask a model (an LLM judge) for a yes/no verdict with a rationale. */
export const JUDGE_SCORER_KINDS = ["guidelines", "correctness", "relevance"] as const;

/** Every kind of built-in scorer: exactly one of these keys names a scorer's kind. */
export const SCORER_KINDS = [...CODE_SCORER_KINDS, ...JUDGE_SCORER_KINDS] as const;

/** A kind of built-in scorer. */
export type ScorerKind = (typeof SCORER_KINDS)[number];

/** The settings a judge takes beside its kind key (a code scorer has its own inside it). */
export const JUDGE_SETTINGS = ["field", "input", "model"] as const;

/**
 * A scorer name: a letter or underscore, then letters, digits, `_`, `-` or `.`. It becomes an
 * MLflow assessment name and the metric `<name>/mean`, and `--fail-under <name>=0.8` names it.
 */
export const SCORER_NAME_PATTERN: RegExp = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A field of the state, or a dotted path into an object field (`profile.name`, `items.0`). */
const FIELD_PATH_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** Regular expression flags a `regex` scorer accepts (`g` and `y` would make tests stateful). */
const REGEX_FLAGS_PATTERN = /^[imsu]*$/;

/**
 * Tells why a text cannot name a scorer (see {@linkcode SCORER_NAME_PATTERN}; names starting
 * with `__` and those of `Object.prototype` are reserved), or returns `undefined` when it can.
 *
 * @example Usage
 * ```ts
 * import { scorerNameProblem } from "./evaluation_schema.ts";
 * if (scorerNameProblem("exact.v2") !== undefined) throw new Error();
 * if (scorerNameProblem("a b") === undefined) throw new Error();
 * ```
 *
 * @param name The name.
 * @returns The message, or `undefined`.
 */
export function scorerNameProblem(name: string): string | undefined {
  if (!SCORER_NAME_PATTERN.test(name)) {
    return `Cannot use ${
      JSON.stringify(name)
    } as a scorer name: start with a letter or underscore, then use letters, digits, "_", "-" or "."`;
  }
  return reservedNameProblem(name);
}

const scorerName: z.ZodString = z.string().superRefine((value, ctx) => {
  const problem = scorerNameProblem(value);
  if (problem === undefined) return;
  ctx.addIssue({
    code: "custom",
    message: problem,
    params: { kind: SCORER_NAME_PATTERN.test(value) ? "reserved_name" : "invalid_name" },
  });
});

const fieldPath: z.ZodString = z.string().superRefine((value, ctx) => {
  if (FIELD_PATH_PATTERN.test(value)) return;
  ctx.addIssue({
    code: "custom",
    message: `Cannot read ${
      JSON.stringify(value)
    } as a state field: write a field name, or a dotted path into an object such as "profile.name"`,
    params: { kind: "invalid_field_path" },
  });
});

const expectationKey: z.ZodString = z.string().min(1);

/** `exact_match`: a state field equals a key of the record's expectations. */
export const ExactMatchSchema: z.ZodObject<{
  field: z.ZodString;
  expected: z.ZodOptional<z.ZodString>;
  ignore_case: z.ZodDefault<z.ZodBoolean>;
  trim: z.ZodDefault<z.ZodBoolean>;
}, z.core.$strict> = exactSchema(z.strictObject({
  field: fieldPath.describe("The state field compared (a dotted path reaches into an object)"),
  expected: expectationKey.optional().describe(
    "The key of the record's expectations it must equal; default: the same as field",
  ),
  ignore_case: z.boolean().default(false).describe("Compare text without regard to case"),
  trim: z.boolean().default(false).describe(
    "Compare text without leading and trailing whitespace",
  ),
}));

/** `contains`: the text of a state field contains a fixed text or an expectation. */
export const ContainsSchema: z.ZodObject<{
  field: z.ZodString;
  text: z.ZodOptional<z.ZodString>;
  expected: z.ZodOptional<z.ZodString>;
  ignore_case: z.ZodDefault<z.ZodBoolean>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    field: fieldPath.describe(
      "The state field searched: text as it is, any other value as compact JSON",
    ),
    text: z.string().min(1).optional().describe("The text it must contain"),
    expected: expectationKey.optional().describe(
      "Or: the key of the record's expectations holding the text it must contain",
    ),
    ignore_case: z.boolean().default(false).describe("Search without regard to case"),
  }).superRefine((options, ctx) => {
    const given = [options.text, options.expected].filter((value) => value !== undefined).length;
    if (given === 1) return;
    ctx.addIssue({
      code: "custom",
      path: given === 0 ? [] : ["expected"],
      message: given === 0
        ? "Cannot check 'contains' without what to look for: add 'text' or 'expected'"
        : "Cannot use both 'text' and 'expected' in 'contains': keep one",
      params: { kind: "scorer_option" },
    });
  }),
);

/** `regex`: a regular expression matches somewhere in the text of a state field. */
export const RegexSchema: z.ZodObject<{
  field: z.ZodString;
  pattern: z.ZodString;
  flags: z.ZodDefault<z.ZodString>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    field: fieldPath.describe(
      "The state field matched: text as it is, any other value as compact JSON",
    ),
    pattern: z.string().min(1).describe(
      "A JavaScript regular expression, found anywhere in the text (anchor it with ^ and $ to match all of it)",
    ),
    flags: z.string().default("").describe(
      "i (ignore case), m (multiline), s (dot matches newlines), u (Unicode)",
    ),
  }).superRefine((options, ctx) => {
    if (!REGEX_FLAGS_PATTERN.test(options.flags)) {
      ctx.addIssue({
        code: "custom",
        path: ["flags"],
        message: `Cannot use the regular expression flags ${
          JSON.stringify(options.flags)
        }: use i, m, s or u (g and y would make each test depend on the one before)`,
        params: { kind: "invalid_regex" },
      });
      return;
    }
    try {
      new RegExp(options.pattern, options.flags);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `Cannot compile the regular expression "${options.pattern}": ${
          error instanceof Error ? error.message : String(error)
        }`,
        params: { kind: "invalid_regex" },
      });
    }
  }),
);

/** `numeric_within`: a number state field is within a tolerance of the expected number. */
export const NumericWithinSchema: z.ZodObject<{
  field: z.ZodString;
  expected: z.ZodOptional<z.ZodString>;
  value: z.ZodOptional<z.ZodNumber>;
  tolerance: z.ZodDefault<z.ZodNumber>;
  relative: z.ZodDefault<z.ZodBoolean>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    field: fieldPath.describe("The state field compared (an int or float)"),
    expected: expectationKey.optional().describe(
      "The key of the record's expectations holding the number; default: the same as field",
    ),
    value: z.number().optional().describe("Or: a fixed number to compare with"),
    tolerance: z.number().min(0).default(0).describe(
      "Largest difference that passes (inclusive)",
    ),
    relative: z.boolean().default(false).describe(
      "Read tolerance as a fraction of the expected number (0.05 is 5 %)",
    ),
  }).superRefine((options, ctx) => {
    if (options.expected === undefined || options.value === undefined) return;
    ctx.addIssue({
      code: "custom",
      path: ["value"],
      message: "Cannot use both 'expected' and 'value' in 'numeric_within': keep one",
      params: { kind: "scorer_option" },
    });
  }),
);

/** `json_valid`: a text state field parses as JSON (of a type, when given). */
export const JsonValidSchema: z.ZodObject<{
  field: z.ZodString;
  type: z.ZodOptional<z.ZodString>;
}, z.core.$strict> = exactSchema(z.strictObject({
  field: fieldPath.describe(
    "The state field: text that must parse as JSON (a value that is not text is JSON already)",
  ),
  type: typeString.optional().describe("A type the parsed JSON must have, such as dict[str, int]"),
}));

/** `type_check`: the value of a state field has a type of the workflow's type grammar. */
export const TypeCheckSchema: z.ZodObject<{
  field: z.ZodString;
  type: z.ZodString;
}, z.core.$strict> = exactSchema(z.strictObject({
  field: fieldPath.describe("The state field checked"),
  type: typeString.describe("The type its value must have, such as list[str] or enum[a, b]"),
}));

/** `correctness`: a judge of whether the answer states the expected facts. */
export const CorrectnessSchema: z.ZodObject<{
  expected: z.ZodOptional<z.ZodString>;
}, z.core.$strict> = exactSchema(z.strictObject({
  expected: expectationKey.optional().describe(
    "The key of the record's expectations holding the expected facts (a list) or answer (a text); default: expected_facts, else expected_response",
  ),
}));

/** One scorer: its name, exactly one kind key, and (for a judge) what it reads and its model. */
export const ScorerSchema: z.ZodObject<{
  name: z.ZodString;
  exact_match: z.ZodOptional<typeof ExactMatchSchema>;
  contains: z.ZodOptional<typeof ContainsSchema>;
  regex: z.ZodOptional<typeof RegexSchema>;
  numeric_within: z.ZodOptional<typeof NumericWithinSchema>;
  json_valid: z.ZodOptional<typeof JsonValidSchema>;
  type_check: z.ZodOptional<typeof TypeCheckSchema>;
  max_cost_usd: z.ZodOptional<z.ZodNumber>;
  max_latency_ms: z.ZodOptional<z.ZodNumber>;
  max_tokens: z.ZodOptional<z.ZodInt>;
  guidelines: z.ZodOptional<z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>>;
  correctness: z.ZodOptional<z.ZodUnion<readonly [z.ZodLiteral<true>, typeof CorrectnessSchema]>>;
  relevance: z.ZodOptional<z.ZodLiteral<true>>;
  field: z.ZodOptional<z.ZodString>;
  input: z.ZodOptional<z.ZodString>;
  model: z.ZodOptional<typeof LlmOverrideSchema>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    name: scorerName.describe(
      "The assessment name in MLflow and the metric prefix (<name>/mean); unique",
    ),
    exact_match: ExactMatchSchema.optional().describe(
      "Passes when a state field equals an expectation",
    ),
    contains: ContainsSchema.optional().describe(
      "Passes when a state field contains a text or an expectation",
    ),
    regex: RegexSchema.optional().describe(
      "Passes when a regular expression matches a state field",
    ),
    numeric_within: NumericWithinSchema.optional().describe(
      "Passes when a number state field is within a tolerance of the expected number",
    ),
    json_valid: JsonValidSchema.optional().describe(
      "Passes when a text state field parses as JSON (of a type, when given)",
    ),
    type_check: TypeCheckSchema.optional().describe(
      "Passes when a state field's value has a type",
    ),
    max_cost_usd: z.number().min(0).optional().describe(
      "Passes when the run cost at most this many dollars (unknown cost: an error)",
    ),
    max_latency_ms: z.number().positive().optional().describe(
      "Passes when the run took at most this many milliseconds",
    ),
    max_tokens: z.int().positive().optional().describe(
      "Passes when the run used at most this many tokens (input and output)",
    ),
    guidelines: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional()
      .describe("A judge: yes when the answer follows every guideline (a text or a list)"),
    correctness: z.union([z.literal(true), CorrectnessSchema]).optional().describe(
      "A judge: yes when the answer states the expected facts; true, or {expected: <key>}",
    ),
    relevance: z.literal(true).optional().describe(
      "A judge: yes when the answer is relevant to the request; write relevance: true",
    ),
    field: fieldPath.optional().describe(
      "A judge's answer to read: a state field; default: every field the nodes write",
    ),
    input: identifier.optional().describe(
      "A judge's request to read: an input field; default: every input",
    ),
    model: LlmOverrideSchema.optional().describe(
      "A judge's model; default: the workflow's config.llm",
    ),
  }).check((payload) => {
    const scorer = payload.value;
    const kinds = SCORER_KINDS.filter((kind) => scorer[kind] !== undefined);
    const unknownKeys = payload.issues.some((issue) =>
      issue.code === "unrecognized_keys" && (issue.path ?? []).length === 0
    );
    const report = (path: PropertyKey[], message: string, kind: string) =>
      payload.issues.push({ code: "custom", input: scorer, path, message, params: { kind } });
    if (kinds.length === 0 && !unknownKeys) {
      report(
        [],
        `Cannot use scorer "${scorer.name}" as it names no kind: add one of ${
          SCORER_KINDS.map((k) => `'${k}'`).join(", ")
        }`,
        "scorer_kind",
      );
    } else if (kinds.length > 1) {
      report(
        [kinds[1] ?? "name"],
        `Cannot combine ${
          kinds.map((k) => `'${k}'`).join(" and ")
        } in scorer "${scorer.name}": one key names its kind, keep one and make another scorer for the rest`,
        "scorer_kind",
      );
    }
    const [kind] = kinds;
    if (kind === undefined || kinds.length > 1 || isJudgeKind(kind)) return;
    for (const setting of JUDGE_SETTINGS) {
      if (scorer[setting] === undefined) continue;
      report(
        [setting],
        `Cannot use '${setting}' beside '${kind}' in scorer "${scorer.name}" as only judges (${
          JUDGE_SCORER_KINDS.join(", ")
        }) take it${
          setting === "field" && isRecord(scorer[kind])
            ? `: write it inside, as ${kind}: {field: ${scorer.field}, ...}`
            : ""
        }`,
        "scorer_setting",
      );
    }
  }),
);

/** The scorers of an evaluation: the `evaluation` section, and the whole of a scorers file. */
export const EvaluationSchema: z.ZodObject<{
  scorers: z.ZodArray<typeof ScorerSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  scorers: z.array(ScorerSchema).min(1).describe(
    "The scorers each record of an evaluation is scored with, at least one",
  ),
}));

/**
 * Whether a kind of scorer is an LLM judge.
 *
 * @param kind A kind of scorer.
 * @returns `true` for `guidelines`, `correctness` and `relevance`.
 */
export function isJudgeKind(kind: ScorerKind): kind is (typeof JUDGE_SCORER_KINDS)[number] {
  return (JUDGE_SCORER_KINDS as readonly string[]).includes(kind);
}

/**
 * The kind of a scorer: its one kind key.
 *
 * @example Usage
 * ```ts
 * import { scorerKind } from "./evaluation_schema.ts";
 * const scorer = { name: "cheap", max_cost_usd: 0.01 };
 * if (scorerKind(scorer) !== "max_cost_usd") throw new Error();
 * ```
 *
 * @param scorer A scorer that passed the schema.
 * @returns Its kind.
 * @throws {TypeError} When it names no kind (the schema refuses such a scorer).
 */
export function scorerKind(scorer: Readonly<Partial<Record<ScorerKind, unknown>>>): ScorerKind {
  const kind = SCORER_KINDS.find((key) => scorer[key] !== undefined);
  if (kind === undefined) {
    throw new TypeError("Cannot find the kind of the scorer as it has none of the kind keys");
  }
  return kind;
}

function isRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
