/**
 * Nodes whose `prompt` names a prompt of the MLflow Prompt Registry (`prompts:/...`): which
 * URIs a workflow names, what the registry answered for each (found by the caller, who does
 * the I/O), and the workflow with those templates in place of the URIs, each checked by the
 * same rules as an inline prompt before anything runs.
 *
 * @module
 */
import { WorkflowError } from "../errors.ts";
import type { Diagnostic } from "./diagnostic.ts";
import {
  type LoadedWorkflow,
  type RegistryPromptUse,
  sealLoadedWorkflow,
  sourceMapOf,
} from "./loaded_workflow.ts";
import { SourceMap } from "./_source_map.ts";
import { isPromptUri } from "./prompt_uri.ts";
import { parseRegistryTemplate } from "./registry_template.ts";
import type { WorkflowConfig } from "./schema.ts";
import { validateWorkflow } from "./validate_workflow.ts";

/** What the registry answered for one prompt URI. */
export type RegistryPromptLookup =
  /** The version the URI names now, with its template. */
  | {
    readonly status: "found";
    /** The prompt's name. */
    readonly name: string;
    /** The version the URI resolved to. */
    readonly version: number;
    /** Its template (`{{variable}}` placeholders). */
    readonly template: string;
    /** `text`, or `chat` for a list of messages (which a node cannot use). */
    readonly type: "text" | "chat";
  }
  /** The registry has no such prompt, version or alias (an error). */
  | { readonly status: "missing"; readonly message: string }
  /** The registry could not be asked (a warning: it is resolved when the run starts). */
  | { readonly status: "unchecked"; readonly message: string };

/**
 * The distinct prompt URIs a workflow's nodes name, trimmed, in node order.
 *
 * @example Usage
 * ```ts
 * import { registryPromptUris } from "./registry_prompts.ts";
 * import { WorkflowSchema } from "./schema.ts";
 * const config = WorkflowSchema.parse({
 *   schema_version: "1.0",
 *   flow: { name: "x" },
 *   state: { fields: { out: { type: "str" } } },
 *   nodes: [{ id: "a", prompt: " prompts:/summarizer@production ", outputs: ["out"] }],
 *   edges: [{ from: "START", to: "a" }, { from: "a", to: "END" }],
 * });
 * if (registryPromptUris(config).join() !== "prompts:/summarizer@production") throw new Error();
 * ```
 *
 * @param workflow The workflow, or its configuration.
 * @returns The URIs.
 */
export function registryPromptUris(workflow: LoadedWorkflow | WorkflowConfig): string[] {
  const config = "config" in workflow && "prompts" in workflow ? workflow.config : workflow;
  const uris = config.nodes.flatMap((node) =>
    node.prompt !== undefined && isPromptUri(node.prompt) ? [node.prompt.trim()] : []
  );
  return [...new Set(uris)];
}

/**
 * Writes a registry template in our template syntax: `{{name}}` becomes `{name}` and literal
 * braces are doubled, so that the engine fills it like any prompt.
 *
 * @example Usage
 * ```ts
 * import { fromRegistryTemplate } from "./registry_prompts.ts";
 * if (fromRegistryTemplate('Summarize {{text}} as {"a": 1}') !== 'Summarize {text} as {{"a": 1}}') {
 *   throw new Error();
 * }
 * ```
 *
 * @param template A registry template.
 * @returns The same template in our syntax.
 */
export function fromRegistryTemplate(template: string): string {
  return parseRegistryTemplate(template).map((segment) =>
    segment.kind === "text"
      ? segment.text.replaceAll("{", "{{").replaceAll("}", "}}")
      : `{${
        [segment.explicitState ? "state" : [], segment.root, ...segment.path].flat().join(".")
      }}`
  ).join("");
}

/**
 * Puts the registry's templates in place of the URIs they were found for: each is checked
 * first (every `{{placeholder}}` must be a node input, a state field or a parallel item, the
 * prompt must be a text prompt), then written in our syntax into `prompts`, and the version
 * each node uses is kept in `registryPrompts`. A workflow without prompt URIs comes back as it
 * is.
 *
 * @param workflow The loaded workflow.
 * @param lookups What the registry answered, by URI (as `registryPromptUris` lists them).
 * @returns The workflow the engine runs.
 * @throws {WorkflowError} `PROMPT_NOT_FOUND` when a URI names nothing the registry has (each
 * diagnostic names what it has); `CONFIG_INVALID` when a template cannot be filled or is a
 * chat prompt; `TRACKING_UNAVAILABLE` when a URI could not be looked up.
 */
export function applyRegistryPrompts(
  workflow: LoadedWorkflow,
  lookups: ReadonlyMap<string, RegistryPromptLookup>,
): LoadedWorkflow {
  const uris = registryPromptUris(workflow);
  if (uris.length === 0) return workflow;
  const unchecked = uris.flatMap((uri) => {
    const lookup = lookups.get(uri);
    return lookup === undefined
      ? [`"${uri}" was not looked up`]
      : lookup.status === "unchecked"
      ? [lookup.message]
      : [];
  });
  if (unchecked.length > 0) {
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot resolve the registry prompts of the workflow: ${unchecked.join("; ")}`,
      { phase: "load" },
    );
  }
  const problems = validateWorkflow(workflow, { registryPrompts: lookups })
    .filter((diagnostic) => diagnostic.severity === "error");
  if (problems.length > 0) throw registryError(problems);
  const prompts: Record<string, string> = { ...workflow.prompts };
  const uses: Record<string, RegistryPromptUse> = {};
  for (const node of workflow.config.nodes) {
    const uri = node.prompt?.trim();
    const lookup = uri === undefined ? undefined : lookups.get(uri);
    if (uri === undefined || lookup?.status !== "found") continue;
    prompts[node.id] = fromRegistryTemplate(lookup.template);
    uses[node.id] = { uri, name: lookup.name, version: lookup.version };
  }
  const { config, file, warnings } = workflow;
  return sealLoadedWorkflow(
    { config, prompts, file, warnings, registryPrompts: uses },
    sourceMapOf(workflow) ?? new SourceMap("", file),
  );
}

function registryError(problems: readonly Diagnostic[]): WorkflowError {
  const missing = problems.every((problem) => problem.code === "unknown_prompt");
  const [first] = problems;
  const message = problems.length === 1 && first
    ? first.message
    : `Cannot use the registry prompts of the workflow as ${problems.length} problems were found`;
  return new WorkflowError(missing ? "PROMPT_NOT_FOUND" : "CONFIG_INVALID", message, {
    phase: "load",
    diagnostics: problems,
  });
}
