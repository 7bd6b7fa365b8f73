/**
 * The contract of the MLflow Prompt Registry as this toolkit uses it: one interface, two
 * implementations (the SQLite file and the tracking server), both reading and writing exactly
 * what MLflow's own client does. A prompt is a registered model tagged
 * `mlflow.prompt.is_prompt=true`; each version keeps its template in the version tag
 * `mlflow.prompt.text`; aliases point at versions.
 *
 * @module
 */
import type { PromptUri } from "../../config/prompt_uri.ts";

/** One version of a prompt. */
export interface PromptVersion {
  /** The prompt's name. */
  readonly name: string;
  /** The version number, from 1. */
  readonly version: number;
  /**
   * The template (`mlflow.prompt.text`): text with `{{variable}}` placeholders, or for a chat
   * prompt the JSON list of messages.
   */
  readonly template: string;
  /** `text`, or `chat` for a list of messages (`_mlflow_prompt_type`). */
  readonly type: "text" | "chat";
  /** The commit message (the version's description), when one was given. */
  readonly message: string | undefined;
  /** The version's own tags, without MLflow's internal ones. */
  readonly tags: Readonly<Record<string, string>>;
  /** The aliases that point at this version, sorted. */
  readonly aliases: readonly string[];
  /** When it was registered, milliseconds since the epoch. */
  readonly createdAt: number | undefined;
}

/** A prompt, without its versions' templates. */
export interface PromptSummary {
  /** The name. */
  readonly name: string;
  /** The description (MLflow sets it from the first commit message). */
  readonly description: string | undefined;
  /** The prompt's own tags, without MLflow's internal ones. */
  readonly tags: Readonly<Record<string, string>>;
  /** The highest version, when there is one. */
  readonly latestVersion: number | undefined;
  /** Aliases by name, each to the version it points at. */
  readonly aliases: Readonly<Record<string, number>>;
  /** When it was created, milliseconds since the epoch. */
  readonly createdAt: number | undefined;
}

/** A prompt with all its versions, newest first. */
export interface PromptDetails extends PromptSummary {
  /** Every version, highest first. */
  readonly versions: readonly PromptVersion[];
}

/** What to register. */
export interface RegisterPromptInput {
  /** The template, with `{{variable}}` placeholders. */
  readonly template: string;
  /** Commit message: the version's description (and the prompt's, for a new prompt). */
  readonly message?: string | undefined;
  /** Tags of the new version and of the prompt. */
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/** What {@linkcode PromptRegistry.register} did. */
export interface RegisterPromptResult {
  /** The version now holding the template: the new one, or the latest when unchanged. */
  readonly version: PromptVersion;
  /** `true` when a new version was written; `false` when the latest had the same text. */
  readonly created: boolean;
}

/**
 * A prompt registry: the MLflow SQLite file or a tracking server. Every lookup that fails
 * names what exists (the prompts, or a prompt's versions and aliases).
 */
export interface PromptRegistry {
  /** Where it is, for messages: `sqlite:///path.db` or the server URL (no credentials). */
  readonly location: string;
  /**
   * Registers a template under a name: a new prompt, or a new version of the prompt when the
   * text differs from its latest version's; the same text makes no new version. The prompt's
   * tags are set either way, as MLflow's `register_prompt` does.
   *
   * @throws {WorkflowError} `CONFIG_INVALID` for a bad name or a model (not a prompt) of
   * that name; `TRACKING_UNAVAILABLE` when the store cannot be written.
   */
  register(name: string, input: RegisterPromptInput): Promise<RegisterPromptResult>;
  /**
   * Loads the version a URI names: a fixed version, an alias, or `latest` (the highest).
   *
   * @throws {WorkflowError} `PROMPT_NOT_FOUND` naming the prompts, versions and aliases that
   * exist; `TRACKING_UNAVAILABLE` when the store cannot be read.
   */
  load(uri: PromptUri): Promise<PromptVersion>;
  /**
   * Points an alias at a version (moving it when it exists).
   *
   * @throws {WorkflowError} `CONFIG_INVALID` for a reserved or malformed alias,
   * `PROMPT_NOT_FOUND` for a prompt or version that does not exist.
   */
  setAlias(name: string, alias: string, version: number): Promise<void>;
  /**
   * Lists every prompt, by name.
   *
   * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the store cannot be read.
   */
  list(): Promise<PromptSummary[]>;
  /**
   * One prompt with every version and alias.
   *
   * @throws {WorkflowError} `PROMPT_NOT_FOUND` naming the prompts that exist.
   */
  show(name: string): Promise<PromptDetails>;
  /** Releases the store (closes the database file). */
  close(): Promise<void>;
}
