/**
 * The model an LLM judge asks: its own `model` setting over the workflow's `config.llm`.
 *
 * @module
 */
import type { LlmConfig, LlmOverride } from "./schema.ts";
import type { ProviderName } from "./constants.ts";

/** The model settings of a judge, resolved. */
export interface JudgeModel {
  /** Who serves the model. */
  readonly provider: ProviderName;
  /** The provider's model name, or `undefined` when the judge names another provider but no model. */
  readonly model: string | undefined;
  /** The endpoint, when one is set. */
  readonly base_url?: string | undefined;
  /** The judge's own temperature (never the workflow's). */
  readonly temperature?: number | undefined;
  /** The judge's own answer limit (never the workflow's). */
  readonly max_tokens?: number | undefined;
}

/**
 * Resolves the model of a judge. Without a `model` setting the judge asks the workflow's
 * provider and model (and endpoint). A `model` setting with no `provider`, or the workflow's
 * provider, overrides the workflow's settings field by field; one that names another provider
 * stands alone (the workflow's model and endpoint belong to its own provider). A judge never
 * takes the workflow's `temperature` or `max_tokens`, which are tuned for the workflow's answers.
 *
 * @example Usage
 * ```ts
 * import { resolveJudgeModel } from "./judge_model.ts";
 * const llm = { provider: "ollama", model: "llama3", base_url: "http://localhost:11434" } as const;
 * const judge = resolveJudgeModel({ provider: "openai", model: "gpt-4o-mini" }, llm);
 * if (judge.model !== "gpt-4o-mini" || judge.base_url !== undefined) throw new Error();
 * if (resolveJudgeModel(undefined, llm).model !== "llama3") throw new Error();
 * ```
 *
 * @param judge The judge's `model` setting.
 * @param llm The workflow's `config.llm`.
 * @returns The judge's model settings.
 */
export function resolveJudgeModel(judge: LlmOverride | undefined, llm: LlmConfig): JudgeModel {
  const own = judge ?? {};
  const ownUrl = own.base_url ?? own.api_base;
  const extra = {
    ...(own.temperature === undefined ? {} : { temperature: own.temperature }),
    ...(own.max_tokens === undefined ? {} : { max_tokens: own.max_tokens }),
  };
  if (own.provider === undefined || own.provider === llm.provider) {
    const baseUrl = ownUrl ?? llm.base_url ?? llm.api_base;
    return {
      provider: llm.provider,
      model: own.model ?? llm.model,
      ...(baseUrl === undefined ? {} : { base_url: baseUrl }),
      ...extra,
    };
  }
  return {
    provider: own.provider,
    model: own.model,
    ...(ownUrl === undefined ? {} : { base_url: ownUrl }),
    ...extra,
  };
}
