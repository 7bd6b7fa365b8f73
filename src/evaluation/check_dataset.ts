/**
 * `checkDataset`: the records of a dataset a workflow can run, and a problem with its line for
 * each one whose inputs the workflow's state rejects.
 *
 * @module
 */
import type { Diagnostic } from "../config/diagnostic.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { createStateModel, initialState } from "../engine/state_model.ts";
import { errorMessage, isWorkflowError } from "../errors.ts";
import type { EvaluationDataset, EvaluationRecord } from "./parse_dataset.ts";

/** The outcome of {@linkcode checkDataset}. */
export interface CheckedDataset {
  /** The records whose inputs the workflow accepts, in file order. */
  readonly records: readonly EvaluationRecord[];
  /** The dataset's own problems, then one per record the workflow rejects, by line. */
  readonly problems: readonly Diagnostic[];
}

/**
 * Checks every record's inputs against the workflow's state (unknown, missing and mistyped
 * inputs, as a run checks them) before anything runs. A rejected record becomes a problem with
 * its line; the others are kept.
 *
 * @example Usage
 * ```ts
 * import { checkDataset, parseDataset, parseWorkflow } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * `);
 * const dataset = await parseDataset(
 *   '{"inputs": {"question": "2+2?"}}\n{"inputs": {"questoin": "3+3?"}}\n',
 *   { file: "qa.jsonl" },
 * );
 * const checked = checkDataset(dataset, workflow);
 * if (checked.records.length !== 1 || checked.problems[0]?.line !== 2) throw new Error();
 * ```
 *
 * @param dataset The dataset.
 * @param workflow The workflow its records run.
 * @returns The records that can run, and the problems.
 */
export function checkDataset(
  dataset: EvaluationDataset,
  workflow: LoadedWorkflow,
): CheckedDataset {
  const model = createStateModel(workflow.config.state.fields);
  const records: EvaluationRecord[] = [];
  const problems: Diagnostic[] = [...dataset.problems];
  for (const record of dataset.records) {
    try {
      initialState(model, record.inputs);
      records.push(record);
    } catch (error) {
      const details = isWorkflowError(error) ? error.diagnostics : [];
      const messages = details.length > 0 ? details.map((d) => d.message) : [errorMessage(error)];
      problems.push({
        severity: "error",
        code: "record_inputs_invalid",
        message:
          `Cannot run the record at line ${record.line} as the workflow rejects its inputs: ${
            messages.join("; ")
          }`,
        path: ["inputs"],
        file: dataset.source,
        line: record.line,
        suggestion: details.find((d) => d.suggestion)?.suggestion ??
          `give the inputs of "${workflow.config.flow.name}" by state field name`,
      });
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { records, problems };
}
