/**
 * Builds the workflow of an LLM judge: one node `judge` that reads the request, the response
 * (and the guidelines or expected facts) and answers with a `rationale` and a `verdict` of type
 * `enum[yes, no]`. Prepared by the validator like any workflow, so the engine gives it
 * structured output, retries, prices and deterministic mock answers.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { prepareWorkflow } from "../config/prepare_workflow.ts";
import { resolveJudgeModel } from "../config/judge_model.ts";
import type { LlmOverride, ScorerConfig, WorkflowInput } from "../config/schema.ts";
import { WorkflowError } from "../errors.ts";
import { JUDGE_PROMPTS, type JudgeKind } from "./_judge_prompts.ts";
import type { JudgeWorkflow } from "./scorer.ts";

/** The node of every judge workflow. */
export const JUDGE_NODE = "judge";

/**
 * Builds a judge's workflow.
 *
 * @param scorer The judge's settings (checked against `workflow`).
 * @param kind Its kind.
 * @param workflow The workflow whose answers it judges (its model and execution settings).
 * @returns The judge workflow.
 * @throws {WorkflowError} `CONFIG_INVALID` when the judge names another provider but no model
 * (the validator reports that first).
 */
export function buildJudgeWorkflow(
  scorer: ScorerConfig,
  kind: JudgeKind,
  workflow: LoadedWorkflow,
): JudgeWorkflow {
  const { llm, execution } = workflow.config.config;
  const model = resolveJudgeModel(scorer.model, llm);
  if (model.model === undefined) {
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot ask the judge of scorer "${scorer.name}" without 'model' as its provider "${model.provider}" is not the workflow's "${llm.provider}"`,
      { phase: "validate", hint: "name the judge's model" },
    );
  }
  const { prompt, criteria } = JUDGE_PROMPTS[kind];
  const text = { type: "str", required: true };
  const llmSettings: LlmOverride = {
    provider: model.provider,
    model: model.model,
    ...(model.base_url === undefined ? {} : { base_url: model.base_url }),
    ...(model.temperature === undefined ? {} : { temperature: model.temperature }),
    ...(model.max_tokens === undefined ? {} : { max_tokens: model.max_tokens }),
  };
  const config: WorkflowInput = {
    schema_version: "1.0",
    flow: { name: `judge_${scorer.name}`, description: `The ${kind} judge of "${scorer.name}"` },
    state: {
      fields: {
        request: { ...text, description: "What the workflow was asked" },
        response: { ...text, description: "What the workflow answered" },
        ...(criteria ? { [criteria.field]: { ...text, description: criteria.description } } : {}),
        rationale: { type: "str", description: "The judge's reasoning" },
        verdict: { type: "enum[yes, no]", description: "The judge's verdict" },
      },
    },
    nodes: [{
      id: JUDGE_NODE,
      prompt,
      outputs: ["rationale", "verdict"],
      output_schema: {
        type: "object",
        fields: [
          {
            name: "rationale",
            type: "str",
            description: "Your reasoning, step by step, before the verdict",
          },
          { name: "verdict", type: "enum[yes, no]", description: "yes or no, as instructed" },
        ],
      },
    }],
    edges: [{ from: "START", to: JUDGE_NODE }, { from: JUDGE_NODE, to: "END" }],
    config: {
      llm: llmSettings,
      execution: {
        timeout: execution.timeout,
        max_retries: execution.max_retries,
        recursion_limit: execution.recursion_limit,
        ...(execution.node_timeout === undefined ? {} : { node_timeout: execution.node_timeout }),
      },
    },
  };
  return {
    name: scorer.name,
    kind,
    workflow: prepareWorkflow(config),
    model: `${model.provider}:/${model.model}`,
    answer: { value: "verdict", rationale: "rationale" },
  };
}
