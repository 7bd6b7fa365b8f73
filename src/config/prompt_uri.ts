/**
 * MLflow prompt URIs, as a node's `prompt` may name a prompt of the MLflow Prompt Registry:
 * `prompts:/<name>/<version>` or `prompts:/<name>@<alias>` (`@latest` is the highest version).
 * Names and aliases follow MLflow's own rules, so that what we accept MLflow accepts too.
 *
 * @module
 */

/** What every prompt URI starts with. */
export const PROMPT_URI_SCHEME = "prompts:/";

/** The alias MLflow reserves for the highest version (any case). */
export const LATEST_ALIAS = "latest";

/** A parsed prompt URI: a fixed version, or an alias resolved when a run starts. */
export type PromptUri =
  /** `prompts:/<name>/<version>`. */
  | { readonly name: string; readonly version: number; readonly alias?: undefined }
  /** `prompts:/<name>@<alias>`; `latest` (lower case here) is the highest version. */
  | { readonly name: string; readonly alias: string; readonly version?: undefined };

/** MLflow's rule for prompt names (`PROMPT_NAME_RULE`). */
const NAME = /^[A-Za-z0-9_.-]+$/;
/** MLflow's rule for alias names. */
const ALIAS = /^[\w-]+$/;
/** Aliases MLflow reserves because they read as versions (`v1`, `V12`). */
const VERSION_ALIAS = /^[vV]\d+$/;
/** MLflow's longest alias. */
const MAX_ALIAS_LENGTH = 255;
/** MLflow's longest registered model name. */
const MAX_NAME_LENGTH = 256;

/**
 * Whether a node's `prompt` names a registry prompt rather than being a template.
 *
 * @example Usage
 * ```ts
 * import { isPromptUri } from "./prompt_uri.ts";
 * if (!isPromptUri("prompts:/summarizer@production")) throw new Error();
 * if (isPromptUri("Summarize {state.text}")) throw new Error();
 * ```
 *
 * @param prompt The node's `prompt`.
 * @returns `true` when it starts with `prompts:/` (surrounding whitespace ignored).
 */
export function isPromptUri(prompt: string): boolean {
  return prompt.trim().startsWith(PROMPT_URI_SCHEME);
}

/**
 * The problem with a prompt name, by MLflow's rule, or `undefined` when it is fine.
 *
 * @param name A prompt name.
 * @returns What is wrong, as the end of a "Cannot ... as" sentence.
 */
export function promptNameProblem(name: string): string | undefined {
  if (name === "") return "the name is empty";
  if (name.length > MAX_NAME_LENGTH) {
    return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  }
  if (!NAME.test(name)) {
    return `the name "${name}" has characters other than letters, digits, "_", "-" and "."`;
  }
  return undefined;
}

/**
 * The problem with an alias name, by MLflow's rules, or `undefined` when it is fine.
 *
 * @param alias An alias.
 * @param purpose `set` for an alias about to be set (`latest` and `v<digits>` are reserved),
 *   `read` for one to resolve (`latest` allowed).
 * @returns What is wrong, as the end of a "Cannot ... as" sentence.
 */
export function aliasProblem(alias: string, purpose: "set" | "read"): string | undefined {
  if (alias === "") return "the alias is empty";
  if (alias.length > MAX_ALIAS_LENGTH) {
    return `the alias is longer than ${MAX_ALIAS_LENGTH} characters`;
  }
  if (!ALIAS.test(alias)) {
    return `the alias "${alias}" has characters other than letters, digits, "_" and "-"`;
  }
  if (purpose === "set" && alias.toLowerCase() === LATEST_ALIAS) {
    return `the alias "${alias}" is reserved: "latest" always means the highest version`;
  }
  if (purpose === "set" && VERSION_ALIAS.test(alias)) {
    return `the alias "${alias}" is reserved as it reads as a version`;
  }
  return undefined;
}

/**
 * Parses a prompt URI.
 *
 * @example Usage
 * ```ts
 * import { parsePromptUri } from "@configurable-agents/core";
 * const pinned = parsePromptUri("prompts:/summarizer/2");
 * if (pinned.version !== 2) throw new Error();
 * const aliased = parsePromptUri("prompts:/summarizer@production");
 * if (aliased.alias !== "production") throw new Error();
 * ```
 *
 * @param uri `prompts:/<name>/<version>` or `prompts:/<name>@<alias>`.
 * @returns The name and the version or alias (`LATEST` in any case becomes `latest`).
 * @throws {SyntaxError} When the URI is not a prompt URI, with what is wrong and the forms.
 */
export function parsePromptUri(uri: string): PromptUri {
  const text = uri.trim();
  const fail = (rule: string) =>
    new SyntaxError(
      `Cannot read prompt URI "${text}" as ${rule}: write prompts:/<name>/<version> or prompts:/<name>@<alias>`,
    );
  if (!text.startsWith(PROMPT_URI_SCHEME)) throw fail(`it does not start with "prompts:/"`);
  const rest = text.slice(PROMPT_URI_SCHEME.length);
  const at = rest.indexOf("@");
  if (at !== -1) {
    const name = rest.slice(0, at);
    const alias = rest.slice(at + 1);
    const problem = promptNameProblem(name) ?? aliasProblem(alias, "read");
    if (problem) throw fail(problem);
    return { name, alias: alias.toLowerCase() === LATEST_ALIAS ? LATEST_ALIAS : alias };
  }
  const slash = rest.lastIndexOf("/");
  if (slash === -1) throw fail("it names no version or alias");
  const name = rest.slice(0, slash);
  const version = rest.slice(slash + 1);
  const problem = promptNameProblem(name);
  if (problem) throw fail(problem);
  if (!/^[1-9]\d*$/.test(version)) {
    throw fail(`the version "${version}" is not a whole number of 1 or more`);
  }
  return { name, version: Number(version) };
}

/**
 * Formats a prompt URI.
 *
 * @example Usage
 * ```ts
 * import { formatPromptUri } from "@configurable-agents/core";
 * if (formatPromptUri({ name: "summarizer", version: 2 }) !== "prompts:/summarizer/2") {
 *   throw new Error();
 * }
 * ```
 *
 * @param uri A name with a version or an alias.
 * @returns `prompts:/<name>/<version>` or `prompts:/<name>@<alias>`.
 */
export function formatPromptUri(uri: PromptUri): string {
  return uri.alias === undefined
    ? `${PROMPT_URI_SCHEME}${uri.name}/${uri.version}`
    : `${PROMPT_URI_SCHEME}${uri.name}@${uri.alias}`;
}
