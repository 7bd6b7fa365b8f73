/**
 * The prompt registry for library users and the `prompts` commands: register a template (a new
 * version only when its text changed), list prompts, show one, and point an alias at a version,
 * in the MLflow SQLite file or on the tracking server a tracking URI names.
 *
 * @module
 */
import { aliasProblem, formatPromptUri, parsePromptUri } from "../config/prompt_uri.ts";
import { WorkflowError } from "../errors.ts";
import { denoEnv, type EnvReader } from "../tracking/http/mlflow_auth.ts";
import { openPromptRegistry } from "../tracking/prompts/open_prompt_registry.ts";
import type {
  PromptDetails,
  PromptRegistry,
  PromptSummary,
  PromptVersion,
} from "../tracking/prompts/prompt_registry.ts";
import { resolvePromptRegistryDestination } from "../tracking/prompts/prompt_registry_destination.ts";

/** Where the registry is and how to reach it. */
export interface PromptRegistryAccessOptions {
  /**
   * `sqlite:///path.db` or `http(s)://host[:port]`.
   *
   * @default {MLFLOW_TRACKING_URI, else "sqlite:///mlflow.db"}
   */
  trackingUri?: string | undefined;
  /**
   * Directory a relative SQLite path is resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string | undefined;
  /**
   * Reads `MLFLOW_TRACKING_URI` and a server's credentials.
   *
   * @default {the Deno environment where permitted, never prompting}
   */
  env?: EnvReader | undefined;
  /**
   * The fetch for a tracking server.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch | undefined;
  /** Cancels requests to a tracking server. */
  signal?: AbortSignal | undefined;
}

/** Options of {@linkcode registerPrompt}. */
export interface RegisterPromptOptions extends PromptRegistryAccessOptions {
  /**
   * Commit message of the new version.
   *
   * @default {undefined}
   */
  message?: string | undefined;
  /**
   * Tags of the version and the prompt.
   *
   * @default {{}}
   */
  tags?: Readonly<Record<string, string>> | undefined;
  /**
   * An alias to point at the registered version (new or unchanged).
   *
   * @default {undefined}
   */
  alias?: string | undefined;
}

/** What {@linkcode registerPrompt} did. */
export interface RegisteredPrompt {
  /** `prompts:/<name>/<version>` of the version holding the template. */
  readonly uri: string;
  /** That version. */
  readonly version: PromptVersion;
  /** `false` when the latest version already had this text (nothing new was written). */
  readonly created: boolean;
  /** The alias set, when one was asked for. */
  readonly alias: string | undefined;
  /** Where the registry is. */
  readonly location: string;
}

/** What {@linkcode showPrompt} found. */
export interface ShownPrompt {
  /** The prompt with every version and alias. */
  readonly prompt: PromptDetails;
  /** The version the URI names (the latest for a bare name). */
  readonly selected: PromptVersion;
  /** Where the registry is. */
  readonly location: string;
}

/**
 * Registers a template: a new prompt, or a new version when the text differs from the latest
 * version's (the same text makes no new version), then points `alias` at it when given.
 *
 * @example Usage
 * ```ts
 * import { registerPrompt } from "@configurable-agents/core";
 * const dir = await Deno.makeTempDir();
 * const trackingUri = `sqlite:///${dir}/mlflow.db`;
 * const first = await registerPrompt("greeter", "Greet {{name}}", {
 *   trackingUri,
 *   alias: "production",
 * });
 * const again = await registerPrompt("greeter", "Greet {{name}}", { trackingUri });
 * if (first.uri !== "prompts:/greeter/1" || again.created) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param name The prompt name (letters, digits, `_`, `-`, `.`).
 * @param template The template, with `{{variable}}` placeholders.
 * @param options Where, commit message, tags and alias.
 * @returns The version holding the template and whether it is new.
 * @throws {WorkflowError} `CONFIG_INVALID` for a bad name, alias, tag or template (nothing is
 * written then), `TRACKING_UNAVAILABLE` or `PERMISSION_DENIED` when the store cannot be written.
 */
export async function registerPrompt(
  name: string,
  template: string,
  options: RegisterPromptOptions = {},
): Promise<RegisteredPrompt> {
  checkAliasOption(name, options.alias);
  return await withRegistry(
    options,
    "write",
    (registry) => registerInto(registry, name, template, options),
  );
}

/**
 * Refuses an alias that cannot be set, before anything is written.
 *
 * @param name The prompt.
 * @param alias The alias, when one is asked for.
 * @throws {WorkflowError} `CONFIG_INVALID` naming the problem.
 */
export function checkAliasOption(name: string, alias: string | undefined): void {
  const problem = alias === undefined ? undefined : aliasProblem(alias, "set");
  if (problem) {
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot register prompt "${name}" with alias "${alias}" as ${problem}`,
      { phase: "validate" },
    );
  }
}

/**
 * Registers a template in an open registry, then points the alias at it when asked.
 *
 * @param registry The registry.
 * @param name The prompt.
 * @param template The template.
 * @param options Commit message, tags and alias.
 * @returns What was registered.
 */
export async function registerInto(
  registry: PromptRegistry,
  name: string,
  template: string,
  options: Pick<RegisterPromptOptions, "message" | "tags" | "alias">,
): Promise<RegisteredPrompt> {
  const { message, tags, alias } = options;
  const { version, created } = await registry.register(name, { template, message, tags });
  if (alias !== undefined) await registry.setAlias(name, alias, version.version);
  const aliases = alias === undefined || version.aliases.includes(alias)
    ? version.aliases
    : [...version.aliases, alias].sort();
  return {
    uri: formatPromptUri({ name, version: version.version }),
    version: { ...version, aliases },
    created,
    alias,
    location: registry.location,
  };
}

/**
 * Lists every prompt of the registry, by name, with its latest version and aliases.
 *
 * @example Usage
 * ```ts
 * import { listPrompts } from "@configurable-agents/core";
 * const prompts = await listPrompts({ trackingUri: "sqlite:///no-such.db", cwd: "/tmp" });
 * if (prompts.length !== 0) throw new Error("a missing file has no prompts");
 * ```
 *
 * @param options Where.
 * @returns The prompts (none when a SQLite file does not exist; it is not created).
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` or `PERMISSION_DENIED` when it cannot be read.
 */
export async function listPrompts(
  options: PromptRegistryAccessOptions = {},
): Promise<PromptSummary[]> {
  return await withRegistry(options, "read", (registry) => registry.list());
}

/**
 * One prompt with every version, its aliases and the template of the version a URI names:
 * `prompts:/<name>/<version>`, `prompts:/<name>@<alias>` (the scheme may be left out), or a bare
 * name for the latest.
 *
 * @example Usage
 * ```ts
 * import { registerPrompt, showPrompt } from "@configurable-agents/core";
 * const dir = await Deno.makeTempDir();
 * const trackingUri = `sqlite:///${dir}/mlflow.db`;
 * await registerPrompt("greeter", "Hello {{name}}", { trackingUri, alias: "production" });
 * await registerPrompt("greeter", "Hi {{name}}", { trackingUri });
 * const shown = await showPrompt("prompts:/greeter@production", { trackingUri });
 * if (shown.selected.template !== "Hello {{name}}" || shown.prompt.versions.length !== 2) {
 *   throw new Error();
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param nameOrUri A prompt URI, or a prompt name.
 * @param options Where.
 * @returns The prompt and the selected version.
 * @throws {SyntaxError} A malformed prompt URI.
 * @throws {WorkflowError} `PROMPT_NOT_FOUND` naming the prompts, versions and aliases that
 * exist.
 */
export async function showPrompt(
  nameOrUri: string,
  options: PromptRegistryAccessOptions = {},
): Promise<ShownPrompt> {
  const text = nameOrUri.trim();
  const uri = parsePromptUri(
    text.startsWith("prompts:/")
      ? text
      : /[/@]/.test(text)
      ? `prompts:/${text}`
      : `prompts:/${text}@latest`,
  );
  return await withRegistry(options, "read", async (registry) => {
    const prompt = await registry.show(uri.name);
    const selected = await registry.load(uri);
    return { prompt, selected, location: registry.location };
  });
}

/**
 * Points an alias at a version of a prompt, moving it when it already points elsewhere. Runs
 * that name the prompt by this alias use the new version from their next start.
 *
 * @example Usage
 * ```ts
 * import { registerPrompt, setPromptAlias } from "@configurable-agents/core";
 * const dir = await Deno.makeTempDir();
 * const trackingUri = `sqlite:///${dir}/mlflow.db`;
 * await registerPrompt("greeter", "Hello {{name}}", { trackingUri, alias: "production" });
 * await registerPrompt("greeter", "Hi {{name}}", { trackingUri });
 * const moved = await setPromptAlias("greeter", "production", 2, { trackingUri });
 * if (moved.previous !== 1 || moved.version.template !== "Hi {{name}}") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param name The prompt.
 * @param alias The alias (not `latest`, not `v<digits>`).
 * @param version The version it is to point at.
 * @param options Where.
 * @returns The version it points at now, and the one it pointed at before.
 * @throws {WorkflowError} `CONFIG_INVALID` for a reserved or malformed alias,
 * `PROMPT_NOT_FOUND` for a prompt or version that does not exist.
 */
export async function setPromptAlias(
  name: string,
  alias: string,
  version: number,
  options: PromptRegistryAccessOptions = {},
): Promise<{ version: PromptVersion; previous: number | undefined; location: string }> {
  return await withRegistry(options, "write", async (registry) => {
    const previous = (await registry.show(name)).aliases[alias];
    await registry.setAlias(name, alias, version);
    const now = await registry.load({ name, alias });
    return { version: now, previous, location: registry.location };
  });
}

/**
 * Opens the registry the options name, runs `fn` and closes it.
 *
 * @param options Where and how.
 * @param mode `read` never creates a SQLite file; `write` does.
 * @param fn What to do.
 * @returns What `fn` returns.
 */
export async function withRegistry<T>(
  options: PromptRegistryAccessOptions,
  mode: "read" | "write",
  fn: (registry: PromptRegistry) => Promise<T>,
): Promise<T> {
  const env = options.env ?? denoEnv();
  const destination = resolvePromptRegistryDestination(undefined, {
    trackingUri: options.trackingUri,
    env,
  });
  const registry = await openPromptRegistry(destination, {
    mode,
    env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    return await fn(registry);
  } finally {
    await registry.close();
  }
}
