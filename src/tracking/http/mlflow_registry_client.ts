/**
 * The model registry part of MLflow's REST API, which its Prompt Registry is built on:
 * registered models, their tags and aliases, and model versions. Requests carry the same
 * fields, in the same order, as MLflow's own Python client sends (see the golden wire
 * capture `golden-wire-prompt.jsonl`).
 *
 * @module
 */
import type { MlflowClientOptions } from "./mlflow_client.ts";
import type {
  MlflowModelVersion,
  MlflowModelVersionPage,
  MlflowRegisteredModel,
  MlflowRegisteredModelPage,
} from "./mlflow_entities.ts";
import {
  EmptyResponse,
  ModelVersionResponse,
  RegisteredModelResponse,
  SearchModelVersionsResponse,
  SearchRegisteredModelsResponse,
} from "./_mlflow_schemas.ts";
import { openConnection } from "./_client_connection.ts";
import type { RestTransport } from "./_rest_transport.ts";

const API = "/api/2.0/mlflow";

/** A new registered model. */
export interface CreateRegisteredModelInput {
  /** Unique name. */
  name: string;
  /** Tags in the order to send them. */
  tags: readonly (readonly [string, string])[];
  /** Description. */
  description?: string | undefined;
}

/** A new model version. */
export interface CreateModelVersionInput {
  /** Registered model name. */
  name: string;
  /** Where the model is (MLflow's client gives prompts `dummy-source`). */
  source: string;
  /** Tags in the order to send them. */
  tags: readonly (readonly [string, string])[];
  /** Description. */
  description?: string | undefined;
}

/** A search of `registered-models/search` or `model-versions/search`. */
export interface RegistrySearchInput {
  /** MLflow search filter, e.g. ``tags.`mlflow.prompt.is_prompt` = 'true'``. */
  filter: string;
  /** Page size (MLflow allows up to 1000 models, 200000 versions). */
  maxResults?: number;
  /** Token of the page to read. */
  pageToken?: string | undefined;
}

/**
 * A client of the model registry of one MLflow tracking server.
 *
 * @example Usage
 * ```ts
 * import { MlflowRegistryClient } from "./mlflow_registry_client.ts";
 * const fakeFetch: typeof fetch = () =>
 *   Promise.resolve(Response.json({ error_code: "RESOURCE_DOES_NOT_EXIST" }, { status: 404 }));
 * const client = new MlflowRegistryClient({
 *   baseUrl: "http://mlflow:5000",
 *   fetch: fakeFetch,
 *   env: () => undefined,
 * });
 * if (await client.getRegisteredModel("summarizer") !== undefined) throw new Error();
 * ```
 */
export class MlflowRegistryClient {
  readonly #base: string;
  readonly #transport: RestTransport;

  /**
   * Creates a client; credentials and the timeout are read from the environment once, here.
   *
   * @param options Base URL, fetch, environment, timeout and an abort signal.
   * @throws {TypeError} A base URL that is not http(s).
   */
  constructor(options: MlflowClientOptions) {
    const connection = openConnection(options);
    this.#base = connection.base;
    this.#transport = connection.transport;
  }

  /** The server's base URL, without credentials. */
  get baseUrl(): string {
    return this.#base;
  }

  /**
   * `GET registered-models/get`.
   *
   * @param name Registered model name.
   * @returns The model with its tags, aliases and latest versions, or `undefined`.
   * @throws {MlflowRequestError} Any other failure.
   */
  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel | undefined> {
    return await this.#transport.request({
      action: `read registered model "${name}"`,
      method: "GET",
      path: `${API}/registered-models/get`,
      query: { name },
      schema: RegisteredModelResponse,
      notFound: "undefined",
    });
  }

  /**
   * `POST registered-models/create`.
   *
   * @param input Name, tags and description.
   * @returns The new model.
   * @throws {MlflowRequestError} Name taken (`RESOURCE_ALREADY_EXISTS`) or any failure.
   */
  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<MlflowRegisteredModel> {
    return await this.#transport.request({
      action: `create registered model "${input.name}"`,
      method: "POST",
      path: `${API}/registered-models/create`,
      json: {
        name: input.name,
        ...keyValues(input.tags),
        ...(input.description === undefined ? {} : { description: input.description }),
      },
      schema: RegisteredModelResponse,
    });
  }

  /**
   * `POST registered-models/set-tag`.
   *
   * @param name Registered model name.
   * @param key Tag key.
   * @param value Tag value.
   * @throws {MlflowRequestError} Any failure.
   */
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.#transport.request({
      action: `set tag "${key}" of registered model "${name}"`,
      method: "POST",
      path: `${API}/registered-models/set-tag`,
      json: { name, key, value },
      schema: EmptyResponse,
    });
  }

  /**
   * `GET registered-models/search`: one page.
   *
   * @param input Filter and paging.
   * @returns The models of the page and the next page's token.
   * @throws {MlflowRequestError} Any failure.
   */
  async searchRegisteredModels(input: RegistrySearchInput): Promise<MlflowRegisteredModelPage> {
    return await this.#transport.request({
      action: "search registered models",
      method: "GET",
      path: `${API}/registered-models/search`,
      query: searchQuery(input, 1000),
      schema: SearchRegisteredModelsResponse,
    });
  }

  /**
   * `POST model-versions/create`.
   *
   * @param input Name, source, tags and description.
   * @returns The new version.
   * @throws {MlflowRequestError} Any failure.
   */
  async createModelVersion(input: CreateModelVersionInput): Promise<MlflowModelVersion> {
    return await this.#transport.request({
      action: `create a version of registered model "${input.name}"`,
      method: "POST",
      path: `${API}/model-versions/create`,
      json: {
        name: input.name,
        source: input.source,
        ...keyValues(input.tags),
        ...(input.description === undefined ? {} : { description: input.description }),
      },
      schema: ModelVersionResponse,
    });
  }

  /**
   * `GET model-versions/get`.
   *
   * @param name Registered model name.
   * @param version Version number.
   * @returns The version with its tags, or `undefined` when it does not exist.
   * @throws {MlflowRequestError} Any other failure.
   */
  async getModelVersion(name: string, version: number): Promise<MlflowModelVersion | undefined> {
    return await this.#transport.request({
      action: `read version ${version} of registered model "${name}"`,
      method: "GET",
      path: `${API}/model-versions/get`,
      query: { name, version: String(version) },
      schema: ModelVersionResponse,
      notFound: "undefined",
    });
  }

  /**
   * `GET model-versions/search`: one page.
   *
   * @param input Filter and paging.
   * @returns The versions of the page and the next page's token.
   * @throws {MlflowRequestError} Any failure.
   */
  async searchModelVersions(input: RegistrySearchInput): Promise<MlflowModelVersionPage> {
    return await this.#transport.request({
      action: "search model versions",
      method: "GET",
      path: `${API}/model-versions/search`,
      query: searchQuery(input, 10_000),
      schema: SearchModelVersionsResponse,
    });
  }

  /**
   * `GET registered-models/alias`: the version an alias points at (`latest`: the highest).
   *
   * @param name Registered model name.
   * @param alias The alias.
   * @returns The version.
   * @throws {MlflowRequestError} No such alias (`INVALID_PARAMETER_VALUE`) or any failure.
   */
  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion> {
    return await this.#transport.request({
      action: `read alias "${alias}" of registered model "${name}"`,
      method: "GET",
      path: `${API}/registered-models/alias`,
      query: { name, alias },
      schema: ModelVersionResponse,
    });
  }

  /**
   * `POST registered-models/alias`: points an alias at a version.
   *
   * @param name Registered model name.
   * @param alias The alias.
   * @param version Version number.
   * @throws {MlflowRequestError} Any failure.
   */
  async setRegisteredModelAlias(name: string, alias: string, version: number): Promise<void> {
    await this.#transport.request({
      action: `set alias "${alias}" of registered model "${name}"`,
      method: "POST",
      path: `${API}/registered-models/alias`,
      json: { name, alias, version: String(version) },
      schema: EmptyResponse,
    });
  }
}

function keyValues(tags: readonly (readonly [string, string])[]) {
  return tags.length === 0 ? {} : { tags: tags.map(([key, value]) => ({ key, value })) };
}

function searchQuery(input: RegistrySearchInput, defaultSize: number): Record<string, string> {
  return {
    filter: input.filter,
    max_results: String(input.maxResults ?? defaultSize),
    ...(input.pageToken === undefined ? {} : { page_token: input.pageToken }),
  };
}
