/**
 * Turns zod issues into diagnostics with readable messages, suggestions and source positions.
 * Messages written in the schema (refinements) are kept; zod's generic ones are rewritten.
 *
 * @module
 */
import type { z } from "zod";
import { type Diagnostic, formatJsonPath, type JsonPath, toJsonPath } from "./diagnostic.ts";
import {
  IDENTIFIER_PATTERN,
  reservedNameProblem,
  reservedNameSuggestion,
} from "./_schema_atoms.ts";
import { objectKeysAt } from "./_schema_walk.ts";
import type { Position, SourceMap } from "./_source_map.ts";
import { closestName, suggestName } from "./suggest.ts";
import { TYPE_NAMES } from "./type_expression.ts";

type Issue = z.core.$ZodIssue;

/** What the converter needs besides the issues. */
export interface IssueContext {
  /** The schema that was parsed (for the keys a mapping accepts). */
  readonly schema: z.ZodType;
  /** The document that was parsed. */
  readonly input: unknown;
  /** Positions in the source. */
  readonly sourceMap: SourceMap;
  /**
   * What the whole document is, for messages about its top level.
   *
   * @default {"workflow"}
   */
  readonly document?: string | undefined;
}

/**
 * Converts zod issues into diagnostics.
 *
 * @param issues The issues of a failed parse.
 * @param context The schema, the input and its source map.
 * @returns One diagnostic per problem (an issue with several unknown keys gives several).
 */
export function schemaDiagnostics(issues: readonly Issue[], context: IssueContext): Diagnostic[] {
  return issues.flatMap((issue) => convert(issue, [], context));
}

function convert(issue: Issue, base: JsonPath, context: IssueContext): Diagnostic[] {
  const path: JsonPath = [...base, ...toJsonPath(issue.path)];
  const found = valueAt(context.input, path);
  const where = `"${formatJsonPath(path)}"`;
  const error = (
    code: string,
    message: string,
    extra: { suggestion?: string | undefined; position?: Position | undefined; at?: JsonPath } = {},
  ): Diagnostic => {
    const at = extra.at ?? path;
    return context.sourceMap.place(
      {
        severity: "error",
        code,
        message,
        path: at,
        ...(extra.suggestion ? { suggestion: extra.suggestion } : {}),
      },
      extra.position ?? context.sourceMap.locate(at),
    );
  };

  if (found.missing && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
    const key = path.at(-1);
    const parent = path.slice(0, -1);
    const owner = parent.length
      ? `"${formatJsonPath(parent)}"`
      : `the ${context.document ?? "workflow"}`;
    return [error("missing_key", `Cannot accept ${owner} as the required key "${key}" is missing`)];
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = objectKeysAt(context.schema, path);
        const owner = path.length
          ? `${where} has no such setting`
          : `a ${context.document ?? "workflow"} has no such section`;
        return error("unknown_key", `Cannot accept the key "${key}" as ${owner}`, {
          at: [...path, key],
          position: context.sourceMap.locateKey([...path, key]),
          suggestion: suggestName(key, known, "keys"),
        });
      });
    case "invalid_type": {
      return [
        error(
          "invalid_type",
          `Cannot accept ${describeValue(found.value)} for ${where} as it must be ${
            describeExpected(issue.expected)
          }`,
        ),
      ];
    }
    case "too_small":
    case "too_big":
      return [error("out_of_range", rangeMessage(issue, found.value, where))];
    case "invalid_format":
      return [formatDiagnostic(issue, found.value, where, error)];
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v));
      const close = typeof found.value === "string"
        ? closestName(found.value, issue.values.map(String))
        : undefined;
      return [
        error(
          "invalid_value",
          `Cannot use ${describeValue(found.value)} for ${where} as it must be ${
            options.length === 1 ? options[0] : `one of ${options.join(", ")}`
          }`,
          { suggestion: close === undefined ? undefined : `did you mean '${close}'?` },
        ),
      ];
    }
    case "invalid_key": {
      const name = String(path.at(-1));
      const reserved = reservedNameProblem(name);
      if (reserved && IDENTIFIER_PATTERN.test(name)) {
        return [
          error("reserved_name", reserved, {
            position: context.sourceMap.locateKey(path),
            suggestion: reservedNameSuggestion(name),
          }),
        ];
      }
      return [
        error(
          "invalid_name",
          `Cannot use "${name}" as a name as it is not an identifier`,
          { position: context.sourceMap.locateKey(path), suggestion: IDENTIFIER_HINT },
        ),
      ];
    }
    case "invalid_union":
      return unionDiagnostics(issue, path, found.value, context, error);
    case "custom":
      return [customDiagnostic(issue, path, found.value, context)];
    default:
      return [error("invalid_value", `Cannot accept ${where}: ${issue.message}`)];
  }
}

const IDENTIFIER_HINT =
  "start with a letter or underscore, then use letters, digits or underscores";

type ErrorFactory = (
  code: string,
  message: string,
  extra?: { suggestion?: string | undefined; position?: Position | undefined; at?: JsonPath },
) => Diagnostic;

function formatDiagnostic(
  issue: z.core.$ZodIssueInvalidStringFormat,
  value: unknown,
  where: string,
  error: ErrorFactory,
): Diagnostic {
  if (issue.format === "regex" && issue.pattern === String(IDENTIFIER_PATTERN)) {
    return error(
      "invalid_name",
      `Cannot use ${describeValue(value)} for ${where} as it is not an identifier`,
      { suggestion: IDENTIFIER_HINT },
    );
  }
  if (issue.format === "url") {
    return error(
      "invalid_url",
      `Cannot use ${describeValue(value)} for ${where} as it is not a URL`,
      {
        suggestion: "write a full URL such as 'http://localhost:11434'",
      },
    );
  }
  return error(
    "invalid_format",
    `Cannot use ${describeValue(value)} for ${where}: ${issue.message}`,
  );
}

function rangeMessage(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
  where: string,
): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "array") {
    const count = Array.isArray(value) ? value.length : 0;
    const items = (n: number) => `${n} item${n === 1 ? "" : "s"}`;
    const found = count === 0 ? "an empty list" : `a list of ${items(count)}`;
    return `Cannot accept ${found} for ${where} as it needs ${small ? "at least" : "at most"} ${
      items(limit)
    }`;
  }
  if (issue.origin === "string") {
    return small && limit === 1
      ? `Cannot accept an empty text for ${where} as it needs at least one character`
      : `Cannot accept ${describeValue(value)} for ${where} as it needs ${
        small ? "at least" : "at most"
      } ${limit} characters`;
  }
  const bound = small
    ? (issue.inclusive ? "at least" : "greater than")
    : (issue.inclusive ? "at most" : "less than");
  return `Cannot accept ${describeValue(value)} for ${where} as it must be ${bound} ${limit}`;
}

/**
 * A union failed: when exactly one member accepts this kind of value (its issues are deeper
 * than the value itself), report that member's issues; otherwise say what the value may be.
 */
function unionDiagnostics(
  issue: z.core.$ZodIssueInvalidUnion,
  path: JsonPath,
  value: unknown,
  context: IssueContext,
  error: ErrorFactory,
): Diagnostic[] {
  if (issue.message !== "Invalid input") {
    return [error("invalid_value", issue.message)];
  }
  const members = issue.errors.filter((issues) =>
    !issues.some((i) =>
      i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")
    )
  );
  const [member] = members;
  if (members.length === 1 && member) return member.flatMap((i) => convert(i, path, context));
  const expected: string[] = [];
  const values: string[] = [];
  for (const i of issue.errors.flat()) {
    if (i.path.length !== 0) continue;
    if (i.code === "invalid_type") expected.push(describeExpected(i.expected));
    if (i.code === "invalid_value") {
      expected.push(...i.values.map((v) => JSON.stringify(v)));
      values.push(...i.values.map(String));
    }
  }
  const close = typeof value === "string" ? closestName(value, values) : undefined;
  return [
    error(
      "invalid_type",
      `Cannot accept ${describeValue(value)} for "${formatJsonPath(path)}" as it must be ${
        [...new Set(expected)].join(" or ")
      }`,
      { suggestion: close === undefined ? undefined : `did you mean '${close}'?` },
    ),
  ];
}

function customDiagnostic(
  issue: z.core.$ZodIssueCustom,
  path: JsonPath,
  value: unknown,
  context: IssueContext,
): Diagnostic {
  const kind = typeof issue.params?.kind === "string" ? issue.params.kind : "invalid_value";
  let position = context.sourceMap.locate(path);
  let suggestion: string | undefined;
  if (kind === "type_syntax" && typeof value === "string") {
    const offset = Number(issue.params?.offset ?? 0);
    position = context.sourceMap.locateInValue(path, offset) ?? position;
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(offset))?.[0];
    const close = word === undefined ? undefined : closestName(word, TYPE_NAMES);
    if (close !== undefined) suggestion = `did you mean '${close}'?`;
  }
  if (kind === "reserved_name" && typeof value === "string") {
    suggestion = reservedNameSuggestion(value);
  }
  return context.sourceMap.place({
    severity: "error",
    code: kind,
    message: issue.message,
    path,
    ...(suggestion ? { suggestion } : {}),
  }, position);
}

/** The value at a path, and whether the last key is absent from its parent. */
function valueAt(root: unknown, path: JsonPath): { value: unknown; missing: boolean } {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return { value: undefined, missing: true };
    const container = value as Record<string | number, unknown>;
    if (!Object.hasOwn(container, segment)) return { value: undefined, missing: true };
    value = container[segment];
  }
  return { value, missing: false };
}

/**
 * Describes a value for a message: text in quotes (shortened), numbers and booleans as they
 * are, and the kind of anything else.
 */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  return String(value);
}

function describeExpected(expected: string): string {
  const names: Record<string, string> = {
    string: "text",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
  };
  return names[expected] ?? expected;
}
