/**
 * Group runs (batches and evaluations) on a tracking server, whose run ids the server chooses:
 * each is found by its key tag and created (`RUNNING`) by the first of its traces or its end
 * that arrives; two processes that create it at once keep the older run and delete the other.
 * Its end logs params, tags, metrics and the dataset, then ends it; a run that has already
 * ended is left as it is.
 *
 * @module
 */
import type { MlflowClient } from "./mlflow_client.ts";
import type { MlflowRun } from "./mlflow_entities.ts";
import type { GenAiRequests } from "./_genai_requests.ts";
import {
  type ArtifactRecord,
  type GroupRunLink,
  RUN_KEY_TAG,
  type RunBundle,
} from "../trace_bundle.ts";

/** Writes artifacts under an artifact URI (the sink's proxy or local files). */
export type ArtifactWriter = (
  artifactUri: string | undefined,
  artifacts: readonly ArtifactRecord[],
  what: string,
) => Promise<void>;

/** The group runs of one server, cached by key. */
export class HttpGroupRuns {
  readonly #client: MlflowClient;
  readonly #genai: GenAiRequests;
  readonly #runs = new Map<string, Promise<MlflowRun>>();

  /**
   * @param client The server's client.
   * @param genai Its GenAI requests.
   */
  constructor(client: MlflowClient, genai: GenAiRequests) {
    this.#client = client;
    this.#genai = genai;
  }

  /**
   * The run of a group, found by its key or created.
   *
   * @param experimentId The experiment.
   * @param link The group.
   * @returns The run.
   */
  runOf(experimentId: string, link: GroupRunLink): Promise<MlflowRun> {
    let run = this.#runs.get(link.key);
    if (!run) {
      run = this.#findOrCreate(experimentId, link);
      this.#runs.set(link.key, run);
      run.catch(() => this.#runs.delete(link.key));
    }
    return run;
  }

  /**
   * Writes the end of a group run.
   *
   * @param experimentId The experiment.
   * @param bundle The end.
   * @param writeArtifacts Writes the run's artifacts.
   * @returns The run id, and whether it had already ended (nothing written).
   */
  async finish(
    experimentId: string,
    bundle: RunBundle,
    writeArtifacts: ArtifactWriter,
  ): Promise<{ runId: string; alreadyPresent: boolean }> {
    const found = await this.runOf(experimentId, bundle.group);
    // The cached run may be stale: read it again to see whether an earlier push ended it.
    const run = await this.#client.getRun(found.info.runId) ?? found;
    const runId = run.info.runId;
    if (run.info.status !== "RUNNING") return { runId, alreadyPresent: true };
    const { run: end } = bundle;
    const tags = Object.fromEntries(
      Object.entries(end.tags).filter(([key]) => run.tags[key] === undefined),
    );
    await this.#client.logBatch(runId, { params: end.params, tags });
    if (bundle.dataset) await this.#genai.logDatasetInput(runId, bundle.dataset);
    await this.#client.logBatch(runId, {
      metrics: Object.entries(end.metrics).map(([key, value]) => ({
        key,
        value,
        timestamp: end.endTimeMs,
        step: 0,
      })),
    });
    await writeArtifacts(run.info.artifactUri, end.artifacts, `run "${end.runName}"`);
    await this.#client.updateRun(runId, { status: end.status, endTime: end.endTimeMs });
    return { runId, alreadyPresent: false };
  }

  async #findOrCreate(experimentId: string, link: GroupRunLink): Promise<MlflowRun> {
    const existing = await this.#find(experimentId, link.key);
    if (existing[0]) return existing[0];
    const created = await this.#client.createRun({
      experimentId,
      runName: link.runName,
      startTime: link.startTimeMs,
      userId: link.tags["mlflow.user"],
      tags: { "mlflow.runName": link.runName, ...link.tags, [RUN_KEY_TAG]: link.key },
    });
    // Another process may have created it at the same time: both keep the older one.
    const [winner] = await this.#find(experimentId, link.key);
    if (winner && winner.info.runId !== created.info.runId) {
      await this.#genai.deleteRun(created.info.runId).catch(() => {});
      return winner;
    }
    return created;
  }

  async #find(experimentId: string, key: string): Promise<MlflowRun[]> {
    const page = await this.#client.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`${RUN_KEY_TAG}\` = '${key}'`,
      maxResults: 10,
      orderBy: ["attributes.start_time ASC"],
    });
    return page.runs
      .filter((run) => run.tags[RUN_KEY_TAG] === key && run.info.lifecycleStage !== "deleted")
      .sort((a, b) =>
        (a.info.startTime ?? 0) - (b.info.startTime ?? 0) ||
        a.info.runId.localeCompare(b.info.runId)
      );
  }
}
