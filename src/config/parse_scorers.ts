/**
 * Parses and checks a scorers file (`evaluate --scorers <file>`, YAML or JSON: a mapping whose
 * `scorers` list is written as in a workflow's `evaluation` section) against the workflow it
 * scores, with the same positions and messages as `validate`. Pure, no I/O.
 *
 * @module
 */
import { WorkflowError } from "../errors.ts";
import { type Diagnostic, sortDiagnostics } from "./diagnostic.ts";
import { EvaluationSchema } from "./evaluation_schema.ts";
import type { LoadedWorkflow } from "./loaded_workflow.ts";
import { readYaml } from "./read_yaml.ts";
import type { EvaluationConfig, ScorerConfig } from "./schema.ts";
import { CheckContext, type ValidationHooks } from "./_check_context.ts";
import { checkScorers, salvageScorers } from "./_check_evaluation.ts";
import { viewOfConfig } from "./_run_checks.ts";
import { schemaDiagnostics } from "./_schema_issues.ts";
import { SourceMap } from "./_source_map.ts";

/** Options of {@linkcode safeParseScorers} and {@linkcode parseScorers}. */
export interface ParseScorersOptions {
  /**
   * The file the text came from, named in every diagnostic.
   *
   * @default {undefined}
   */
  file?: string | undefined;
  /**
   * Whether a provider/model pair has a price; a judge whose own model has none gets a warning
   * (its cost will be reported as unknown). When absent, prices are not checked.
   *
   * @default {undefined}
   */
  isModelPriced?: ValidationHooks["isModelPriced"];
}

/** The outcome of {@linkcode safeParseScorers} and {@linkcode safePrepareScorers}. */
export type SafeParseScorersResult =
  | {
    readonly ok: true;
    /** The scorers, defaults applied. */
    readonly evaluation: EvaluationConfig;
    /** Warnings found (errors would have stopped the parse). */
    readonly warnings: readonly Diagnostic[];
  }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const SHAPE_HINT = "a scorers file is a mapping with a 'scorers' list, as in a workflow's " +
  "'evaluation' section";

/**
 * Parses a scorers file and checks it against a workflow: the YAML (or JSON), the schema
 * (unknown keys with did-you-mean, exactly one kind key per scorer, regular expressions that
 * compile, known providers) and the checks that need the workflow (unique names, fields that
 * exist in its state, a judge's model), all reported at once with line and column. Never
 * throws for a bad file.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, safeParseScorers } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * `);
 * const result = safeParseScorers(
 *   "scorers:\n  - { name: exact, exact_match: { field: anwser } }\n",
 *   workflow,
 *   { file: "scorers.yaml" },
 * );
 * if (result.ok) throw new Error("expected the misspelt field to be reported");
 * const [problem] = result.diagnostics;
 * if (problem?.line !== 2 || problem.suggestion !== "did you mean 'answer'?") throw new Error();
 * ```
 *
 * @param text The text of the scorers file.
 * @param workflow The workflow whose runs the scorers score.
 * @param options The file name and the price check.
 * @returns The scorers with their warnings, or every diagnostic (errors and warnings).
 */
export function safeParseScorers(
  text: string,
  workflow: LoadedWorkflow,
  options: ParseScorersOptions = {},
): SafeParseScorersResult {
  const { file } = options;
  const read = readYaml(text, file);
  const { sourceMap } = read;
  if (!read.ok) return { ok: false, diagnostics: read.diagnostics };
  const value = read.value;
  if (read.empty || value === null || typeof value !== "object" || Array.isArray(value)) {
    const found = read.empty || value === null
      ? "empty"
      : Array.isArray(value)
      ? "a list (put it under 'scorers:')"
      : "a single value";
    return {
      ok: false,
      diagnostics: sortDiagnostics([
        ...read.diagnostics,
        sourceMap.place({
          severity: "error",
          code: read.empty || value === null ? "empty_document" : "not_a_mapping",
          message: `Cannot load the scorers as the file is ${found}: ${SHAPE_HINT}`,
          path: [],
        }, { line: 1, column: 1 }),
      ]),
    };
  }
  return checkValue(value, workflow, sourceMap, options, read.diagnostics);
}

/**
 * Checks scorers given as an object (as a scorers file would hold them, or an
 * `EvaluationConfig`) against a workflow: the same checks as {@linkcode safeParseScorers},
 * without positions. Never throws for bad scorers.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, safePrepareScorers } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * `);
 * const result = safePrepareScorers({ scorers: [{ name: "cheap", max_cost_usd: 0.01 }] }, workflow);
 * if (!result.ok || result.evaluation.scorers[0]?.name !== "cheap") throw new Error();
 * ```
 *
 * @param value The scorers: `{ scorers: [...] }`.
 * @param workflow The workflow whose runs the scorers score.
 * @param options The name to give in diagnostics and the price check.
 * @returns The scorers with their warnings, or every diagnostic (errors and warnings).
 */
export function safePrepareScorers(
  value: unknown,
  workflow: LoadedWorkflow,
  options: ParseScorersOptions = {},
): SafeParseScorersResult {
  const sourceMap = new SourceMap("", options.file);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      diagnostics: [sourceMap.place({
        severity: "error",
        code: "not_a_mapping",
        message: `Cannot prepare the scorers as they are ${
          Array.isArray(value) ? "a list" : value === null ? "null" : `a ${typeof value}`
        }: write { scorers: [...] }`,
        path: [],
      })],
    };
  }
  return checkValue(value, workflow, sourceMap, options, []);
}

/**
 * Parses a scorers file and checks it against a workflow, throwing when it has errors (see
 * {@linkcode safeParseScorers}).
 *
 * @example Usage
 * ```ts
 * import { parseScorers, parseWorkflow } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * `);
 * const evaluation = parseScorers(`
 * scorers:
 *   - { name: mentions, contains: { field: answer, text: Paris } }
 *   - { name: on_topic, relevance: true, field: answer }
 * `, workflow);
 * if (evaluation.scorers.length !== 2) throw new Error();
 * ```
 *
 * @param text The text of the scorers file.
 * @param workflow The workflow whose runs the scorers score.
 * @param options The file name and the price check.
 * @returns The scorers, defaults applied.
 * @throws {WorkflowError} `CONFIG_INVALID` carrying every diagnostic when there is an error.
 */
export function parseScorers(
  text: string,
  workflow: LoadedWorkflow,
  options: ParseScorersOptions = {},
): EvaluationConfig {
  const result = safeParseScorers(text, workflow, options);
  if (result.ok) return result.evaluation;
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const file = options.file === undefined ? "" : ` "${options.file}"`;
  throw new WorkflowError(
    "CONFIG_INVALID",
    `Cannot load the scorers${file} as they have ${errors} error${errors === 1 ? "" : "s"}`,
    {
      phase: "validate",
      diagnostics: result.diagnostics,
      hint: "fix the problems listed: the scorers are checked against the workflow's state",
    },
  );
}

function checkValue(
  value: object,
  workflow: LoadedWorkflow,
  sourceMap: SourceMap,
  options: ParseScorersOptions,
  readDiagnostics: readonly Diagnostic[],
): SafeParseScorersResult {
  const parsed = EvaluationSchema.safeParse(value);
  const diagnostics: Diagnostic[] = [...readDiagnostics];
  if (!parsed.success) {
    diagnostics.push(...schemaDiagnostics(parsed.error.issues, {
      schema: EvaluationSchema,
      input: value,
      sourceMap,
      document: "scorers file",
    }));
  }
  const scorers: readonly (ScorerConfig | undefined)[] = parsed.success
    ? parsed.data.scorers
    : salvageScorers((value as { scorers?: unknown }).scorers) ?? [];
  const ctx = new CheckContext(
    viewOfConfig(workflow.config),
    new Map(),
    { isModelPriced: options.isModelPriced },
    sourceMap,
  );
  checkScorers(ctx, scorers, ["scorers"]);
  diagnostics.push(...ctx.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  if (!parsed.success || sorted.some((d) => d.severity === "error")) {
    return { ok: false, diagnostics: sorted };
  }
  return { ok: true, evaluation: parsed.data, warnings: sorted };
}
