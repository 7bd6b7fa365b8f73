/**
 * The scorers of an evaluation, as `evaluate` and `permissions --dataset` read them: the
 * `--scorers` file when given, else the workflow's `evaluation.scorers`.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { errorMessage } from "../errors.ts";
import type { Scorer } from "../evaluation/scorer.ts";
import { scorersOf } from "../evaluation/scorers_of.ts";
import { isModelPriced } from "../tracking/pricing/find_model_price.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Reads and makes the scorers of an evaluation.
 *
 * @param loaded The workflow evaluated.
 * @param path The `--scorers` file; `undefined` for the workflow's own scorers.
 * @param options The prices (judge models are checked against them) and the file reader.
 * @returns The scorers, in order (at least one).
 * @throws {UsageError} The file cannot be read, or there is no scorer (exit 2).
 * @throws {WorkflowError} The scorers do not fit the workflow, with positions (exit 2).
 */
export async function evaluationScorers(
  loaded: LoadedWorkflow,
  path: string | undefined,
  options: { readonly priceTable: PriceTable; readonly io: Pick<CliIO, "readTextFile"> },
): Promise<Scorer[]> {
  const declared = path === undefined
    ? loaded.config.evaluation
    : await readScorersFile(loaded, path, options);
  if (declared === undefined || declared.scorers.length === 0) {
    throw new UsageError(
      `Cannot evaluate "${loaded.config.flow.name}" as it has no scorers`,
      {
        hint: "declare them under 'evaluation: scorers:' in the workflow, or pass --scorers <file>",
      },
    );
  }
  return scorersOf(declared, loaded);
}

async function readScorersFile(
  loaded: LoadedWorkflow,
  path: string,
  options: { readonly priceTable: PriceTable; readonly io: Pick<CliIO, "readTextFile"> },
) {
  let text: string;
  try {
    text = await options.io.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read the scorers file "${path}" as ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const { parseScorers } = await import("../config/parse_scorers.ts");
  return parseScorers(text, loaded, {
    file: path,
    isModelPriced: (provider, model) => isModelPriced(provider, model, options.priceTable),
  });
}
