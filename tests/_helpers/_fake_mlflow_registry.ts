/**
 * The model registry of the fake MLflow server: registered models, their tags and aliases,
 * model versions and their tags, answered in the shapes a real `mlflow server` answers (as the
 * golden wire capture `golden-wire-prompt.jsonl` records them) and with its errors: 404
 * `RESOURCE_DOES_NOT_EXIST` for a missing model or version, 400 `INVALID_PARAMETER_VALUE` for a
 * missing alias or a reserved one, prompts hidden from searches that do not ask for them.
 *
 * @module
 */
import { z } from "zod";

type Json = Record<string, unknown>;

const KeyValue = z.strictObject({ key: z.string().max(250), value: z.string() });
const Bodies = {
  createModel: z.strictObject({
    name: z.string().min(1),
    tags: z.array(KeyValue).optional(),
    description: z.string().optional(),
  }),
  setModelTag: z.strictObject({ name: z.string(), key: z.string(), value: z.string() }),
  createVersion: z.strictObject({
    name: z.string(),
    source: z.string(),
    run_id: z.string().optional(),
    tags: z.array(KeyValue).optional(),
    run_link: z.string().optional(),
    description: z.string().optional(),
  }),
  setAlias: z.strictObject({
    name: z.string(),
    alias: z.string(),
    version: z.string().regex(/^\d+$/),
  }),
};

const IS_PROMPT = "mlflow.prompt.is_prompt";
const PROMPT_FILTER = /^tags?\.`mlflow\.prompt\.is_prompt` = 'true'$/;
const VERSION_FILTER = /^name = '([^']+)' AND tags?\.`mlflow\.prompt\.is_prompt` = 'true'$/;

interface FakeVersion {
  name: string;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description?: string;
  source: string;
  tags: Map<string, string>;
}

interface FakeModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  tags: Map<string, string>;
  aliases: Map<string, number>;
  versions: FakeVersion[];
}

/** A request the registry answers. */
export type RegistryHandler = (request: { url: URL; body: unknown }) => Response;

/** Registered models and versions of the fake server. */
export class FakeModelRegistry {
  /** Models by name. */
  readonly models = new Map<string, FakeModel>();

  /**
   * The handler of a registry endpoint, or `undefined` for any other path.
   *
   * @param method HTTP method.
   * @param path Path without query.
   * @returns The handler.
   */
  route(method: string, path: string): RegistryHandler | undefined {
    const api = "/api/2.0/mlflow";
    const routes: Record<string, RegistryHandler> = {
      [`GET ${api}/registered-models/get`]: ({ url }) => this.#getModel(param(url, "name")),
      [`POST ${api}/registered-models/create`]: ({ body }) =>
        this.#createModel(Bodies.createModel.parse(body)),
      [`POST ${api}/registered-models/set-tag`]: ({ body }) =>
        this.#setModelTag(Bodies.setModelTag.parse(body)),
      [`GET ${api}/registered-models/search`]: ({ url }) => this.#searchModels(url),
      [`POST ${api}/model-versions/create`]: ({ body }) =>
        this.#createVersion(Bodies.createVersion.parse(body)),
      [`GET ${api}/model-versions/get`]: ({ url }) =>
        this.#getVersion(param(url, "name"), Number(param(url, "version"))),
      [`GET ${api}/model-versions/search`]: ({ url }) => this.#searchVersions(url),
      [`POST ${api}/registered-models/alias`]: ({ body }) =>
        this.#setAlias(Bodies.setAlias.parse(body)),
      [`GET ${api}/registered-models/alias`]: ({ url }) =>
        this.#byAlias(param(url, "name"), param(url, "alias")),
    };
    return routes[`${method} ${path}`];
  }

  #getModel(name: string): Response {
    const model = this.models.get(name);
    return model ? Response.json({ registered_model: modelJson(model, true) }) : noModel(name);
  }

  #createModel(body: z.infer<typeof Bodies.createModel>): Response {
    if (this.models.has(body.name)) {
      return error(
        400,
        "RESOURCE_ALREADY_EXISTS",
        `Registered Model (name=${body.name}) already exists.`,
      );
    }
    const now = Date.now();
    const model: FakeModel = {
      name: body.name,
      creation_timestamp: now,
      last_updated_timestamp: now,
      ...(body.description === undefined ? {} : { description: body.description }),
      tags: new Map((body.tags ?? []).map(({ key, value }) => [key, value])),
      aliases: new Map(),
      versions: [],
    };
    this.models.set(model.name, model);
    return Response.json({ registered_model: modelJson(model, false) });
  }

  #setModelTag(body: z.infer<typeof Bodies.setModelTag>): Response {
    const model = this.models.get(body.name);
    if (!model) return noModel(body.name);
    model.tags.set(body.key, body.value);
    return Response.json({});
  }

  #searchModels(url: URL): Response {
    const filter = url.searchParams.get("filter") ?? "";
    const max = Number(url.searchParams.get("max_results") ?? "100");
    if (max > 1000) return error(400, "INVALID_PARAMETER_VALUE", "max_results over 1000");
    const prompts = PROMPT_FILTER.test(filter);
    if (filter && !prompts) return error(400, "INVALID_PARAMETER_VALUE", `Filter '${filter}'`);
    const models = [...this.models.values()]
      .filter((model) => (model.tags.get(IS_PROMPT) === "true") === prompts)
      .sort((a, b) => a.name.localeCompare(b.name));
    return Response.json(
      page(models.map((m) => modelJson(m, true)), "registered_models", max, url),
    );
  }

  #createVersion(body: z.infer<typeof Bodies.createVersion>): Response {
    const model = this.models.get(body.name);
    if (!model) return noModel(body.name);
    const now = Date.now();
    const version: FakeVersion = {
      name: body.name,
      version: Math.max(0, ...model.versions.map((v) => v.version)) + 1,
      creation_timestamp: now,
      last_updated_timestamp: now,
      current_stage: "None",
      ...(body.description === undefined ? {} : { description: body.description }),
      source: body.source,
      tags: new Map((body.tags ?? []).map(({ key, value }) => [key, value])),
    };
    model.versions.push(version);
    model.last_updated_timestamp = now;
    return Response.json({ model_version: versionJson(version) });
  }

  #getVersion(name: string, number: number): Response {
    const version = this.models.get(name)?.versions.find((v) => v.version === number);
    return version
      ? Response.json({ model_version: versionJson(version, this.#aliasesOf(version)) })
      : error(
        404,
        "RESOURCE_DOES_NOT_EXIST",
        `Model Version (name=${name}, version=${number}) not found`,
      );
  }

  #searchVersions(url: URL): Response {
    const filter = url.searchParams.get("filter") ?? "";
    const match = VERSION_FILTER.exec(filter);
    if (!match) return error(400, "INVALID_PARAMETER_VALUE", `Filter '${filter}'`);
    const max = Number(url.searchParams.get("max_results") ?? "10000");
    const versions = (this.models.get(match[1] ?? "")?.versions ?? [])
      .filter((version) => version.tags.get(IS_PROMPT) === "true")
      .toReversed();
    return Response.json(
      page(versions.map((v) => versionJson(v)), "model_versions", max, url),
    );
  }

  #setAlias(body: z.infer<typeof Bodies.setAlias>): Response {
    const model = this.models.get(body.name);
    if (!model) return noModel(body.name);
    if (body.alias.toLowerCase() === "latest" || /^[vV]\d+$/.test(body.alias)) {
      return error(400, "INVALID_PARAMETER_VALUE", `Alias name '${body.alias}' is reserved.`);
    }
    const version = Number(body.version);
    if (!model.versions.some((v) => v.version === version)) {
      return error(
        404,
        "RESOURCE_DOES_NOT_EXIST",
        `Model Version (name=${body.name}, version=${version}) not found`,
      );
    }
    model.aliases.set(body.alias, version);
    return Response.json({});
  }

  #byAlias(name: string, alias: string): Response {
    const model = this.models.get(name);
    if (!model) return noModel(name);
    const number = alias.toLowerCase() === "latest"
      ? Math.max(...model.versions.map((v) => v.version))
      : model.aliases.get(alias);
    const version = model.versions.find((v) => v.version === number);
    if (!version) {
      return error(400, "INVALID_PARAMETER_VALUE", `Registered model alias ${alias} not found.`);
    }
    return Response.json({ model_version: versionJson(version, this.#aliasesOf(version)) });
  }

  #aliasesOf(version: FakeVersion): string[] {
    const model = this.models.get(version.name);
    return [...(model?.aliases ?? [])].filter(([, v]) => v === version.version).map(([a]) => a);
  }
}

function modelJson(model: FakeModel, withVersions: boolean): Json {
  const latest = model.versions.at(-1);
  return {
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.last_updated_timestamp,
    ...(model.description === undefined ? {} : { description: model.description }),
    ...(withVersions && latest ? { latest_versions: [versionJson(latest)] } : {}),
    tags: [...model.tags].map(([key, value]) => ({ key, value })),
    ...(model.aliases.size
      ? {
        aliases: [...model.aliases].map(([alias, version]) => ({
          alias,
          version: String(version),
        })),
      }
      : {}),
  };
}

function versionJson(version: FakeVersion, aliases: string[] = []): Json {
  return {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creation_timestamp,
    last_updated_timestamp: version.last_updated_timestamp,
    current_stage: version.current_stage,
    ...(version.description === undefined ? {} : { description: version.description }),
    source: version.source,
    run_id: "",
    status: "READY",
    tags: [...version.tags].map(([key, value]) => ({ key, value })),
    run_link: "",
    ...(aliases.length ? { aliases } : {}),
  };
}

function page(items: Json[], key: string, size: number, url: URL): Json {
  const token = url.searchParams.get("page_token");
  const start = token ? Number(token) : 0;
  const next = start + size < items.length ? String(start + size) : undefined;
  return { [key]: items.slice(start, start + size), ...(next ? { next_page_token: next } : {}) };
}

function param(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null) throw new Error(`Missing value for required parameter '${name}'`);
  return value;
}

function noModel(name: string): Response {
  return error(404, "RESOURCE_DOES_NOT_EXIST", `Registered Model with name=${name} not found`);
}

function error(status: number, code: string, message: string): Response {
  return Response.json({ error_code: code, message }, { status });
}
