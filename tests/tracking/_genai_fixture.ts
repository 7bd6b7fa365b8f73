/**
 * An evaluation recorded through the tracker, shaped like the golden evaluation
 * (`golden-eval-rows.json`): an agent version, a group run of kind `evaluation` tagged
 * `mlflow.runType=genai_evaluate`, two traces linked to it, each with a CODE feedback with a
 * rationale, a CODE feedback without one, a HUMAN expectation, and (on the second) a scorer that
 * failed; then the run's end with `<scorer>/mean` metrics, params and its dataset.
 *
 * @module
 */
import type { MlflowTracker } from "../../src/tracking/mlflow_tracker.ts";
import type { TraceAnnotations } from "../../src/tracking/tracker_options.ts";
import type { AgentVersionRecord, AssessmentRecord } from "../../src/tracking/trace_bundle.ts";

/** The agent version of the fixture. */
export const AGENT_VERSION: AgentVersionRecord = {
  name: "capitals-3f2a9c1e",
  params: { workflow: "capitals", workflow_sha256: "3f2a9c1e", models: "mock/m" },
  tags: {
    "mlflow.user": "root",
    "mlflow.source.name": "capitals.yaml",
    "mlflow.source.type": "LOCAL",
    "mlflow.model.isExternal": "true",
  },
  artifacts: [{ path: "capitals.yaml", content: "flow: { name: capitals }\n" }],
};

/** The records: question, answer given, expected answer. */
export const RECORDS = [
  { question: "Capital of France?", answer: "Paris", expected: "Paris" },
  { question: "Capital of Peru?", answer: "unknown", expected: "Lima" },
] as const;

let counter = 0;

function assessmentId(): string {
  return `a-${(++counter).toString(16).padStart(32, "0")}`;
}

/** The assessments of one record, as the evaluation runner makes them. */
export function assessmentsOf(
  record: (typeof RECORDS)[number],
  index: number,
): AssessmentRecord[] {
  const createdMs = 1_796_587_805_780 + index;
  const list: AssessmentRecord[] = [
    {
      assessmentId: assessmentId(),
      name: "exact_match",
      kind: "feedback",
      value: record.answer === record.expected,
      source: { type: "CODE", id: "exact_match" },
      createdMs,
      metadata: {},
    },
    {
      assessmentId: assessmentId(),
      name: "length_ok",
      kind: "feedback",
      value: true,
      rationale: `length ${record.answer.length}`,
      source: { type: "CODE", id: "length_ok" },
      createdMs,
      metadata: {},
    },
    {
      assessmentId: assessmentId(),
      name: "expected_response",
      kind: "expectation",
      value: record.expected,
      source: { type: "HUMAN", id: "root" },
      createdMs,
      metadata: {},
    },
  ];
  if (index === 1) {
    list.push({
      assessmentId: assessmentId(),
      name: "polite",
      kind: "feedback",
      value: null,
      error: { code: "JUDGE_FAILED", message: "Cannot judge as the model timed out" },
      source: { type: "LLM_JUDGE", id: "openai/gpt-4o-mini" },
      createdMs,
      metadata: { "configurable_agents.judge.cost_usd": "0.0001" },
    });
  }
  return list;
}

/**
 * Records the evaluation through a tracker: both traces (their annotations given after their
 * runs ended, as the runner does), then the group run's end.
 *
 * @param tracker A tracker with {@linkcode AGENT_VERSION}.
 * @returns The group run's key and the trace ids, in record order.
 */
export async function recordEvaluation(
  tracker: MlflowTracker,
): Promise<{ key: string; traceIds: string[] }> {
  const group = tracker.startGroupRun({
    kind: "evaluation",
    workflow: { workflowName: "capitals", workflowVersion: "1", provider: "mock", model: "m" },
    runName: "capitals-evaluation",
    tags: { "mlflow.runType": "genai_evaluate" },
  });
  const traceIds: string[] = [];
  for (const [index, record] of RECORDS.entries()) {
    const annotations = Promise.withResolvers<TraceAnnotations>();
    const run = tracker.startRun({
      workflowName: "capitals",
      workflowVersion: "1",
      nodeCount: 1,
      provider: "mock",
      model: "m",
      inputs: { question: record.question },
    }, { group, annotations: annotations.promise });
    await run.span({ type: "CHAIN", name: "answer", nodeId: "answer" }, (scope) => {
      scope.setOutputs({ answer: record.answer });
      return Promise.resolve();
    });
    const ids = await run.finish({ status: "success", outputs: { answer: record.answer } });
    traceIds.push(ids.traceId ?? "");
    annotations.resolve({
      tags: { "mlflow.eval.requestId": `request-${index}` },
      assessments: assessmentsOf(record, index),
    });
  }
  await group.finish({
    params: { dataset: "capitals.jsonl", dataset_digest: "bf945191", scorers: "exact_match" },
    metrics: { "exact_match/mean": 0.5, "length_ok/mean": 1 },
    dataset: {
      name: "capitals.jsonl",
      digest: "bf945191",
      sourceType: "local",
      source: '{"uri": "capitals.jsonl"}',
      profile: '{"num_rows": 2}',
    },
  });
  return { key: group.key, traceIds };
}
