/**
 * The instructions of the three LLM judges, modelled on MLflow's own judges (guidelines,
 * correctness, relevance to the query): the judge reads tagged sections, reasons step by step
 * first, then answers yes or no. Each is the prompt template of the judge workflow's one node,
 * so the request, response and criteria reach it as state, never as template text.
 *
 * @module
 */

/** The kinds of judge. */
export type JudgeKind = "guidelines" | "correctness" | "relevance";

/** What a kind of judge asks, and the state field of its criteria (besides request and response). */
export interface JudgePrompt {
  /** The node's prompt template. */
  readonly prompt: string;
  /** The state field holding the criteria, with its description; none for relevance. */
  readonly criteria?: { readonly field: "guidelines" | "expected"; readonly description: string };
}

const REQUEST_AND_RESPONSE = `<request>
{state.request}
</request>

<response>
{state.response}
</response>`;

/** The prompts, by kind of judge. */
export const JUDGE_PROMPTS: Readonly<Record<JudgeKind, JudgePrompt>> = {
  guidelines: {
    prompt: `You are judging whether a response follows a set of guidelines.

Read the request and the response below, then decide whether the response complies with every guideline. Judge only against the guidelines: not whether the response is correct, relevant or effective, unless a guideline asks for that.

<guidelines>
{state.guidelines}
</guidelines>

${REQUEST_AND_RESPONSE}

Give your rationale first: think step by step and, when a guideline is not met, say which one and where. Then give the verdict: "no" if any guideline is not met, "yes" if all of them are met or none of them applies.`,
    criteria: { field: "guidelines", description: "The guidelines, one per line" },
  },
  correctness: {
    prompt: `You are judging whether a response states the expected facts.

Read the request, the expected facts and the response below. Decide whether the response, in the context of the request, supports every expected fact. Do not judge its style, do not mark it down for saying more than the facts, and do not use knowledge of your own.

<expected_facts>
{state.expected}
</expected_facts>

${REQUEST_AND_RESPONSE}

Give your rationale first: think step by step and name every expected fact the response misses or contradicts. Then give the verdict: "yes" if the response supports every expected fact, "no" otherwise.`,
    criteria: { field: "expected", description: "The expected facts or answer" },
  },
  relevance: {
    prompt: `You are judging whether a response is relevant to its request.

Decide whether the response below gives information that is relevant, fully or in part, to the request. Do not judge whether it is correct or complete, and do not use knowledge of your own.

${REQUEST_AND_RESPONSE}

Give your rationale first: think step by step and, when the response is not relevant, say what in it is off the request. Then give the verdict: "yes" if it is relevant, "no" otherwise.`,
  },
};

/**
 * Writes guidelines as the judge reads them: one `<guideline>` line each.
 *
 * @param guidelines One guideline, or a list.
 * @returns The text.
 */
export function guidelinesText(guidelines: string | readonly string[]): string {
  const list = typeof guidelines === "string" ? [guidelines] : guidelines;
  return list.map((guideline) => `<guideline>${guideline}</guideline>`).join("\n");
}

/**
 * Writes the expected facts as the judge reads them: a list as one `- fact` line each, text as
 * it is, anything else as JSON.
 *
 * @param expected The expectation.
 * @returns The text.
 */
export function expectedText(expected: unknown): string {
  if (Array.isArray(expected)) {
    return expected.map((fact) => `- ${typeof fact === "string" ? fact : JSON.stringify(fact)}`)
      .join("\n");
  }
  return typeof expected === "string" ? expected : JSON.stringify(expected);
}
