/**
 * The scorer of an LLM judge: it gathers what the judge reads (the request, the response, and
 * the guidelines or expected facts), runs the judge workflow through the context's runner, and
 * turns the verdict into a `"yes"`/`"no"` assessment with the judge's rationale and its own
 * cost. It never rejects: a failure is an error result.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { ScorerConfig } from "../config/schema.ts";
import { errorMessage, isWorkflowError } from "../errors.ts";
import { type CheckOutcome, expectation, failure, resultOf } from "./_code_scorer.ts";
import { expectedText, guidelinesText, type JudgeKind } from "./_judge_prompts.ts";
import { buildJudgeWorkflow } from "./_judge_workflow.ts";
import { readField, textOf } from "./_score_values.ts";
import type {
  JudgeWorkflow,
  ScoreContext,
  ScoreInput,
  Scorer,
  ScoreResult,
  ScoreSource,
} from "./scorer.ts";

/** The keys a `correctness` judge reads the expected facts from, when it names none. */
const EXPECTED_KEYS = ["expected_facts", "expected_response"] as const;

/**
 * Makes the scorer of a judge.
 *
 * @param scorer The judge's settings.
 * @param kind Its kind.
 * @param workflow The workflow whose answers it judges.
 * @returns The scorer (kind `judge`, source `LLM_JUDGE` with the model as its id).
 */
export function judgeScorer(
  scorer: ScorerConfig,
  kind: JudgeKind,
  workflow: LoadedWorkflow,
): Scorer {
  const judge = buildJudgeWorkflow(scorer, kind, workflow);
  const source: ScoreSource = { type: "LLM_JUDGE", id: judge.model };
  const written = [...new Set(workflow.config.nodes.flatMap((node) => node.outputs))];
  const read = { field: scorer.field, input: scorer.input, written };
  return {
    name: scorer.name,
    kind: "judge",
    judge,
    score: (input, context) => judgeOnce(scorer, judge, source, read, input, context),
  };
}

interface Reading {
  readonly field: string | undefined;
  readonly input: string | undefined;
  readonly written: readonly string[];
}

async function judgeOnce(
  scorer: ScorerConfig,
  judge: JudgeWorkflow,
  source: ScoreSource,
  reading: Reading,
  input: ScoreInput,
  context: ScoreContext,
): Promise<ScoreResult> {
  const { name } = scorer;
  const done = (outcome: CheckOutcome) => resultOf(name, source, outcome);
  if (!context.runJudge) {
    return done(failure(
      "JUDGE_UNAVAILABLE",
      `Cannot run the judge of "${name}" as no judge runner was given: pass runJudge in the score context`,
    ));
  }
  if (input.run.status !== "success") {
    const reason = input.run.error === undefined ? "" : `: ${input.run.error}`;
    return done({
      value: "no",
      rationale: `The run ${input.run.status}${reason}, so there is no answer to judge`,
    });
  }
  const criteria = criteriaOf(scorer, judge.kind, input);
  if ("missing" in criteria) return done(criteria.missing);
  const inputs: Record<string, unknown> = {
    request: requestOf(reading.input, input),
    response: responseOf(reading, input),
    ...criteria.state,
  };
  try {
    const run = await context.runJudge(judge, inputs, { signal: context.signal });
    const verdict = run.state[judge.answer.value];
    const cost = { usage: run.metadata.usage, costUsd: run.metadata.costUsd, model: judge.model };
    if (verdict !== "yes" && verdict !== "no") {
      return {
        ...done(failure(
          "JUDGE_ANSWER_INVALID",
          `Cannot read the verdict of the judge of "${name}" as it is ${
            JSON.stringify(verdict)
          }, not "yes" or "no"`,
        )),
        judge: cost,
      };
    }
    const rationale = run.state[judge.answer.rationale];
    return {
      ...done({ value: verdict, rationale: typeof rationale === "string" ? rationale : undefined }),
      judge: cost,
    };
  } catch (error) {
    return done(failure(
      isWorkflowError(error) ? error.code : "JUDGE_FAILED",
      `Cannot judge "${name}" as the judge's run failed: ${errorMessage(error)}`,
    ));
  }
}

/** The guidelines or expected facts, as state of the judge; an error outcome when missing. */
function criteriaOf(
  scorer: ScorerConfig,
  kind: JudgeKind,
  input: ScoreInput,
): { readonly state: Record<string, string> } | { readonly missing: CheckOutcome } {
  if (kind === "guidelines" && scorer.guidelines !== undefined) {
    return { state: { guidelines: guidelinesText(scorer.guidelines) } };
  }
  if (kind !== "correctness") return { state: {} };
  const named = typeof scorer.correctness === "object" ? scorer.correctness.expected : undefined;
  const key = named ?? EXPECTED_KEYS.find((k) => Object.hasOwn(input.expectations, k)) ??
    EXPECTED_KEYS[0];
  const wanted = expectation(input, key, scorer.name);
  if ("missing" in wanted) return wanted;
  return { state: { expected: expectedText(wanted.value) } };
}

/** The request: the `input` named, else the record's only input, else all inputs as JSON. */
function requestOf(name: string | undefined, input: ScoreInput): string {
  if (name !== undefined) {
    const value = Object.hasOwn(input.inputs, name) ? input.inputs[name] : input.outputs[name];
    return textOf(value);
  }
  const entries = Object.entries(input.inputs);
  if (entries.length === 1) return textOf(entries[0]?.[1]);
  return JSON.stringify(input.inputs);
}

/** The response: the `field` named, else what the nodes wrote (one field as text). */
function responseOf(reading: Reading, input: ScoreInput): string {
  if (reading.field !== undefined) {
    const read = readField(input.outputs, reading.field);
    return read.found ? textOf(read.value) : "";
  }
  const written = reading.written.filter((field) => Object.hasOwn(input.outputs, field));
  if (written.length === 1) return textOf(input.outputs[written[0] ?? ""]);
  return JSON.stringify(Object.fromEntries(written.map((field) => [field, input.outputs[field]])));
}
