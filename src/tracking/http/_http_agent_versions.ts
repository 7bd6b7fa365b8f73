/**
 * Agent versions (LoggedModels) on a tracking server: found by name in the experiment, else
 * created the way `mlflow.set_active_model` does (create with tags, params, the `MLmodel` file
 * and the workflow file through the artifact proxy, finalised `READY`). Two processes that
 * create one at once keep the older model and delete the other, so every trace of a version
 * links to one model.
 *
 * @module
 */
import type { AgentVersionRecord } from "../trace_bundle.ts";
import type { GenAiRequests } from "./_genai_requests.ts";
import type { ArtifactWriter } from "./_http_group_runs.ts";
import { loggedModelArtifacts } from "../sqlite/_logged_model_rows.ts";

/** The agent versions of one server, cached by experiment and name. */
export class HttpAgentVersions {
  readonly #genai: GenAiRequests;
  readonly #writeArtifacts: ArtifactWriter;
  readonly #now: () => number;
  readonly #models = new Map<string, Promise<string>>();

  /**
   * @param genai The server's GenAI requests.
   * @param writeArtifacts Writes a model's files.
   * @param now Clock, milliseconds since the epoch.
   */
  constructor(genai: GenAiRequests, writeArtifacts: ArtifactWriter, now: () => number) {
    this.#genai = genai;
    this.#writeArtifacts = writeArtifacts;
    this.#now = now;
  }

  /**
   * The model id of a version, found or created.
   *
   * @param experimentId The experiment.
   * @param version The version.
   * @returns `m-` + 32 hex digits.
   */
  modelIdOf(experimentId: string, version: AgentVersionRecord): Promise<string> {
    const key = `${experimentId}/${version.name}`;
    let model = this.#models.get(key);
    if (!model) {
      model = this.#findOrCreate(experimentId, version);
      this.#models.set(key, model);
      model.catch(() => this.#models.delete(key));
    }
    return model;
  }

  async #findOrCreate(experimentId: string, version: AgentVersionRecord): Promise<string> {
    const [existing] = await this.#genai.searchLoggedModels(experimentId, version.name);
    if (existing) {
      // A process that stopped half-way left it pending: finish it.
      if (existing.status === "LOGGED_MODEL_PENDING") {
        await this.#genai.finalizeLoggedModel(existing.modelId);
      }
      return existing.modelId;
    }
    const created = await this.#genai.createLoggedModel(experimentId, version.name, version.tags);
    await this.#genai.logLoggedModelParams(created.modelId, version.params);
    const artifacts = loggedModelArtifacts(version, {
      modelId: created.modelId,
      artifactLocation: created.artifactUri ?? "",
    }, created.createdMs || this.#now());
    await this.#writeArtifacts(created.artifactUri, artifacts, `agent version "${version.name}"`);
    await this.#genai.finalizeLoggedModel(created.modelId);
    const [winner] = await this.#genai.searchLoggedModels(experimentId, version.name);
    if (winner && winner.modelId !== created.modelId) {
      await this.#genai.deleteLoggedModel(created.modelId).catch(() => {});
      return winner.modelId;
    }
    return created.modelId;
  }
}
