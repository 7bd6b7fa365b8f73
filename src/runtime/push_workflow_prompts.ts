/**
 * `pushWorkflowPrompts`: moves a workflow's inline prompts into the MLflow Prompt Registry of
 * its tracking destination, one prompt per node named after the flow and the node, and tells
 * the URI each node's `prompt` can name instead.
 *
 * @module
 */
import { formatPromptUri, isPromptUri } from "../config/prompt_uri.ts";
import { toRegistryTemplate } from "../config/registry_template.ts";
import { WorkflowError } from "../errors.ts";
import type { Tool } from "../tools/tool.ts";
import type { EnvReader } from "../tracking/http/mlflow_auth.ts";
import { loadWorkflow } from "../config/load_workflow.ts";
import { createToolRegistry } from "../tools/tool_registry.ts";
import { denoEnv } from "../tracking/http/mlflow_auth.ts";
import { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
import { workflowValidationHooks } from "./workflow_validation_hooks.ts";
import { readRegularTextFile } from "./regular_file.ts";
import {
  checkAliasOption,
  type PromptRegistryAccessOptions,
  registerInto,
  withRegistry,
} from "./prompt_registry_api.ts";

/** Options of {@linkcode pushWorkflowPrompts}. */
export interface PushWorkflowPromptsOptions extends PromptRegistryAccessOptions {
  /**
   * An alias to point at each pushed version; the URIs then name it (`prompts:/x@alias`).
   *
   * @default {undefined: the URIs name the version}
   */
  alias?: string | undefined;
  /**
   * Commit message of new versions.
   *
   * @default {"Pushed from <workflow file>"}
   */
  message?: string | undefined;
  /**
   * Your own tools, which the workflow may name.
   *
   * @default {[]}
   */
  tools?: readonly Tool[] | undefined;
  /**
   * Reads the workflow and its prompt files.
   *
   * @default {readRegularTextFile: regular files only, up to the size loadWorkflow asks for}
   */
  readTextFile?:
    | ((path: string, options?: { maxBytes?: number | undefined }) => Promise<string>)
    | undefined;
}

/** One node's prompt in the registry. */
export interface PushedPrompt {
  /** The node. */
  readonly nodeId: string;
  /** The prompt's name: `<flow name>.<node id>`. */
  readonly name: string;
  /** The version holding the node's template. */
  readonly version: number;
  /** `false` when that version already had the text. */
  readonly created: boolean;
  /** The URI to put in the node's `prompt` instead. */
  readonly uri: string;
}

/** What {@linkcode pushWorkflowPrompts} did. */
export interface PushWorkflowPromptsResult {
  /** Where the prompts went. */
  readonly location: string;
  /** The nodes whose prompts were pushed, in file order. */
  readonly pushed: readonly PushedPrompt[];
  /** The nodes whose `prompt` already names a registry prompt, with that URI. */
  readonly alreadyInRegistry: readonly { nodeId: string; uri: string }[];
}

/**
 * The registry name of a node's prompt: `<flow name>.<node id>`, with characters MLflow does
 * not allow in names written as `_`.
 *
 * @param flowName The workflow's `flow.name`.
 * @param nodeId The node id.
 * @returns The prompt name.
 */
export function nodePromptName(flowName: string, nodeId: string): string {
  return `${flowName.trim()}.${nodeId}`.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/**
 * Registers each inline prompt (and `prompt_file`) of a workflow under
 * `<flow name>.<node id>` in the registry of the workflow's tracking destination (a new
 * version only when the text changed), written in MLflow's `{{variable}}` syntax so that it
 * fills from the same inputs and state.
 *
 * @example Usage
 * ```ts
 * import { pushWorkflowPrompts } from "@configurable-agents/core";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/echo.yaml`, `
 * schema_version: "1.0"
 * flow: { name: echo }
 * state: { fields: { message: { type: str, required: true }, reply: { type: str } } }
 * nodes: [{ id: echo, prompt: "Repeat {state.message}", outputs: [reply] }]
 * edges: [{ from: START, to: echo }, { from: echo, to: END }]
 * `);
 * const result = await pushWorkflowPrompts(`${dir}/echo.yaml`, {
 *   trackingUri: `sqlite:///${dir}/mlflow.db`,
 *   alias: "production",
 * });
 * if (result.pushed[0]?.uri !== "prompts:/echo.echo@production") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The workflow file.
 * @param options Where (default: the workflow's `tracking_uri`, then `MLFLOW_TRACKING_URI`,
 *   then `sqlite:///mlflow.db`), alias, message, tools and file reader.
 * @returns Each node's prompt name, version and URI.
 * @throws {WorkflowError} `CONFIG_INVALID` for an invalid workflow or a template MLflow cannot
 * hold, `TRACKING_UNAVAILABLE` or `PERMISSION_DENIED` when the registry cannot be written.
 */
export async function pushWorkflowPrompts(
  path: string,
  options: PushWorkflowPromptsOptions = {},
): Promise<PushWorkflowPromptsResult> {
  const { alias, tools = [], readTextFile } = options;
  const env: EnvReader = options.env ?? denoEnv();
  const read = readTextFile ?? readRegularTextFile;
  const prices = await loadPriceTableFromEnv({ env, readTextFile: read });
  const loaded = await loadWorkflow(path, {
    readTextFile: read,
    ...workflowValidationHooks(createToolRegistry({ tools }), prices),
  });
  const { config } = loaded;
  const templates: { nodeId: string; name: string; text: string }[] = [];
  const alreadyInRegistry: { nodeId: string; uri: string }[] = [];
  for (const node of config.nodes) {
    const template = loaded.prompts[node.id] ?? "";
    if (isPromptUri(node.prompt ?? "")) {
      alreadyInRegistry.push({ nodeId: node.id, uri: (node.prompt ?? "").trim() });
      continue;
    }
    const converted = toRegistryTemplate(template);
    if (!converted.ok) {
      throw new WorkflowError(
        "CONFIG_INVALID",
        `Cannot push the prompt of node "${node.id}" as ${converted.problem}`,
        {
          phase: "validate",
          nodeId: node.id,
          hint: "Reword that text, or keep this prompt inline",
        },
      );
    }
    templates.push({
      nodeId: node.id,
      name: nodePromptName(config.flow.name, node.id),
      text: converted.text,
    });
  }
  checkAliasOption(config.flow.name, alias);
  const trackingUri = options.trackingUri ??
    config.config.observability?.mlflow?.tracking_uri;
  const message = options.message ?? `Pushed from ${path}`;
  return await withRegistry({ ...options, env, trackingUri }, "write", async (registry) => {
    const pushed: PushedPrompt[] = [];
    for (const { nodeId, name, text } of templates) {
      const registered = await registerInto(registry, name, text, { message, alias });
      const version = registered.version.version;
      pushed.push({
        nodeId,
        name,
        version,
        created: registered.created,
        uri: formatPromptUri(alias === undefined ? { name, version } : { name, alias }),
      });
    }
    return { location: registry.location, pushed, alreadyInRegistry };
  });
}
