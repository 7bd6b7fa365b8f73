/**
 * Request bodies the fake MLflow server accepts: field names and types as MLflow's REST API
 * (`service.proto`) and the golden wire capture have them, unknown fields refused, and
 * MLflow's log-batch limits.
 *
 * @module
 */
import { z } from "zod";

const KeyValue = z.strictObject({ key: z.string().max(250), value: z.string() });
const Int = z.number().int();
const MetricValue = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]);
/** Schemas of the request bodies, by endpoint. */
export const Schemas = {
  createExperiment: z.strictObject({
    name: z.string().min(1),
    artifact_location: z.string().optional(),
  }),
  createRun: z.strictObject({
    experiment_id: z.string(),
    user_id: z.string().optional(),
    run_name: z.string().optional(),
    start_time: Int.optional(),
    tags: z.array(KeyValue).optional(),
  }),
  logBatch: z.strictObject({
    run_id: z.string(),
    metrics: z.array(z.strictObject({
      key: z.string().max(250),
      value: MetricValue,
      timestamp: Int,
      step: Int.optional(),
      run_id: z.string().optional(),
    })).max(1000).optional(),
    params: z.array(KeyValue.extend({ value: z.string().max(6000) })).optional(),
    tags: z.array(KeyValue.extend({ value: z.string().max(8000) })).optional(),
  }).refine((b) => (b.params?.length ?? 0) + (b.tags?.length ?? 0) <= 100, "too many params+tags"),
  updateRun: z.strictObject({
    run_id: z.string().optional(),
    run_uuid: z.string().optional(),
    status: z.enum(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]).optional(),
    end_time: Int.optional(),
    run_name: z.string().optional(),
  }),
  searchRuns: z.strictObject({
    experiment_ids: z.array(z.string()),
    filter: z.string().optional(),
    run_view_type: z.enum(["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]).optional(),
    max_results: Int.optional(),
    order_by: z.array(z.string()).optional(),
    page_token: z.string().optional(),
  }),
  startTrace: z.strictObject({
    trace: z.strictObject({
      trace_info: z.strictObject({
        trace_id: z.string().regex(/^tr-[0-9a-f]{32}$/),
        trace_location: z.strictObject({
          type: z.literal("MLFLOW_EXPERIMENT"),
          mlflow_experiment: z.strictObject({ experiment_id: z.string() }),
        }),
        request_time: z.iso.datetime(),
        execution_duration: z.string().regex(/^\d+(\.\d{3}|\.\d{6}|\.\d{9})?s$/),
        state: z.enum(["OK", "ERROR", "IN_PROGRESS"]),
        request_preview: z.string().optional(),
        response_preview: z.string().optional(),
        trace_metadata: z.record(z.string(), z.string()).optional(),
        tags: z.record(z.string(), z.string()).optional(),
      }),
    }),
  }),
  searchTraces: z.object({
    locations: z.array(z.object({
      type: z.literal("MLFLOW_EXPERIMENT"),
      mlflow_experiment: z.object({ experiment_id: z.string() }),
    })),
    filter: z.string().optional(),
    max_results: Int.max(500).optional(),
    order_by: z.array(z.string()).optional(),
    page_token: z.string().optional(),
  }),
};
