/**
 * `prompts register|list|show|alias|push`: the MLflow Prompt Registry of a tracking URI (the
 * SQLite file or a tracking server). None of them loads LangChain, LangGraph or OpenTelemetry;
 * `list` and `show` only read (a SQLite file needs `--allow-read`), `register`, `alias` and
 * `push` write (`--allow-write` for the file and its `-wal`, `-shm` and `-journal`).
 *
 * @module
 */
import { isWorkflowError } from "../errors.ts";
import {
  listPrompts,
  type PromptRegistryAccessOptions,
  registerPrompt,
  setPromptAlias,
  showPrompt,
} from "../runtime/prompt_registry_api.ts";
import { pushWorkflowPrompts } from "../runtime/push_workflow_prompts.ts";
import {
  promptSummaryToJson,
  promptVersionToJson,
  renderPromptDetails,
  renderPromptList,
} from "../tracking/prompts/render_prompts.ts";
import { resolvePromptRegistryDestination } from "../tracking/prompts/prompt_registry_destination.ts";
import type { CliIO } from "./io.ts";
import type {
  PromptsAliasOptions,
  PromptsListOptions,
  PromptsPushOptions,
  PromptsRegisterOptions,
  PromptsShowOptions,
} from "./options.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import { UsageError } from "./usage_error.ts";

function access(trackingUri: string | undefined, io: CliIO): PromptRegistryAccessOptions {
  parseTrackingUriOption(trackingUri);
  return { trackingUri, cwd: io.cwd(), env: io.env };
}

function json(io: CliIO, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + "\n");
}

/**
 * Runs `prompts register <name>`: registers the template (a new version only when its text
 * differs from the latest version's) and points `--alias` at it.
 *
 * @param name The prompt name.
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} Neither or both of `--template` and `--template-file`, a `--tag` that
 * is not `key=value`, an unreadable template file, a bad tracking URI.
 * @throws {WorkflowError} A bad name, alias or tag (`CONFIG_INVALID`), an unwritable store.
 */
export async function promptsRegisterCommand(
  name: string,
  options: PromptsRegisterOptions,
  io: CliIO,
): Promise<number> {
  const template = await readTemplate(options, io);
  const tags = parseTags(options.tag);
  const registered = await registerPrompt(name, template, {
    ...access(options.trackingUri, io),
    message: options.message,
    tags,
    alias: options.alias,
  });
  const { version } = registered;
  const uri = options.alias === undefined ? registered.uri : `prompts:/${name}@${options.alias}`;
  if (options.json) {
    json(io, {
      location: registered.location,
      created: registered.created,
      uri,
      version: promptVersionToJson(version),
    });
    return 0;
  }
  io.stdout(
    (registered.created
      ? `Registered prompt "${name}" version ${version.version} at ${registered.location}\n`
      : `Prompt "${name}" unchanged: version ${version.version} at ${registered.location} already has this text\n`) +
      (options.alias === undefined ? "" : `  alias ${options.alias} → ${version.version}\n`) +
      `  use: ${uri}\n`,
  );
  return 0;
}

/**
 * Runs `prompts list`: every prompt with its latest version and aliases. A SQLite file that
 * does not exist lists nothing (and is not created).
 *
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} A bad tracking URI.
 * @throws {WorkflowError} The store cannot be read.
 */
export async function promptsListCommand(options: PromptsListOptions, io: CliIO): Promise<number> {
  const settings = access(options.trackingUri, io);
  const prompts = await listPrompts(settings);
  if (options.json) json(io, prompts.map(promptSummaryToJson));
  else io.stdout(renderPromptList(prompts, locationOf(settings, io)));
  return 0;
}

/**
 * Runs `prompts show <uri>`: the prompt's versions and aliases and the template of the version
 * the URI names (`prompts:/name/2`, `prompts:/name@production`, or a bare name for the latest).
 *
 * @param uri A prompt URI or name.
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} A malformed URI (exit code 2), or a prompt, version or alias that does
 * not exist (exit code 1, naming what exists).
 */
export async function promptsShowCommand(
  uri: string,
  options: PromptsShowOptions,
  io: CliIO,
): Promise<number> {
  const settings = access(options.trackingUri, io);
  let shown;
  try {
    shown = await showPrompt(uri, settings);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(error.message, { cause: error });
    // A prompt that is not there is a failed lookup (exit 1), as for `traces show`.
    if (isWorkflowError(error) && error.code === "PROMPT_NOT_FOUND") {
      throw new UsageError(error.message, {
        exitCode: 1,
        cause: error,
        hint: error.hint ?? "List the registered prompts with: prompts list",
      });
    }
    throw error;
  }
  if (options.json) {
    json(io, {
      location: shown.location,
      prompt: promptSummaryToJson(shown.prompt),
      selected: promptVersionToJson(shown.selected),
      versions: shown.prompt.versions.map(promptVersionToJson),
    });
  } else {
    io.stdout(renderPromptDetails(shown.prompt, shown.selected, shown.location));
  }
  return 0;
}

/**
 * Runs `prompts alias <name> <alias> <version>`: points the alias at the version. Runs that
 * name `prompts:/<name>@<alias>` use it from their next start.
 *
 * @param name The prompt.
 * @param alias The alias.
 * @param version The version.
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} A version that is not a whole number, a bad tracking URI.
 * @throws {WorkflowError} A reserved alias, a prompt or version that does not exist.
 */
export async function promptsAliasCommand(
  name: string,
  alias: string,
  version: string,
  options: PromptsAliasOptions,
  io: CliIO,
): Promise<number> {
  if (!/^[1-9]\d*$/.test(version.trim())) {
    throw new UsageError(
      `Cannot set alias "${alias}" of prompt "${name}" as the version "${version}" is not a whole number of 1 or more`,
    );
  }
  const moved = await setPromptAlias(name, alias, Number(version), access(options.trackingUri, io));
  if (options.json) {
    json(io, {
      location: moved.location,
      alias,
      previous: moved.previous ?? null,
      version: promptVersionToJson(moved.version),
    });
    return 0;
  }
  const was = moved.previous === undefined
    ? "new alias"
    : moved.previous === moved.version.version
    ? "unchanged"
    : `was ${moved.previous}`;
  io.stdout(
    `Alias ${alias} of prompt "${name}" → version ${moved.version.version} (${was}) at ${moved.location}\n`,
  );
  return 0;
}

/**
 * Runs `prompts push <workflow>`: registers each inline prompt of the workflow under
 * `<flow name>.<node id>` and prints the URI to use instead of each.
 *
 * @param file The workflow file.
 * @param options Parsed flags.
 * @param io The outside world.
 * @returns The exit code (0).
 * @throws {UsageError} A bad tracking URI.
 * @throws {WorkflowError} An invalid workflow, an unwritable store.
 */
export async function promptsPushCommand(
  file: string,
  options: PromptsPushOptions,
  io: CliIO,
): Promise<number> {
  const result = await pushWorkflowPrompts(file, {
    ...access(options.trackingUri, io),
    alias: options.alias,
    message: options.message,
    readTextFile: (path, options) => io.readTextFile(path, options),
  });
  if (options.json) {
    json(io, {
      location: result.location,
      pushed: result.pushed.map((p) => ({
        node_id: p.nodeId,
        name: p.name,
        version: p.version,
        created: p.created,
        uri: p.uri,
      })),
      already_in_registry: result.alreadyInRegistry.map((p) => ({ node_id: p.nodeId, uri: p.uri })),
    });
    return 0;
  }
  const width = Math.max(0, ...result.pushed.map((p) => p.nodeId.length));
  const lines = result.pushed.map((p) =>
    `  ${p.nodeId.padEnd(width)}  prompt: ${p.uri}  (version ${p.version}, ${
      p.created ? "new" : "unchanged"
    })`
  );
  const kept = result.alreadyInRegistry.map((p) => `  ${p.nodeId}: already ${p.uri}`);
  io.stdout(
    (result.pushed.length
      ? `Pushed ${result.pushed.length} prompt${
        result.pushed.length === 1 ? "" : "s"
      } of ${file} to ${result.location}; use these in the nodes instead of prompt or prompt_file:\n${
        lines.join("\n")
      }\n`
      : `No inline prompts in ${file}: every node already names a registry prompt\n`) +
      (kept.length ? `${kept.join("\n")}\n` : ""),
  );
  return 0;
}

async function readTemplate(options: PromptsRegisterOptions, io: CliIO): Promise<string> {
  const given = [options.template, options.templateFile].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      `Cannot register the prompt as ${
        given.length
          ? "both --template and --template-file are"
          : "neither --template nor --template-file is"
      } given`,
      { hint: "Give the template inline with --template, or in a file with --template-file" },
    );
  }
  if (options.template !== undefined) return options.template;
  const path = options.templateFile ?? "";
  try {
    return await io.readTextFile(path);
  } catch (error) {
    throw new UsageError(
      `Cannot read template file "${path}" as ${error instanceof Error ? error.message : error}`,
      { hint: `Check the path, and run with --allow-read=${path}`, cause: error },
    );
  }
}

function parseTags(tags: readonly string[]): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const tag of tags) {
    const equals = tag.indexOf("=");
    if (equals <= 0) {
      throw new UsageError(`Cannot use tag "${tag}" as it is not key=value`, {
        hint: "Write --tag team=docs",
      });
    }
    parsed[tag.slice(0, equals).trim()] = tag.slice(equals + 1);
  }
  return parsed;
}

function locationOf(settings: PromptRegistryAccessOptions, io: CliIO): string {
  return resolvePromptRegistryDestination(undefined, {
    trackingUri: settings.trackingUri,
    env: io.env,
  })
    .uri;
}
