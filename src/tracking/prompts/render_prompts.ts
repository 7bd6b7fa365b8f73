/**
 * Prompts for the terminal and as JSON: the list of prompts, and one prompt with its versions,
 * aliases and the template of the version asked for.
 *
 * @module
 */
import { registryTemplatePlaceholders } from "../../config/registry_template.ts";
import { alignColumns } from "../report/_format.ts";
import type { PromptDetails, PromptSummary, PromptVersion } from "./prompt_registry.ts";

/**
 * `production → 2, staging → 1`, or `-` without aliases.
 *
 * @param aliases Aliases by name.
 * @returns Text.
 */
export function formatAliases(aliases: Readonly<Record<string, number>>): string {
  const entries = Object.entries(aliases);
  return entries.length === 0 ? "-" : entries.map(([a, v]) => `${a} → ${v}`).join(", ");
}

/**
 * The prompts as a table: name, latest version, aliases, description.
 *
 * @example Usage
 * ```ts
 * import { renderPromptList } from "./render_prompts.ts";
 * const text = renderPromptList([{
 *   name: "summarizer", description: "first", tags: {}, latestVersion: 2,
 *   aliases: { production: 2 }, createdAt: 0,
 * }], "sqlite:///mlflow.db");
 * if (!text.includes("production → 2")) throw new Error(text);
 * ```
 *
 * @param prompts The prompts.
 * @param location Where they are.
 * @returns Lines ending with a newline.
 */
export function renderPromptList(prompts: readonly PromptSummary[], location: string): string {
  if (prompts.length === 0) return `No prompts registered at ${location}.\n`;
  const rows = prompts.map((prompt) => [
    prompt.name,
    prompt.latestVersion === undefined ? "-" : String(prompt.latestVersion),
    formatAliases(prompt.aliases),
    oneLine(prompt.description ?? ""),
  ]);
  const lines = alignColumns(["name", "latest", "aliases", "description"], rows, [
    false,
    true,
    false,
    false,
  ]);
  return [`Prompts at ${location}`, ...lines].join("\n") + "\n";
}

/**
 * One prompt: description, tags, aliases, every version (newest first) and the template of
 * the selected version with its `{{variables}}`.
 *
 * @param prompt The prompt with its versions.
 * @param selected The version whose template to print.
 * @param location Where it is.
 * @returns Lines ending with a newline.
 */
export function renderPromptDetails(
  prompt: PromptDetails,
  selected: PromptVersion,
  location: string,
): string {
  const tags = Object.entries(prompt.tags).map(([key, value]) => `${key}=${value}`);
  const versions = alignColumns(
    ["version", "registered (UTC)", "aliases", "message"],
    prompt.versions.map((version) => [
      String(version.version),
      version.createdAt === undefined
        ? "-"
        : new Date(version.createdAt).toISOString().slice(0, 19).replace("T", " "),
      version.aliases.join(", ") || "-",
      oneLine(version.message ?? "") || "-",
    ]),
    [true, false, false, false],
  );
  const variables = [...new Set(registryTemplatePlaceholders(selected.template).map((p) => p.raw))];
  return [
    `Prompt "${prompt.name}" at ${location}`,
    ...(prompt.description ? [`description: ${oneLine(prompt.description)}`] : []),
    ...(tags.length ? [`tags: ${tags.join(", ")}`] : []),
    `aliases: ${formatAliases(prompt.aliases)}`,
    "",
    ...versions,
    "",
    `Template of version ${selected.version} (prompts:/${prompt.name}/${selected.version}, ${selected.type}):`,
    selected.template,
    "",
    `variables: ${variables.length ? variables.join(", ") : "none"}`,
  ].join("\n") + "\n";
}

/**
 * A version as JSON with snake_case keys.
 *
 * @param version The version.
 * @returns JSON-serialisable value.
 */
export function promptVersionToJson(version: PromptVersion): Record<string, unknown> {
  return {
    name: version.name,
    version: version.version,
    uri: `prompts:/${version.name}/${version.version}`,
    type: version.type,
    template: version.template,
    message: version.message ?? null,
    tags: version.tags,
    aliases: version.aliases,
    created_at: version.createdAt === undefined ? null : new Date(version.createdAt).toISOString(),
  };
}

/**
 * A prompt summary as JSON with snake_case keys.
 *
 * @param prompt The prompt.
 * @returns JSON-serialisable value.
 */
export function promptSummaryToJson(prompt: PromptSummary): Record<string, unknown> {
  return {
    name: prompt.name,
    description: prompt.description ?? null,
    tags: prompt.tags,
    latest_version: prompt.latestVersion ?? null,
    aliases: prompt.aliases,
    created_at: prompt.createdAt === undefined ? null : new Date(prompt.createdAt).toISOString(),
  };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
