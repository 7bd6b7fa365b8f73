/**
 * Scripted mock answers (`run --mock-answers file.yaml`): per node, a list of answers the mock
 * model gives in order, the last one repeating, so that a mock run takes the routes and loop
 * exits a test wants. Checked against the workflow before the run.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { NodeConfig, ObjectFieldSpec, StateFieldConfig } from "../config/schema.ts";
import { closestName, quoteList } from "../config/suggest.ts";
import { formatJsonPath, toJsonPath } from "../config/diagnostic.ts";
import { parseTypeExpression, type TypeExpression } from "../config/type_expression.ts";
import { resolveModelSpec } from "../llm/model_spec.ts";
import { typeSchema } from "./type_schema.ts";

/** One scripted answer: values of some or all of a node's outputs. */
export type MockAnswer = Readonly<Record<string, unknown>>;

/** Scripted answers by node id, each list used in order with its last answer repeating. */
export type MockAnswers = Readonly<Record<string, readonly MockAnswer[]>>;

/** A problem of a scripted answer, at its path in the answers document. */
export interface MockAnswerProblem {
  /** Keys and indexes from the document's root (`["review", 1, "score"]`). */
  readonly path: readonly (string | number)[];
  /** What is wrong. */
  readonly message: string;
}

/** Options of {@linkcode checkMockAnswers}. */
export interface CheckMockAnswersOptions {
  /**
   * Whether every node runs on the mock model (`run --mock`); otherwise only nodes whose
   * provider is `mock` do, and only those may have scripted answers.
   *
   * @default {false}
   */
  mock?: boolean;
}

/**
 * Checks scripted answers against a workflow: the document maps node ids to a list of answers
 * (or one answer); each answer maps some of the node's outputs to values of their declared
 * types (outputs it leaves out are generated as usual). Every problem is reported with its
 * path.
 *
 * @example Usage
 * ```ts
 * import { checkMockAnswers, parseWorkflow } from "@configurable-agents/core";
 * const loaded = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: review}
 * state: {fields: {draft: {type: str, required: true}, score: {type: "int[1..5]"}}}
 * nodes: [{id: review, prompt: "Rate {draft}", outputs: [score]}]
 * edges: [{from: START, to: review}, {from: review, to: END}]
 * `);
 * const good = checkMockAnswers({ review: [{ score: 2 }, { score: 5 }] }, loaded, { mock: true });
 * if (!("answers" in good) || good.answers.review?.length !== 2) throw new Error();
 * const bad = checkMockAnswers({ review: [{ score: 88 }] }, loaded, { mock: true });
 * if (!("problems" in bad) || bad.problems[0]?.path.join(".") !== "review.0.score") throw new Error();
 * ```
 *
 * @param value The parsed answers document.
 * @param workflow The workflow the answers are for.
 * @param options Whether the run is a mock run.
 * @returns The answers, or every problem found.
 */
export function checkMockAnswers(
  value: unknown,
  workflow: LoadedWorkflow,
  options: CheckMockAnswersOptions = {},
): { answers: MockAnswers } | { problems: MockAnswerProblem[] } {
  const { mock = false } = options;
  const { config } = workflow;
  if (!isMapping(value)) {
    return {
      problems: [{
        path: [],
        message: "Cannot read scripted answers as the document is not a mapping of node ids",
      }],
    };
  }
  const problems: MockAnswerProblem[] = [];
  const answers: Record<string, MockAnswer[]> = {};
  const ids = config.nodes.map((node) => node.id);
  for (const [nodeId, entry] of Object.entries(value)) {
    const node = config.nodes.find((candidate) => candidate.id === nodeId);
    if (node === undefined) {
      const near = closestName(nodeId, ids);
      problems.push({
        path: [nodeId],
        message: `Cannot script answers for node "${nodeId}" as the workflow has no such node${
          near ? `: did you mean '${near}'?` : `: its nodes are ${quoteList(ids)}`
        }`,
      });
      continue;
    }
    if (!mock && resolveModelSpec(config.config.llm, node.llm).provider !== "mock") {
      problems.push({
        path: [nodeId],
        message:
          `Cannot script answers for node "${nodeId}" as it does not run on the mock model: add --mock, or set its provider to mock`,
      });
      continue;
    }
    const list = Array.isArray(entry) ? entry : [entry];
    const base = Array.isArray(entry) ? [nodeId] : [];
    if (list.length === 0) {
      problems.push({
        path: [nodeId],
        message: `Cannot use an empty list of answers for "${nodeId}"`,
      });
      continue;
    }
    const types = outputTypes(node, workflow);
    list.forEach((answer, index) => {
      const at = base.length > 0 ? [nodeId, index] : [nodeId];
      problems.push(...answerProblems(answer, at, node, types));
    });
    answers[nodeId] = list as MockAnswer[];
  }
  return problems.length > 0 ? { problems } : { answers };
}

type OutputType = {
  type: TypeExpression;
  objectSchema: Record<string, ObjectFieldSpec> | undefined;
};

function answerProblems(
  answer: unknown,
  at: readonly (string | number)[],
  node: NodeConfig,
  types: ReadonlyMap<string, OutputType>,
): MockAnswerProblem[] {
  if (!isMapping(answer)) {
    return [{
      path: at,
      message:
        `Cannot use this answer for node "${node.id}" as it is not a mapping of its outputs, such as {${
          node.outputs[0]
        }: ...}`,
    }];
  }
  const problems: MockAnswerProblem[] = [];
  for (const [key, value] of Object.entries(answer)) {
    const type = types.get(key);
    if (type === undefined) {
      problems.push({
        path: [...at, key],
        message: `Cannot answer "${key}" for node "${node.id}" as it is not one of its outputs: ${
          quoteList(node.outputs)
        }`,
      });
      continue;
    }
    const parsed = typeSchema(type.type, { objectSchema: type.objectSchema }).safeParse(value);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      const inner = toJsonPath(issue.path);
      problems.push({
        path: [...at, key, ...inner],
        message: `${inner.length > 0 ? `${formatJsonPath(inner)}: ` : ""}${issue.message}`,
      });
    }
  }
  return problems;
}

/** The type each output of a node is answered in: its `output_schema`, else its state type. */
function outputTypes(node: NodeConfig, workflow: LoadedWorkflow): Map<string, OutputType> {
  const { state, edges } = workflow.config;
  const types = new Map<string, OutputType>();
  const fromState = (name: string): OutputType | undefined => {
    const field: StateFieldConfig | undefined = state.fields[name];
    if (field === undefined) return undefined;
    const type = parseTypeExpression(field.type);
    const collects = edges.some((edge) =>
      edge.parallel?.target_node === node.id && edge.parallel.collect_field === name
    );
    return {
      type: collects && type.kind === "list" && type.element ? type.element : type,
      objectSchema: field.schema,
    };
  };
  const spec = node.output_schema;
  for (const output of node.outputs) {
    const field = spec?.fields?.find((candidate) => candidate.name === output);
    const state = fromState(output);
    if (field) {
      types.set(output, {
        type: parseTypeExpression(field.type),
        objectSchema: field.schema ?? state?.objectSchema,
      });
    } else if (spec && !spec.fields?.length && node.outputs.length === 1) {
      types.set(output, {
        type: parseTypeExpression(spec.type),
        objectSchema: spec.schema ?? state?.objectSchema,
      });
    } else if (state) {
      types.set(output, state);
    }
  }
  return types;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
