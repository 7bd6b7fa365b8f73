/**
 * Semantic checks of scorers (the `evaluation` section, or a `--scorers` file checked against a
 * workflow): names are unique, the fields they read exist in the state (with did-you-mean),
 * `numeric_within` reads a number, a judge's `input` is a state field, and a judge's model has
 * an endpoint when it needs one, a model name, and a price (a warning otherwise).
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { CheckContext } from "./_check_context.ts";
import { followPath } from "./_field_types.ts";
import { isJudgeKind, scorerKind, ScorerSchema } from "./evaluation_schema.ts";
import { resolveJudgeModel } from "./judge_model.ts";
import type { ScorerConfig } from "./schema.ts";
import { suggestName } from "./suggest.ts";

/**
 * Checks the scorers of the workflow's `evaluation` section.
 *
 * @param ctx The validation pass.
 */
export function checkEvaluation(ctx: CheckContext): void {
  const scorers = ctx.view.scorers;
  if (scorers) checkScorers(ctx, scorers, ["evaluation", "scorers"]);
}

/**
 * The scorers of a document that failed the schema, each parsed on its own, so that the checks
 * of the valid ones still run.
 *
 * @param scorers The `scorers` list as written.
 * @returns The scorers by index, `undefined` where one is invalid; `undefined` when it is not
 * a list.
 */
export function salvageScorers(scorers: unknown): (ScorerConfig | undefined)[] | undefined {
  if (!Array.isArray(scorers)) return undefined;
  return scorers.map((scorer) => {
    const result = ScorerSchema.safeParse(scorer);
    return result.success ? result.data : undefined;
  });
}

/**
 * Checks scorers against the workflow of a validation pass.
 *
 * @param ctx The validation pass (the workflow's parts; the source map of the scorers' text).
 * @param scorers The scorers by index, `undefined` where one did not pass the schema.
 * @param base The path of the list of scorers.
 */
export function checkScorers(
  ctx: CheckContext,
  scorers: readonly (ScorerConfig | undefined)[],
  base: JsonPath,
): void {
  const seen = new Set<string>();
  scorers.forEach((scorer, index) => {
    if (!scorer) return;
    const path = [...base, index];
    if (seen.has(scorer.name)) {
      ctx.error(
        "duplicate_scorer",
        `Cannot use the scorer name "${scorer.name}" twice: it names an assessment and the metric "${scorer.name}/mean"`,
        [...path, "name"],
        { suggestion: "rename one of them" },
      );
    }
    seen.add(scorer.name);
    const kind = scorerKind(scorer);
    if (isJudgeKind(kind)) {
      checkJudge(ctx, scorer, path);
      return;
    }
    const options = scorer[kind];
    if (typeof options !== "object" || !("field" in options)) return;
    const type = checkField(ctx, scorer, options.field, [...path, kind, "field"]);
    if (kind === "numeric_within" && type !== undefined && !isNumber(type)) {
      ctx.error(
        "scorer_field_type",
        `Cannot compare state field "${options.field}" of scorer "${scorer.name}" as a number as its type is "${type}": numeric_within reads an int or float field`,
        [...path, kind, "field"],
      );
    }
  });
}

/** Reports a field path whose first segment is not a state field, or that cannot exist. */
function checkField(
  ctx: CheckContext,
  scorer: ScorerConfig,
  field: string,
  path: JsonPath,
): string | undefined {
  if (!ctx.hasState()) return undefined;
  const [root = "", ...rest] = field.split(".");
  if (!ctx.hasField(root)) {
    ctx.error(
      "unknown_field",
      `Cannot score "${root}" in scorer "${scorer.name}" as it is not a state field`,
      path,
      { suggestion: suggestName(root, ctx.fieldNames(), "state fields") },
    );
    return undefined;
  }
  const type = ctx.fieldType(root);
  if (!type) return undefined;
  const followed = followPath(type, rest, root);
  if (!followed.ok) {
    ctx.error(
      "unknown_field",
      `Cannot score "${field}" in scorer "${scorer.name}" as ${followed.message}`,
      path,
      { suggestion: followed.suggestion },
    );
    return undefined;
  }
  return followed.type?.type.kind;
}

function isNumber(kind: string): boolean {
  return kind === "int" || kind === "float";
}

function checkJudge(ctx: CheckContext, scorer: ScorerConfig, path: JsonPath): void {
  if (scorer.field !== undefined) checkField(ctx, scorer, scorer.field, [...path, "field"]);
  if (scorer.input !== undefined && ctx.hasState() && !ctx.hasField(scorer.input)) {
    ctx.error(
      "unknown_field",
      `Cannot give scorer "${scorer.name}" the input "${scorer.input}" as it is not a state field`,
      [...path, "input"],
      { suggestion: suggestName(scorer.input, ctx.fieldNames(), "state fields") },
    );
  }
  const llm = ctx.view.llm;
  if (!llm) return;
  const model = resolveJudgeModel(scorer.model, llm);
  const at = (key: "provider" | "model" | "base_url"): JsonPath =>
    scorer.model?.[key] !== undefined ? [...path, "model", key] : [...path, "model"];
  if (model.model === undefined) {
    ctx.error(
      "judge_model",
      `Cannot ask the judge of scorer "${scorer.name}" without 'model' as its provider "${model.provider}" is not the workflow's "${llm.provider}"`,
      at("provider"),
      {
        suggestion:
          `name the ${model.provider} model, such as 'model: {provider: ${model.provider}, model: <name>}'`,
      },
    );
    return;
  }
  if (model.provider === "openai-compatible" && model.base_url === undefined) {
    ctx.error(
      "missing_base_url",
      `Cannot call an openai-compatible model for scorer "${scorer.name}" without 'base_url'`,
      at("provider"),
      { suggestion: "add 'base_url: http://host:port/v1' to the judge's model" },
    );
  }
  // A judge on the workflow's own model is priced (or warned about) with the nodes.
  const priced = ctx.hooks.isModelPriced;
  if (scorer.model === undefined || !priced || priced(model.provider, model.model)) return;
  ctx.warning(
    "unpriced_model",
    `Cannot price model "${model.model}" of provider "${model.provider}" for scorer "${scorer.name}" as it is not in the price table: the judge's cost will be reported as unknown`,
    at("model"),
  );
}
