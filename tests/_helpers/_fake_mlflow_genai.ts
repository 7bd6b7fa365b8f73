/**
 * The GenAI endpoints of the fake MLflow server, with the bodies MLflow's own client sends
 * (golden wire captures `golden-wire-eval.jsonl` and `golden-wire-model.jsonl`) checked
 * strictly: logged models (search by name, create, params, finalize, delete), assessments
 * (kept in the trace info, as `GET traces/{id}` answers them), trace→run links, a run's
 * dataset inputs, and deleted runs.
 *
 * @module
 */
import { z } from "zod";
import type { FakeTrace } from "./_fake_mlflow_traces.ts";

const KeyValue = z.strictObject({ key: z.string(), value: z.string() });

/** Request bodies of the GenAI endpoints. */
const GenAiSchemas = {
  searchModels: z.strictObject({
    experiment_ids: z.array(z.string()),
    filter: z.string().regex(/^name='[^']*'$/),
    max_results: z.number().int().optional(),
  }),
  createModel: z.strictObject({
    experiment_id: z.string(),
    name: z.string().min(1),
    tags: z.array(KeyValue).optional(),
  }),
  modelParams: z.strictObject({ model_id: z.string(), params: z.array(KeyValue) }),
  finalize: z.strictObject({
    model_id: z.string(),
    status: z.literal("LOGGED_MODEL_READY"),
  }),
  link: z.strictObject({ trace_ids: z.array(z.string()).max(100), run_id: z.string() }),
  assessment: z.strictObject({
    assessment: z.strictObject({
      assessment_name: z.string().min(1),
      trace_id: z.string(),
      span_id: z.string().optional(),
      source: z.strictObject({
        source_type: z.enum(["CODE", "LLM_JUDGE", "HUMAN"]),
        source_id: z.string(),
      }),
      create_time: z.iso.datetime(),
      last_update_time: z.iso.datetime(),
      feedback: z.strictObject({
        value: z.json(),
        error: z.strictObject({ error_code: z.string(), error_message: z.string() }).optional(),
      }).optional(),
      expectation: z.strictObject({ value: z.json() }).optional(),
      rationale: z.string().optional(),
      metadata: z.record(z.string(), z.string()).optional(),
      valid: z.boolean().optional(),
    }).refine((a) => (a.feedback === undefined) !== (a.expectation === undefined)),
  }),
  logInputs: z.strictObject({
    run_id: z.string(),
    datasets: z.array(z.strictObject({
      dataset: z.strictObject({
        name: z.string(),
        digest: z.string(),
        source_type: z.string(),
        source: z.string(),
        profile: z.string().optional(),
      }),
    })),
  }),
  deleteRun: z.strictObject({ run_id: z.string() }),
};

/** A logged model of the fake server. */
export interface FakeLoggedModel {
  /** As MLflow answers it. */
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    creation_timestamp_ms: number;
    status: string;
    tags: { key: string; value: string }[];
  };
  /** Params by key. */
  params: Map<string, string>;
  /** Deleted (`DELETE logged-models/{id}`). */
  deleted: boolean;
}

/** What the GenAI endpoints need of the server. */
export interface FakeGenAiContext {
  /** Artifact location of an experiment. */
  artifactLocation(experimentId: string): string | undefined;
  /** The runs: their status and lifecycle. */
  runs: Map<string, { info: Record<string, unknown> }>;
  /** The traces. */
  traces: Map<string, FakeTrace>;
}

type Route = (body: unknown) => Response;

/** The state and routes of the GenAI endpoints. */
export class FakeGenAi {
  /** Logged models by id. */
  readonly loggedModels = new Map<string, FakeLoggedModel>();
  /** `trace id → run id` links, one entry each (as `entity_associations` rows). */
  readonly links = new Set<string>();
  /** Dataset inputs by run id. */
  readonly datasetInputs = new Map<string, unknown[]>();
  readonly #context: FakeGenAiContext;

  /** @param context The server's experiments, runs and traces. */
  constructor(context: FakeGenAiContext) {
    this.#context = context;
  }

  /**
   * The handler of a GenAI request, when the path is one.
   *
   * @param method HTTP method.
   * @param path Path without the query.
   * @returns A handler of the JSON body, or `undefined`.
   */
  route(method: string, path: string): Route | undefined {
    const api = "/api/2.0/mlflow";
    if (method === "POST" && path === `${api}/logged-models/search`) {
      return (body) => this.#search(GenAiSchemas.searchModels.parse(body));
    }
    if (method === "POST" && path === `${api}/logged-models`) {
      return (body) => this.#create(GenAiSchemas.createModel.parse(body));
    }
    const model = new RegExp(`^${api}/logged-models/(m-[0-9a-f]{32})(/params)?$`).exec(path);
    if (model) {
      const found = this.loggedModels.get(model[1] ?? "");
      if (!found) return () => notFound(`Logged model '${model[1]}' not found`);
      if (method === "POST" && model[2]) {
        return (body) => {
          for (const param of GenAiSchemas.modelParams.parse(body).params) {
            found.params.set(param.key, param.value);
          }
          return Response.json({});
        };
      }
      if (method === "PATCH") {
        return (body) => {
          found.info.status = GenAiSchemas.finalize.parse(body).status;
          return Response.json({ model: { info: found.info } });
        };
      }
      if (method === "DELETE") {
        return () => {
          found.deleted = true;
          return Response.json({});
        };
      }
      if (method === "GET") return () => Response.json({ model: { info: found.info } });
    }
    if (method === "POST" && path === `${api}/traces/link-to-run`) {
      return (body) => this.#link(GenAiSchemas.link.parse(body));
    }
    if (method === "POST" && path === `${api}/runs/log-inputs`) {
      return (body) => {
        const { run_id, datasets } = GenAiSchemas.logInputs.parse(body);
        this.datasetInputs.set(run_id, [...(this.datasetInputs.get(run_id) ?? []), ...datasets]);
        return Response.json({});
      };
    }
    if (method === "POST" && path === `${api}/runs/delete`) {
      return (body) => {
        const run = this.#context.runs.get(GenAiSchemas.deleteRun.parse(body).run_id);
        if (!run) return notFound("Run not found");
        run.info.lifecycle_stage = "deleted";
        return Response.json({});
      };
    }
    const assessments = /^\/api\/3\.0\/mlflow\/traces\/(tr-[0-9a-f]{32})\/assessments$/.exec(path);
    if (method === "POST" && assessments) {
      return (body) => this.#assess(assessments[1] ?? "", GenAiSchemas.assessment.parse(body));
    }
    return undefined;
  }

  #search(body: z.infer<typeof GenAiSchemas.searchModels>): Response {
    const name = /^name='([^']*)'$/.exec(body.filter)?.[1];
    const models = [...this.loggedModels.values()]
      .filter((model) =>
        !model.deleted && model.info.name === name &&
        body.experiment_ids.includes(model.info.experiment_id)
      )
      .map((model) => ({ info: model.info, data: {} }));
    return Response.json(models.length ? { models } : {});
  }

  #create(body: z.infer<typeof GenAiSchemas.createModel>): Response {
    const location = this.#context.artifactLocation(body.experiment_id);
    if (location === undefined) return notFound("No such experiment");
    const modelId = `m-${crypto.randomUUID().replaceAll("-", "")}`;
    const model: FakeLoggedModel = {
      info: {
        model_id: modelId,
        experiment_id: body.experiment_id,
        name: body.name,
        artifact_uri: `${location}/models/${modelId}/artifacts`,
        creation_timestamp_ms: Date.now(),
        status: "LOGGED_MODEL_PENDING",
        tags: body.tags ?? [],
      },
      params: new Map(),
      deleted: false,
    };
    this.loggedModels.set(modelId, model);
    return Response.json({ model: { info: model.info, data: {} } });
  }

  #link(body: z.infer<typeof GenAiSchemas.link>): Response {
    if (!this.#context.runs.has(body.run_id)) return notFound(`Run '${body.run_id}' not found`);
    for (const traceId of body.trace_ids) {
      if (!this.#context.traces.has(traceId)) return notFound(`Trace '${traceId}' not found`);
      this.links.add(`${traceId} ${body.run_id}`);
    }
    return Response.json({});
  }

  #assess(traceId: string, body: z.infer<typeof GenAiSchemas.assessment>): Response {
    const trace = this.#context.traces.get(traceId);
    if (!trace || body.assessment.trace_id !== traceId) {
      return notFound(`Trace with ID ${traceId} is not found.`);
    }
    const stored = {
      assessment_id: `a-${crypto.randomUUID().replaceAll("-", "")}`,
      ...body.assessment,
      valid: true,
    };
    const list = (trace.info.assessments ?? []) as unknown[];
    trace.info.assessments = [...list, stored];
    return Response.json({ assessment: stored });
  }
}

function notFound(message: string): Response {
  return Response.json({ error_code: "RESOURCE_DOES_NOT_EXIST", message }, { status: 404 });
}
