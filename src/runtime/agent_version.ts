/**
 * `describeAgentVersion`: the version of a workflow that MLflow lists under "Agent versions"
 * (a LoggedModel): named after the flow and a short hash of the normalised workflow, so that
 * re-running an unchanged workflow finds the same version and any change that alters what it
 * does (a prompt, a model, an edge, a prompt file) makes a new one. Layout, comments, key order
 * and the tracking and evaluation settings do not count.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { resolveModelSpec } from "../llm/model_spec.ts";
import type { AgentVersionRecord } from "../tracking/trace_bundle.ts";

/** Options of {@linkcode describeAgentVersion}. */
export interface DescribeAgentVersionOptions {
  /**
   * The workflow file as written, logged with the version where the store keeps artifacts.
   *
   * @default {the normalised workflow as JSON, `workflow.json`}
   */
  fileText?: string | undefined;
  /**
   * `mlflow.user` of the version.
   *
   * @default {"unknown"}
   */
  user?: string;
  /**
   * `mlflow.source.name` of the version.
   *
   * @default {the workflow file, else the flow name}
   */
  sourceName?: string;
}

/** Hex digits of the hash in a version's name. */
const SHORT_HASH = 8;

/**
 * The normalised workflow: its configuration with defaults applied, keys sorted, the prompt of
 * every node (a `prompt_file`'s text included), without the tracking and evaluation settings.
 *
 * @param loaded The workflow.
 * @returns Canonical JSON text.
 */
export function normalizedWorkflow(loaded: LoadedWorkflow): string {
  const { observability: _tracking, ...settings } = loaded.config.config;
  const { evaluation: _scorers, ...config } = loaded.config as typeof loaded.config & {
    evaluation?: unknown;
  };
  return canonicalJson({ ...config, config: settings, prompts: loaded.prompts });
}

/**
 * The agent version of a workflow: name `<flow name>-<8 hex digits>`, params `workflow`,
 * `workflow_version`, `workflow_sha256` (the whole hash of the normalised workflow) and
 * `models` (every node's `provider/model`, sorted), tags as MLflow's client gives an external
 * model, and the workflow file as an artifact.
 *
 * @example Usage
 * ```ts
 * import { describeAgentVersion } from "./agent_version.ts";
 * import { prepareWorkflow } from "../config/prepare_workflow.ts";
 * const loaded = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { reply: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Say hello", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const version = await describeAgentVersion(loaded);
 * if (!/^hello-[0-9a-f]{8}$/.test(version.name)) throw new Error(version.name);
 * ```
 *
 * @param loaded The workflow.
 * @param options The file's text, user and source.
 * @returns The version.
 */
export async function describeAgentVersion(
  loaded: LoadedWorkflow,
  options: DescribeAgentVersionOptions = {},
): Promise<AgentVersionRecord> {
  const { config } = loaded;
  const normalized = normalizedWorkflow(loaded);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(normalized));
  const sha256 = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
  const models = [
    ...new Set(config.nodes.map((node) => {
      const spec = resolveModelSpec(config.config.llm, node.llm);
      return `${spec.provider}/${spec.model}`;
    })),
  ].sort();
  const fileName = loaded.file?.split(/[\\/]/).pop();
  return {
    name: `${config.flow.name}-${sha256.slice(0, SHORT_HASH)}`,
    params: {
      workflow: config.flow.name,
      workflow_version: config.flow.version ?? "unversioned",
      workflow_sha256: sha256,
      models: models.join(","),
    },
    tags: {
      "mlflow.user": options.user ?? "unknown",
      "mlflow.source.name": options.sourceName ?? loaded.file ?? config.flow.name,
      "mlflow.source.type": "LOCAL",
      "mlflow.model.isExternal": "true",
    },
    artifacts: options.fileText !== undefined && fileName
      ? [{ path: fileName, content: options.fileText }]
      : [{ path: "workflow.json", content: normalized }],
  };
}

/** JSON with the keys of every object sorted. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return entry;
    return Object.fromEntries(
      Object.entries(entry as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0
      ),
    );
  });
}
