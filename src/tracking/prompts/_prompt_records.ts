/**
 * What both registry implementations share: MLflow's tag keys, the tags `register_prompt`
 * writes (in its order), the checks it makes before writing, the conversion of a stored version
 * into a {@linkcode PromptVersion}, and the errors that name what exists.
 *
 * @module
 */
import {
  aliasProblem,
  formatPromptUri,
  promptNameProblem,
  type PromptUri,
} from "../../config/prompt_uri.ts";
import { closestName } from "../../config/suggest.ts";
import { WorkflowError } from "../../errors.ts";
import type { PromptSummary, PromptVersion, RegisterPromptInput } from "./prompt_registry.ts";

/** Marks a registered model (and each of its versions) as a prompt. */
export const IS_PROMPT_TAG = "mlflow.prompt.is_prompt";
/** The template of a version. */
export const PROMPT_TEXT_TAG = "mlflow.prompt.text";
/** `text` or `chat`. */
export const PROMPT_TYPE_TAG = "_mlflow_prompt_type";
/** The source MLflow's client gives every prompt version. */
export const PROMPT_SOURCE = "dummy-source";

/** Tags MLflow keeps for itself on versions (`_is_reserved_tag`) and prompts. */
const RESERVED_TAGS = new Set([
  IS_PROMPT_TAG,
  PROMPT_TEXT_TAG,
  PROMPT_TYPE_TAG,
  "_mlflow_prompt_response_format",
  "_mlflow_prompt_model_config",
  "_mlflow_experiment_ids",
]);

/** MLflow's longest tag key and value in the model registry. */
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 100_000;
/** MLflow's characters of a tag key (`validate_param_and_metric_name`). */
const TAG_KEY = /^[/\w.\- :]+$/;

/** A version as either store holds it. */
export interface StoredPromptVersion {
  /** Registered model name. */
  name: string;
  /** Version number. */
  version: number;
  /** Description (commit message). */
  description: string | null | undefined;
  /** Creation time, ms. */
  creationTime: number | null | undefined;
  /** Every version tag. */
  tags: Readonly<Record<string, string>>;
}

/**
 * The tags of a new prompt (registered model), in MLflow's order: the prompt marker, then the
 * user's.
 *
 * @param tags The user's tags.
 * @returns Key-value pairs in order.
 */
export function promptModelTags(tags: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries({ [IS_PROMPT_TAG]: "true", ...tags });
}

/**
 * The tags of a new version, in MLflow's order: the user's, then the prompt marker, the type
 * and the text.
 *
 * @param input The template and the user's tags.
 * @returns Key-value pairs in order.
 */
export function promptVersionTags(input: RegisterPromptInput): [string, string][] {
  return Object.entries({
    ...input.tags,
    [IS_PROMPT_TAG]: "true",
    [PROMPT_TYPE_TAG]: "text",
    [PROMPT_TEXT_TAG]: input.template,
  });
}

/**
 * Checks a registration before anything is written, by MLflow's rules.
 *
 * @param name The prompt name.
 * @param input Template and tags.
 * @throws {WorkflowError} `CONFIG_INVALID` naming the problem.
 */
export function checkRegistration(name: string, input: RegisterPromptInput): void {
  const problem = promptNameProblem(name) ??
    (input.template.trim() === "" ? "the template is empty" : undefined) ??
    (input.template.length > MAX_TAG_VALUE
      ? `the template is longer than ${MAX_TAG_VALUE} characters`
      : undefined) ??
    Object.entries(input.tags ?? {}).map(([key, value]) => tagProblem(key, value))
      .find((found) => found !== undefined);
  if (problem) throw invalid(`register prompt "${name}"`, problem);
}

function tagProblem(key: string, value: string): string | undefined {
  if (!TAG_KEY.test(key) || key.length > MAX_TAG_KEY) {
    return `the tag key "${key}" is not 1 to ${MAX_TAG_KEY} letters, digits, "_", "-", ".", " ", "/" or ":"`;
  }
  if (RESERVED_TAGS.has(key)) return `the tag key "${key}" is reserved by MLflow`;
  if (value.length > MAX_TAG_VALUE) {
    return `the value of tag "${key}" is longer than ${MAX_TAG_VALUE} characters`;
  }
  return undefined;
}

/**
 * Checks an alias about to be set.
 *
 * @param name The prompt.
 * @param alias The alias.
 * @param version The version it is to point at.
 * @throws {WorkflowError} `CONFIG_INVALID` for a malformed or reserved alias or a bad version.
 */
export function checkAlias(name: string, alias: string, version: number): void {
  const problem = aliasProblem(alias, "set") ??
    (Number.isInteger(version) && version >= 1
      ? undefined
      : `the version "${version}" is not a whole number of 1 or more`);
  if (problem) throw invalid(`set alias "${alias}" of prompt "${name}"`, problem);
}

/**
 * Turns a stored version into a {@linkcode PromptVersion}.
 *
 * @param stored The version's row and tags.
 * @param aliases Every alias of the prompt, by name.
 * @returns The version, or `undefined` when it is not a prompt version (no text tag).
 */
export function toPromptVersion(
  stored: StoredPromptVersion,
  aliases: Readonly<Record<string, number>>,
): PromptVersion | undefined {
  const template = stored.tags[PROMPT_TEXT_TAG];
  if (template === undefined) return undefined;
  return {
    name: stored.name,
    version: stored.version,
    template,
    type: stored.tags[PROMPT_TYPE_TAG] === "chat" ? "chat" : "text",
    message: stored.description ?? undefined,
    tags: userTags(stored.tags),
    aliases: Object.entries(aliases).filter(([, version]) => version === stored.version)
      .map(([alias]) => alias).sort(),
    createdAt: stored.creationTime ?? undefined,
  };
}

/**
 * A prompt's summary from its registered model.
 *
 * @param model Name, description, creation time and tags.
 * @param latestVersion The highest version.
 * @param aliases Aliases by name.
 * @returns The summary.
 */
export function toPromptSummary(
  model: {
    name: string;
    description: string | null | undefined;
    creationTime: number | null | undefined;
    tags: Readonly<Record<string, string>>;
  },
  latestVersion: number | undefined,
  aliases: Readonly<Record<string, number>>,
): PromptSummary {
  return {
    name: model.name,
    description: model.description || undefined,
    tags: userTags(model.tags),
    latestVersion,
    aliases: sortedRecord(aliases),
    createdAt: model.creationTime ?? undefined,
  };
}

/**
 * Whether a registered model's tags mark it as a prompt.
 *
 * @param tags The registered model's tags.
 * @returns `true` for `mlflow.prompt.is_prompt=true` (any case, as MLflow compares).
 */
export function isPromptModel(tags: Readonly<Record<string, string>>): boolean {
  return tags[IS_PROMPT_TAG]?.toLowerCase() === "true";
}

function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !RESERVED_TAGS.has(key)));
}

function sortedRecord(record: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `versions 1, 2 and aliases production → 2`: what a prompt has, for messages.
 *
 * @param versions Its version numbers.
 * @param aliases Its aliases.
 * @returns The description.
 */
export function describeVersions(
  versions: readonly number[],
  aliases: Readonly<Record<string, number>>,
): string {
  const numbers = [...versions].sort((a, b) => a - b);
  const listed = numbers.length === 0
    ? "no versions"
    : `${numbers.length === 1 ? "version" : "versions"} ${numbers.join(", ")}`;
  const pointers = Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b))
    .map(([alias, version]) => `${alias} → ${version}`);
  const aliasText = pointers.length === 0
    ? "no aliases"
    : `${pointers.length === 1 ? "alias" : "aliases"} ${pointers.join(", ")}`;
  return `${listed} and ${aliasText}`;
}

/**
 * The error for a prompt name that is not registered, naming the prompts that are.
 *
 * @param action What failed, e.g. `load prompt "prompts:/x@production"`.
 * @param name The missing name.
 * @param location Where the registry is.
 * @param existing The names registered there.
 * @returns The error (`PROMPT_NOT_FOUND`).
 */
export function promptNotFound(
  action: string,
  name: string,
  location: string,
  existing: readonly string[],
): WorkflowError {
  const names = [...existing].sort();
  const close = closestName(name, names);
  const known = names.length === 0
    ? `no prompts are registered at ${location}`
    : `${close === undefined ? "" : `did you mean "${close}"? `}the prompts at ${location} are ${
      names.map((n) => `"${n}"`).join(", ")
    }`;
  return new WorkflowError(
    "PROMPT_NOT_FOUND",
    `Cannot ${action} as no prompt is named "${name}": ${known}`,
    { phase: "load", hint: "Register it with: prompts register <name> --template-file <file>" },
  );
}

/**
 * The error for a version or alias a prompt does not have, naming those it has.
 *
 * @param action What failed; by default `load prompt "<uri>"`.
 * @param uri What was asked for.
 * @param versions The prompt's versions.
 * @param aliases The prompt's aliases.
 * @returns The error (`PROMPT_NOT_FOUND`).
 */
export function versionNotFound(
  action: string | undefined,
  uri: PromptUri,
  versions: readonly number[],
  aliases: Readonly<Record<string, number>>,
): WorkflowError {
  const missing = uri.alias === undefined
    ? `no version ${uri.version}`
    : uri.alias === "latest"
    ? "no versions"
    : `no alias "${uri.alias}"`;
  const close = uri.alias === undefined ? undefined : closestName(uri.alias, Object.keys(aliases));
  return new WorkflowError(
    "PROMPT_NOT_FOUND",
    `Cannot ${
      action ?? `load prompt "${formatPromptUri(uri)}"`
    } as prompt "${uri.name}" has ${missing}${
      close === undefined ? "" : ` (did you mean "${close}"?)`
    }: it has ${describeVersions(versions, aliases)}`,
    {
      phase: "load",
      hint: uri.alias === undefined
        ? "Name a version it has, or an alias"
        : `Point the alias at a version with: prompts alias ${uri.name} ${uri.alias} <version>`,
    },
  );
}

/**
 * The error for a registered model of that name that is not a prompt.
 *
 * @param action What failed.
 * @param name The name.
 * @returns The error (`CONFIG_INVALID`).
 */
export function notAPrompt(action: string, name: string): WorkflowError {
  return invalid(
    action,
    `"${name}" is a registered model, not a prompt, and MLflow keeps one namespace for both: choose another name`,
  );
}

function invalid(action: string, problem: string): WorkflowError {
  return new WorkflowError("CONFIG_INVALID", `Cannot ${action} as ${problem}`, {
    phase: "validate",
  });
}
