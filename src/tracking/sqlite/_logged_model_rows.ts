/**
 * The agent version of a bundle in an MLflow SQLite file: a `logged_models` row (status READY,
 * as `mlflow.set_active_model` leaves it), its `logged_model_params` and `logged_model_tags`,
 * found by name in the experiment and created only when missing (the caller's write
 * transaction makes that safe across processes), and the files MLflow keeps under its artifact
 * location (`MLmodel` and the workflow file).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { AgentVersionRecord, ArtifactRecord } from "../trace_bundle.ts";
import { insert, statement } from "./_bundle_rows.ts";

/** `logged_models.status` of a finalised model (MLflow's `LoggedModelStatus.READY`). */
const READY = 2;

/** A logged model as found or created. */
export interface LoggedModelRow {
  /** `m-` + 32 hex digits. */
  modelId: string;
  /** Its artifact location (`<experiment location>/models/<id>/artifacts`). */
  artifactLocation: string;
  /** Whether this delivery created it (its files are then written). */
  created: boolean;
}

/**
 * Finds the active logged model of this name in the experiment, or creates it with its params
 * and tags.
 *
 * @param db The database, inside a write transaction.
 * @param version The agent version.
 * @param options Experiment, model id to use when creating, clock.
 * @returns The model.
 */
export function ensureLoggedModel(
  db: DatabaseSync,
  version: AgentVersionRecord,
  options: {
    experimentId: number;
    experimentArtifactLocation: string;
    newModelId: () => string;
    nowMs: number;
  },
): LoggedModelRow {
  const { experimentId } = options;
  const found = statement(
    db,
    "SELECT model_id, artifact_location FROM logged_models WHERE experiment_id = ? AND name = ? " +
      "AND (lifecycle_stage IS NULL OR lifecycle_stage = 'active') " +
      "ORDER BY creation_timestamp_ms, model_id LIMIT 1",
  ).get(experimentId, version.name);
  if (found !== undefined) {
    return {
      modelId: String(found.model_id),
      artifactLocation: String(found.artifact_location),
      created: false,
    };
  }
  const modelId = options.newModelId();
  const artifactLocation = `${options.experimentArtifactLocation}/models/${modelId}/artifacts`;
  insert(db, "logged_models", {
    model_id: modelId,
    experiment_id: experimentId,
    name: version.name,
    artifact_location: artifactLocation,
    creation_timestamp_ms: options.nowMs,
    last_updated_timestamp_ms: options.nowMs,
    status: READY,
    lifecycle_stage: "active",
    model_type: null,
    source_run_id: null,
    status_message: null,
  });
  for (const [key, value] of Object.entries(version.params)) {
    insert(db, "logged_model_params", {
      model_id: modelId,
      experiment_id: experimentId,
      param_key: key,
      param_value: value,
    });
  }
  for (const [key, value] of Object.entries(version.tags)) {
    insert(db, "logged_model_tags", {
      model_id: modelId,
      experiment_id: experimentId,
      tag_key: key,
      tag_value: value,
    });
  }
  return { modelId, artifactLocation, created: true };
}

/**
 * The files of a logged model: the `MLmodel` description MLflow writes for an external model,
 * then the version's own artifacts (the workflow file).
 *
 * @param version The agent version.
 * @param model The model's id and artifact location.
 * @param createdAt When it was created (milliseconds since the epoch).
 * @returns The artifacts, relative to the model's artifact location.
 */
export function loggedModelArtifacts(
  version: AgentVersionRecord,
  model: { modelId: string; artifactLocation: string },
  createdAt: number,
): ArtifactRecord[] {
  return [
    { path: "MLmodel", content: mlmodelText(model.modelId, model.artifactLocation, createdAt) },
    ...version.artifacts,
  ];
}

/**
 * The `MLmodel` file of an external model, in the shape `mlflow.set_active_model` uploads (see
 * the golden wire capture): no flavors, any inputs and outputs.
 *
 * @param modelId The model id.
 * @param artifactPath Its artifact location.
 * @param createdAt Creation time, milliseconds since the epoch.
 * @returns The YAML text.
 */
export function mlmodelText(modelId: string, artifactPath: string, createdAt: number): string {
  const created = new Date(createdAt).toISOString().replace("T", " ").replace("Z", "");
  return [
    `artifact_path: ${artifactPath}`,
    "flavors: {}",
    "is_signature_from_type_hint: false",
    "metadata:",
    "  mlflow.model.isExternal: true",
    `model_id: ${modelId}`,
    `model_uuid: ${modelId}`,
    "prompts: null",
    "run_id: ''",
    "signature:",
    `  inputs: '[{"type": "any", "required": true}]'`,
    `  outputs: '[{"type": "any", "required": true}]'`,
    "  params: null",
    "type_hint_from_example: false",
    `utc_time_created: '${created}'`,
    "",
  ].join("\n");
}
