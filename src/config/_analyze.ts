/**
 * The whole check of a workflow text: source, schema and semantics, every problem at once.
 * When the schema rejects part of the file, the semantic checks still run on the parts it
 * accepted, so one pass reports as much as it can without false alarms.
 *
 * @module
 */
import type { Diagnostic, JsonPath } from "./diagnostic.ts";
import { sortDiagnostics } from "./diagnostic.ts";
import {
  type EdgeConfig,
  EdgeSchema,
  LlmSchema,
  MlflowSchema,
  type NodeConfig,
  NodeSchema,
  type StateFieldConfig,
  StateFieldSchema,
  type WorkflowConfig,
  WorkflowSchema,
} from "./schema.ts";
import {
  IDENTIFIER_PATTERN,
  reservedNameProblem,
  reservedNameSuggestion,
} from "./_schema_atoms.ts";
import { END, START } from "./constants.ts";
import type { PromptSource, ValidationHooks, WorkflowView } from "./_check_context.ts";
import type { ParsedSource } from "./_parse_source.ts";
import type { SourceMap } from "./_source_map.ts";
import { runChecks, viewOfConfig } from "./_run_checks.ts";
import { salvageScorers } from "./_check_evaluation.ts";
import { schemaDiagnostics } from "./_schema_issues.ts";
import { objectKeysAt } from "./_schema_walk.ts";
import { ownValue } from "./_own_property.ts";

/** Options of {@linkcode analyzeSource}. */
export interface AnalyzeOptions extends ValidationHooks {
  /** Text of each `prompt_file`, keyed by the path as written in the workflow. */
  promptFiles?: Readonly<Record<string, string>> | undefined;
  /** Why a `prompt_file` could not be read, keyed like `promptFiles`. */
  promptFileErrors?: Readonly<Record<string, string>> | undefined;
  /** The name to show for a `prompt_file` in diagnostics, keyed like `promptFiles`. */
  promptFileNames?: Readonly<Record<string, string>> | undefined;
}

/** The outcome of {@linkcode analyzeSource}. */
export interface Analysis {
  /** The configuration, when there is no error. */
  readonly config: WorkflowConfig | undefined;
  /** Prompt template by node id. */
  readonly prompts: Readonly<Record<string, string>>;
  /** Every error and warning, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Where each part of the workflow was written. */
  readonly sourceMap: SourceMap;
}

/**
 * Checks a parsed source against the schema and the semantic rules.
 *
 * @param parsed The source, read by `parseSource`.
 * @param options Prompt files and validation hooks.
 * @returns The configuration (when valid), the prompts and every diagnostic.
 */
export function analyzeSource(parsed: ParsedSource, options: AnalyzeOptions): Analysis {
  const { sourceMap } = parsed;
  if (!parsed.ok) {
    return { config: undefined, prompts: {}, diagnostics: parsed.diagnostics, sourceMap };
  }
  const original = parsed.value as Record<string, unknown>;
  const input = keepVersionText(stripNulls(original, []) as Record<string, unknown>, parsed);
  const result = WorkflowSchema.safeParse(input);
  const diagnostics: Diagnostic[] = [
    ...parsed.diagnostics,
    ...protoKeyPaths(original).map((path) =>
      sourceMap.place({
        severity: "error",
        code: "reserved_name",
        message: reservedNameProblem(PROTO_KEY) ?? "",
        path,
        suggestion: reservedNameSuggestion(PROTO_KEY),
      }, sourceMap.locateKey(path))
    ),
  ];
  if (!result.success) {
    diagnostics.push(
      ...schemaDiagnostics(result.error.issues, {
        schema: WorkflowSchema,
        input: original,
        sourceMap,
      }),
    );
  }
  const view = result.success ? viewOfConfig(result.data) : salvage(input);
  const prompts = new Map<number, PromptSource>();
  view.nodes.forEach((node, index) => {
    if (!node) return;
    const prompt = promptOf(node, index, options, diagnostics, parsed);
    if (prompt) prompts.set(index, prompt);
  });
  diagnostics.push(...runChecks(view, prompts, options, sourceMap));
  const byId = new Map<string, string>();
  prompts.forEach((prompt, index) => {
    const id = view.nodes[index]?.id;
    if (id !== undefined) byId.set(id, prompt.text);
  });
  const failed = diagnostics.some((d) => d.severity === "error");
  return {
    config: result.success && !failed ? result.data : undefined,
    prompts: Object.fromEntries(byId),
    diagnostics: sortDiagnostics(diagnostics),
    sourceMap,
  };
}

function promptOf(
  node: NodeConfig,
  index: number,
  options: AnalyzeOptions,
  diagnostics: Diagnostic[],
  parsed: ParsedSource,
): PromptSource | undefined {
  if (node.prompt !== undefined) return { text: node.prompt };
  const file = node.prompt_file;
  if (file === undefined) return undefined;
  const text = ownValue(options.promptFiles, file);
  if (text !== undefined) return { text, file: ownValue(options.promptFileNames, file) ?? file };
  const reason = ownValue(options.promptFileErrors, file) ??
    "its text was not provided: pass it in 'promptFiles' or use loadWorkflow";
  diagnostics.push(parsed.sourceMap.place({
    severity: "error",
    code: "prompt_file_unreadable",
    message: `Cannot read the prompt file "${file}" of node "${node.id}" as ${reason}`,
    path: ["nodes", index, "prompt_file"],
  }));
  return undefined;
}

/**
 * The key that zod silently drops from user-named maps (a state field `__proto__` would
 * vanish): it is reported wherever it is written, and left out of what the schema checks.
 */
const PROTO_KEY = "__proto__";

/** The path of every {@linkcode PROTO_KEY} key in a document, in document order. */
function protoKeyPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    return key === PROTO_KEY && !Array.isArray(value) ? [at] : protoKeyPaths(item, at);
  });
}

/**
 * Drops `key: null` entries of fixed settings (not of user-named maps, and not `default`),
 * so that an empty optional setting reads as absent, as it did in v0.1. Required settings
 * left empty are still reported, with the original value. Drops {@linkcode PROTO_KEY} keys,
 * which are reported apart.
 */
function stripNulls(value: unknown, path: JsonPath): unknown {
  if (Array.isArray(value)) return value.map((item, index) => stripNulls(item, [...path, index]));
  if (value === null || typeof value !== "object") return value;
  const known = objectKeysAt(WorkflowSchema, path);
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === PROTO_KEY) continue;
    if (item === null && key !== "default" && known.includes(key)) continue;
    result[key] = stripNulls(item, [...path, key]);
  }
  return result;
}

/** An unquoted `version: 1.0` reads as the number 1; keep the text as written. */
function keepVersionText(
  input: Record<string, unknown>,
  parsed: ParsedSource,
): Record<string, unknown> {
  const flow = input.flow;
  if (flow === null || typeof flow !== "object" || Array.isArray(flow)) return input;
  const version = (flow as Record<string, unknown>).version;
  const written = parsed.sourceMap.sourceOf(["flow", "version"]);
  if (typeof version !== "number" || written === undefined) return input;
  return { ...input, flow: { ...flow, version: written } };
}

/** The parts of an invalid file that pass the schema on their own. */
function salvage(input: Record<string, unknown>): WorkflowView {
  const rawNodes = Array.isArray(input.nodes) ? input.nodes : [];
  const nodes = rawNodes.map((node) => {
    const result = NodeSchema.safeParse(node);
    return result.success ? result.data : undefined;
  });
  const ids = rawNodes.map((node) =>
    node !== null && typeof node === "object" ? (node as Record<string, unknown>).id : undefined
  );
  const allIds = ids.every((id): id is string =>
    typeof id === "string" && IDENTIFIER_PATTERN.test(id) && id !== START && id !== END
  );
  const edges = Array.isArray(input.edges)
    ? input.edges.map((edge) => EdgeSchema.safeParse(edge))
    : [];
  const rawFields = asRecord(asRecord(input.state)?.fields);
  const fields: Record<string, StateFieldConfig> = {};
  for (const [name, spec] of Object.entries(rawFields ?? {})) {
    const field = StateFieldSchema.safeParse(spec);
    if (field.success) fields[name] = field.data;
  }
  const config = asRecord(input.config ?? {});
  const llm = LlmSchema.safeParse(config?.llm ?? {});
  const mlflow = MlflowSchema.safeParse(asRecord(config?.observability)?.mlflow);
  return {
    fields,
    fieldNames: rawFields ? Object.keys(rawFields) : undefined,
    nodes,
    nodeIds: allIds && ids.length > 0 ? ids : undefined,
    edges: edges.length > 0 && edges.every((edge) => edge.success)
      ? edges.map((edge) => edge.data as EdgeConfig)
      : undefined,
    llm: llm.success ? llm.data : undefined,
    mlflow: mlflow.success ? mlflow.data : undefined,
    hasOptimization: input.optimization !== undefined,
    scorers: salvageScorers(asRecord(input.evaluation)?.scorers),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
