/**
 * The registry prompts of a workflow, looked up where the workflow tracks its runs: once when
 * a run (or a whole batch) starts, so that an alias moved later changes the next run and not
 * this one; and by `validate`, which only reads what it may and warns about what it cannot.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { parsePromptUri } from "../config/prompt_uri.ts";
import {
  applyRegistryPrompts,
  type RegistryPromptLookup,
  registryPromptUris,
} from "../config/registry_prompts.ts";
import { errorMessage, isWorkflowError } from "../errors.ts";
import type { EnvReader } from "../tracking/http/mlflow_auth.ts";
import { openPromptRegistry } from "../tracking/prompts/open_prompt_registry.ts";
import type { PromptRegistry } from "../tracking/prompts/prompt_registry.ts";
import { resolvePromptRegistryDestination } from "../tracking/prompts/prompt_registry_destination.ts";
import type { TrackingDestination } from "../tracking/tracking_destination.ts";

/** Where the registry is and how to reach it. */
export interface WorkflowPromptsOptions {
  /**
   * The registry to read (tests, embedders).
   *
   * @default {the one at the workflow's tracking destination}
   */
  registry?: PromptRegistry | undefined;
  /**
   * A tracking URI given explicitly (`--tracking-uri`).
   *
   * @default {the workflow's tracking_uri, then MLFLOW_TRACKING_URI, then sqlite:///mlflow.db}
   */
  trackingUri?: string | TrackingDestination | undefined;
  /** Reads `MLFLOW_TRACKING_URI` and a server's credentials. */
  env: EnvReader;
  /**
   * Directory a relative SQLite path is resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string | undefined;
  /** Cancels requests to a tracking server. */
  signal?: AbortSignal | undefined;
}

/**
 * Looks up every registry prompt a workflow names and puts the templates in place: each alias
 * is resolved here, once. A workflow without prompt URIs comes back as it is, and no registry
 * is opened.
 *
 * @param workflow The loaded workflow.
 * @param options The registry, or where it is.
 * @returns The workflow the engine runs, with `registryPrompts` naming each version used.
 * @throws {WorkflowError} `PROMPT_NOT_FOUND` naming what the registry has,
 * `CONFIG_INVALID` for a template the node cannot fill (before any model call),
 * `TRACKING_UNAVAILABLE` or `PERMISSION_DENIED` when the registry cannot be read.
 */
export async function resolveWorkflowPrompts(
  workflow: LoadedWorkflow,
  options: WorkflowPromptsOptions,
): Promise<LoadedWorkflow> {
  const uris = registryPromptUris(workflow);
  if (uris.length === 0) return workflow;
  const registry = options.registry ?? await openRegistry(workflow, options);
  try {
    const lookups = new Map<string, RegistryPromptLookup>();
    for (const uri of uris) lookups.set(uri, await lookUp(registry, uri));
    return applyRegistryPrompts(workflow, lookups);
  } finally {
    if (!options.registry) await registry.close();
  }
}

/**
 * What `validate` can learn about a workflow's registry prompts without asking for more
 * permissions than it has: a SQLite file is read when Deno may read it, a tracking server is
 * asked only when Deno may already reach it. Anything it cannot look up is `unchecked` (a
 * warning), with the reason and what to grant.
 *
 * @param workflow The loaded workflow.
 * @param options Where the registry is.
 * @param query Asks for a permission's state without prompting.
 * @returns A lookup per URI the workflow names (empty without prompt URIs).
 */
export async function lookupPromptsForValidation(
  workflow: LoadedWorkflow,
  options: Omit<WorkflowPromptsOptions, "registry">,
  query: (descriptor: Deno.PermissionDescriptor) => Deno.PermissionState = (descriptor) =>
    Deno.permissions.querySync(descriptor).state,
): Promise<Map<string, RegistryPromptLookup>> {
  const uris = registryPromptUris(workflow);
  const lookups = new Map<string, RegistryPromptLookup>();
  if (uris.length === 0) return lookups;
  const unchecked = (reason: string) => {
    for (const uri of uris) {
      lookups.set(uri, {
        status: "unchecked",
        message: `Cannot check prompt "${uri}" as ${reason}; it is looked up when the run starts`,
      });
    }
    return lookups;
  };
  const mlflow = workflow.config.config.observability?.mlflow;
  const fromEnv = options.trackingUri === undefined && !mlflow?.tracking_uri?.trim();
  if (fromEnv && query({ name: "env", variable: "MLFLOW_TRACKING_URI" }) !== "granted") {
    return unchecked(
      "the registry is where MLFLOW_TRACKING_URI points, which Deno may not read (add --allow-env=MLFLOW_TRACKING_URI, or give --tracking-uri)",
    );
  }
  let destination: TrackingDestination;
  try {
    destination = resolvePromptRegistryDestination(mlflow, options);
  } catch (error) {
    return unchecked(`its tracking URI is not usable (${errorMessage(error)})`);
  }
  if (destination.kind === "http") {
    const { url } = destination;
    const host = `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
    if (query({ name: "net", host }) !== "granted") {
      return unchecked(
        `validate asks the tracking server ${destination.uri} only with --allow-net=${host}`,
      );
    }
  } else if (query({ name: "read", path: destination.path }) !== "granted") {
    return unchecked(`Deno may not read "${destination.path}" (add --allow-read)`);
  } else if (!exists(destination.path, options.cwd)) {
    return unchecked(`the registry file "${destination.path}" does not exist here`);
  }
  let registry: PromptRegistry;
  try {
    registry = await openPromptRegistry(destination, {
      env: options.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    return unchecked(`the registry cannot be opened (${errorMessage(error)})`);
  }
  try {
    for (const uri of uris) {
      try {
        lookups.set(uri, await lookUp(registry, uri));
      } catch (error) {
        lookups.set(uri, {
          status: "unchecked",
          message: `Cannot check prompt "${uri}" as the registry cannot be read (${
            errorMessage(error)
          }); it is looked up when the run starts`,
        });
      }
    }
    return lookups;
  } finally {
    await registry.close();
  }
}

/** One URI: found, or missing (a prompt, version or alias the registry does not have). */
async function lookUp(registry: PromptRegistry, uri: string): Promise<RegistryPromptLookup> {
  try {
    const version = await registry.load(parsePromptUri(uri));
    return {
      status: "found",
      name: version.name,
      version: version.version,
      template: version.template,
      type: version.type,
    };
  } catch (error) {
    if (isWorkflowError(error) && ["PROMPT_NOT_FOUND", "CONFIG_INVALID"].includes(error.code)) {
      return { status: "missing", message: error.message };
    }
    throw error;
  }
}

async function openRegistry(
  workflow: LoadedWorkflow,
  options: WorkflowPromptsOptions,
): Promise<PromptRegistry> {
  const destination = resolvePromptRegistryDestination(
    workflow.config.config.observability?.mlflow,
    options,
  );
  return await openPromptRegistry(destination, {
    env: options.env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function exists(path: string, cwd: string | undefined): boolean {
  try {
    return Deno.statSync(cwd === undefined || isAbsolute(path) ? path : resolve(cwd, path)).isFile;
  } catch {
    return false;
  }
}
