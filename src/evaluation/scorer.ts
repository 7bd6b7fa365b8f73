/**
 * The contract between scorers and the evaluation runner: what a scorer reads about one
 * record and its run ({@linkcode ScoreInput}), what it gives back ({@linkcode ScoreResult}, one
 * MLflow feedback assessment), and how it reaches a model when it is an LLM judge
 * ({@linkcode ScoreContext.runJudge}).
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { TokenUsage } from "../tracking/tracer.ts";

/** How a run ended, as a scorer sees it. */
export interface ScoredRun {
  /** `success`, or how it stopped. */
  readonly status: "success" | "failed" | "cancelled";
  /** Why it failed or was cancelled. */
  readonly error?: string | undefined;
  /** Wall time of the run, in milliseconds. */
  readonly durationMs: number;
  /** Tokens of every call of the run (the judges' own are never counted here). */
  readonly usage: TokenUsage;
  /** Dollar cost of the run, `undefined` when a call was unpriced. */
  readonly costUsd: number | undefined;
}

/** What a scorer reads about one record of a dataset and its run. */
export interface ScoreInput {
  /** The record's inputs. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The run's final state (`{}` when the run failed). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The record's expectations (`{}` when it has none). */
  readonly expectations: Readonly<Record<string, unknown>>;
  /** How the run went: status, time, tokens and cost. */
  readonly run: ScoredRun;
}

/**
 * The value of an assessment: pass/fail (`true`/`false`, or a judge's `"yes"`/`"no"`), a
 * number, a label, or `null` when the scorer errored.
 */
export type ScoreValue = boolean | number | string | null;

/** Where an assessment came from, as MLflow records it. */
export interface ScoreSource {
  /** `CODE` for checks, `LLM_JUDGE` for judges. */
  readonly type: "CODE" | "LLM_JUDGE";
  /** A check's scorer name; a judge's model as `"<provider>:/<model>"` (`"openai:/gpt-4o-mini"`). */
  readonly id: string;
}

/** What a judge spent to give its verdict, kept apart from the run's own cost. */
export interface JudgeCost {
  /** Tokens of the judge's calls. */
  readonly usage: TokenUsage;
  /** Dollar cost of the judge's calls, `undefined` when unpriced. */
  readonly costUsd: number | undefined;
  /** The judge's model, `"<provider>:/<model>"`. */
  readonly model: string;
}

/** The score of one record by one scorer: one MLflow feedback assessment. */
export interface ScoreResult {
  /** The scorer's name: the assessment name, and the metric `<name>/mean`. */
  readonly name: string;
  /** The value; `null` when the scorer errored. */
  readonly value: ScoreValue;
  /** Why, in words. */
  readonly rationale?: string | undefined;
  /** What went wrong when the scorer could not score (it never throws). */
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  /** Who scored it. */
  readonly source: ScoreSource;
  /** A judge's own tokens and cost (absent when no model was asked). */
  readonly judge?: JudgeCost | undefined;
}

/**
 * An LLM judge as a small workflow: one node `judge` whose structured answer is a
 * `verdict` (`enum[yes, no]`) and a `rationale`. The runner runs it with the engine, so it gets
 * the providers, retries, structured output, pricing and deterministic mock answers of any node.
 */
export interface JudgeWorkflow {
  /** The scorer's name. */
  readonly name: string;
  /** The kind of judge. */
  readonly kind: "guidelines" | "correctness" | "relevance";
  /** The prepared workflow: state `request`, `response` (and `expected` or `guidelines`). */
  readonly workflow: LoadedWorkflow;
  /** The judge's model as MLflow names judges, `"<provider>:/<model>"`. */
  readonly model: string;
  /** The state fields holding its answer. */
  readonly answer: { readonly value: "verdict"; readonly rationale: "rationale" };
}

/** A judge's run: its final state and what it spent (a `RunResult` of the engine fits). */
export interface JudgeRun {
  /** The judge workflow's final state. */
  readonly state: Readonly<Record<string, unknown>>;
  /** Tokens and cost of its calls. */
  readonly metadata: { readonly usage: TokenUsage; readonly costUsd: number | undefined };
}

/** Options of {@linkcode ScoreContext.runJudge}. */
export interface RunJudgeOptions {
  /** Cancels the judge's run. */
  readonly signal?: AbortSignal | undefined;
}

/** What a scorer may use besides its input. */
export interface ScoreContext {
  /** Cancels scoring (a judge's run stops; deterministic checks are too quick to need it). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Runs a judge (see `createJudgeRunner`): compiled with the run's collaborators (providers,
   * retries like any node, the mock with a fixed seed under `--mock`, prices). Without it a
   * judge scores an error (`JUDGE_UNAVAILABLE`).
   */
  readonly runJudge?:
    | ((
      judge: JudgeWorkflow,
      inputs: Record<string, unknown>,
      options?: RunJudgeOptions,
    ) => Promise<JudgeRun>)
    | undefined;
}

/** A scorer: scores one record's run. `score` never rejects: a failure is an `error` result. */
export interface Scorer {
  /** Its name: the assessment name, and the metric `<name>/mean`. */
  readonly name: string;
  /** `code` for checks, `judge` for LLM judges. */
  readonly kind: "code" | "judge";
  /**
   * Whether its values are pass/fail only (every built-in scorer's): its mean is then a pass
   * rate from 0 to 1, and a `--fail-under` threshold above 1 could never hold.
   */
  readonly passFail?: boolean | undefined;
  /** A judge's workflow and model (for permissions, credentials and cost), for judges only. */
  readonly judge?: JudgeWorkflow | undefined;
  /**
   * Scores one record's run.
   *
   * @param input The record and its run.
   * @param context Cancellation, and the judge runner.
   * @returns The score; an error result rather than a rejection.
   */
  score(input: ScoreInput, context: ScoreContext): Promise<ScoreResult>;
}
