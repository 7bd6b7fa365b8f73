/**
 * The prompt registry of an MLflow tracking server, over its model registry REST API, with
 * the calls and bodies MLflow's own client sends: `registered-models/create` with the prompt
 * tag, `model-versions/create` with the template in `mlflow.prompt.text`,
 * `registered-models/alias` to set and read aliases.
 *
 * @module
 */
import { formatPromptUri, type PromptUri } from "../../config/prompt_uri.ts";
import { WorkflowError } from "../../errors.ts";
import type { MlflowClientOptions } from "../http/mlflow_client.ts";
import type { MlflowModelVersion, MlflowRegisteredModel } from "../http/mlflow_entities.ts";
import { MlflowRegistryClient } from "../http/mlflow_registry_client.ts";
import type {
  PromptDetails,
  PromptRegistry,
  PromptSummary,
  PromptVersion,
  RegisterPromptInput,
  RegisterPromptResult,
} from "./prompt_registry.ts";
import {
  checkAlias,
  checkRegistration,
  IS_PROMPT_TAG,
  isPromptModel,
  notAPrompt,
  PROMPT_SOURCE,
  PROMPT_TEXT_TAG,
  promptModelTags,
  promptNotFound,
  promptVersionTags,
  toPromptSummary,
  toPromptVersion,
  versionNotFound,
} from "./_prompt_records.ts";

/** Options of {@linkcode RestPromptRegistry}: how to reach the server. */
export type RestPromptRegistryOptions = Omit<MlflowClientOptions, "baseUrl">;

const PROMPT_FILTER = `tags.\`${IS_PROMPT_TAG}\` = 'true'`;

/**
 * A {@linkcode PromptRegistry} on an MLflow tracking server.
 *
 * @example Usage
 * ```ts
 * import { RestPromptRegistry } from "./rest_prompt_registry.ts";
 * const fakeFetch: typeof fetch = () =>
 *   Promise.resolve(Response.json({ registered_models: [] }));
 * const registry = new RestPromptRegistry("http://mlflow:5000", {
 *   fetch: fakeFetch,
 *   env: () => undefined,
 * });
 * if ((await registry.list()).length !== 0) throw new Error();
 * ```
 */
export class RestPromptRegistry implements PromptRegistry {
  /** The server URL, without credentials. */
  readonly location: string;
  readonly #client: MlflowRegistryClient;

  /**
   * Creates the registry; it sends nothing yet.
   *
   * @param baseUrl `http(s)://host[:port][/prefix]`.
   * @param options Fetch, environment (credentials, timeout) and an abort signal.
   * @throws {TypeError} A base URL that is not http(s).
   */
  constructor(baseUrl: string, options: RestPromptRegistryOptions = {}) {
    this.#client = new MlflowRegistryClient({ ...options, baseUrl });
    this.location = this.#client.baseUrl;
  }

  async register(name: string, input: RegisterPromptInput): Promise<RegisterPromptResult> {
    checkRegistration(name, input);
    const client = this.#client;
    const model = await client.getRegisteredModel(name);
    let aliases: Readonly<Record<string, number>> = {};
    if (!model) {
      await client.createRegisteredModel({
        name,
        tags: promptModelTags(input.tags ?? {}),
        description: input.message,
      });
    } else {
      if (!isPromptModel(model.tags)) throw notAPrompt(`register prompt "${name}"`, name);
      aliases = model.aliases;
      for (const [key, value] of Object.entries(input.tags ?? {})) {
        await client.setRegisteredModelTag(name, key, value);
      }
      const latest = latestOf(model);
      if (latest && latest.tags[PROMPT_TEXT_TAG] === input.template) {
        return { version: this.#prompt(latest, aliases), created: false };
      }
    }
    const created = await client.createModelVersion({
      name,
      source: PROMPT_SOURCE,
      tags: promptVersionTags(input),
      description: input.message,
    });
    return { version: this.#prompt(created, aliases), created: true };
  }

  async load(uri: PromptUri): Promise<PromptVersion> {
    const model = await this.#model(`load prompt "${formatPromptUri(uri)}"`, uri.name);
    const { alias } = uri;
    let found: MlflowModelVersion | undefined;
    if (alias === undefined) {
      found = await this.#client.getModelVersion(uri.name, uri.version);
    } else if (alias === "latest" ? latestOf(model) : model.aliases[alias] !== undefined) {
      found = await this.#client.getModelVersionByAlias(uri.name, alias);
    }
    if (!found) {
      throw versionNotFound(undefined, uri, await this.#versionNumbers(uri.name), model.aliases);
    }
    return this.#prompt(found, model.aliases);
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(name, alias, version);
    const action = `set alias "${alias}" of prompt "${name}" to version ${version}`;
    const model = await this.#model(action, name);
    if (!(await this.#client.getModelVersion(name, version))) {
      throw versionNotFound(
        action,
        { name, version },
        await this.#versionNumbers(name),
        model.aliases,
      );
    }
    await this.#client.setRegisteredModelAlias(name, alias, version);
  }

  async list(): Promise<PromptSummary[]> {
    const models: MlflowRegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.#client.searchRegisteredModels({ filter: PROMPT_FILTER, pageToken });
      models.push(...page.models.filter((model) => isPromptModel(model.tags)));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return models.sort((a, b) => a.name.localeCompare(b.name)).map(summaryOf);
  }

  async show(name: string): Promise<PromptDetails> {
    const model = await this.#model(`show prompt "${name}"`, name);
    const versions = (await this.#versions(name)).flatMap((stored) => {
      const version = toPromptVersion(storedOf(stored), model.aliases);
      return version ? [version] : [];
    });
    return { ...summaryOf(model), versions };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The prompt's registered model, or the error naming the prompts that exist. */
  async #model(action: string, name: string): Promise<MlflowRegisteredModel> {
    const model = await this.#client.getRegisteredModel(name);
    if (!model) {
      const names = (await this.list()).map((prompt) => prompt.name);
      throw promptNotFound(action, name, this.location, names);
    }
    if (!isPromptModel(model.tags)) throw notAPrompt(action, name);
    return model;
  }

  /** Every version of a prompt, highest first. */
  async #versions(name: string): Promise<MlflowModelVersion[]> {
    const versions: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.#client.searchModelVersions({
        filter: `name = '${name}' AND ${PROMPT_FILTER}`,
        pageToken,
      });
      versions.push(...page.versions.filter((version) => version.name === name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return versions.filter((version) => version.currentStage !== "Deleted_Internal")
      .sort((a, b) => b.version - a.version);
  }

  async #versionNumbers(name: string): Promise<number[]> {
    return (await this.#versions(name)).map((version) => version.version);
  }

  #prompt(version: MlflowModelVersion, aliases: Readonly<Record<string, number>>): PromptVersion {
    const loaded = toPromptVersion(storedOf(version), aliases);
    if (!loaded) {
      throw new WorkflowError(
        "PROMPT_NOT_FOUND",
        `Cannot load prompt "prompts:/${version.name}/${version.version}" as that version has no template (tag "${PROMPT_TEXT_TAG}")`,
        { phase: "load" },
      );
    }
    return loaded;
  }
}

/** The highest version among a model's latest versions (one per stage). */
function latestOf(model: MlflowRegisteredModel): MlflowModelVersion | undefined {
  return model.latestVersions.reduce<MlflowModelVersion | undefined>(
    (best, version) => (!best || version.version > best.version ? version : best),
    undefined,
  );
}

function storedOf(version: MlflowModelVersion) {
  return {
    name: version.name,
    version: version.version,
    description: version.description,
    creationTime: version.creationTimestamp,
    tags: version.tags,
  };
}

function summaryOf(model: MlflowRegisteredModel): PromptSummary {
  return toPromptSummary(
    {
      name: model.name,
      description: model.description,
      creationTime: model.creationTimestamp,
      tags: model.tags,
    },
    latestOf(model)?.version,
    model.aliases,
  );
}
