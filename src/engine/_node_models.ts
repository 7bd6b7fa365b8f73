/**
 * The chat model of each node in a run: built once per node, all of them before the graph
 * runs (so a missing key stops the run before any call). The mock model answers every node of
 * a mock run and each node whose provider is `mock`, built the same way for both (seeded by the
 * run's seed and the node id, with the run's mock settings); only a mock run also keeps tools
 * from running for real.
 *
 * @module
 */
import { createChatModel } from "../llm/create_chat_model.ts";
import { MockChatModel, type MockChatModelOptions } from "../llm/mock_chat_model.ts";
import { raceAbort } from "./_abort_scope.ts";
import { ANSWER_FUNCTION } from "./_structured_answer.ts";
import { asNodeError } from "./_node_errors.ts";
import type { NodeModel, NodePlan, RunContext } from "./_node_plan.ts";

/**
 * Builds the model of every node, before the graph runs.
 *
 * @param plans Every node.
 * @param run The run.
 * @throws {WorkflowError} With the node id: `MISSING_CREDENTIALS` for a missing key, or what
 * building the model threw.
 */
export async function prepareModels(plans: Iterable<NodePlan>, run: RunContext): Promise<void> {
  for (const plan of plans) {
    try {
      await modelOf(plan, run);
    } catch (error) {
      throw asNodeError(error, plan.node.id);
    }
  }
}

/**
 * The model of a node in a run, built on first use.
 *
 * @param plan The node.
 * @param run The run.
 * @returns The model, its provider and model name.
 */
export function modelOf(plan: NodePlan, run: RunContext): Promise<NodeModel> {
  const nodeId = plan.node.id;
  let model = run.models.get(nodeId);
  if (!model) {
    model = buildModel(plan, run);
    run.models.set(nodeId, model);
  }
  return model;
}

async function buildModel(plan: NodePlan, run: RunContext): Promise<NodeModel> {
  const { spec } = plan;
  if (run.mock || spec.provider === "mock") {
    const options: MockChatModelOptions = {
      seed: mockSeed(run.seed, plan.node.id),
      modelName: spec.model,
      ...(run.deps.sleep ? { sleep: run.deps.sleep } : {}),
      ...(run.deps.mockAnswers?.[plan.node.id]
        ? { answers: { tool: ANSWER_FUNCTION, values: run.deps.mockAnswers[plan.node.id] ?? [] } }
        : {}),
    };
    return {
      model: run.deps.createMockChatModel?.(options) ?? new MockChatModel(options),
      provider: "mock",
      modelName: spec.model,
    };
  }
  const create = run.deps.createChatModel ?? createChatModel;
  const model = await raceAbort(
    create(spec, {
      env: run.deps.env,
      fetch: run.deps.fetch,
      ...(plan.timeoutMs === undefined ? {} : { timeoutMs: plan.timeoutMs }),
    }),
    run.signal,
  );
  return { model, provider: spec.provider, modelName: spec.model };
}

/**
 * The seed of a node's mock model: the run seed mixed with the node id (FNV-1a), so that
 * nodes answer differently and each the same way for a given run seed.
 *
 * @param seed The run seed.
 * @param nodeId The node id.
 * @returns A 32-bit seed.
 */
function mockSeed(seed: number, nodeId: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${nodeId}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
