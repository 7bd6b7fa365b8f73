/**
 * An evaluation and an agent version recorded through the tracker into SQLite files of each
 * supported MLflow schema have the rows MLflow's own `mlflow.genai.evaluate` and
 * `mlflow.set_active_model` wrote (golden-eval-rows.json, golden-model-rows.json): same
 * columns, same encodings, same links.
 */
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { pushSpool } from "../../../src/tracking/delivery/push_spool.ts";
import {
  createMlflowDatabase,
  fakeClock,
  MLFLOW_SCHEMAS,
  readMlflowFixture,
  syncTracker,
  tableRows,
} from "../_helpers.ts";
import { AGENT_VERSION, recordEvaluation, RECORDS } from "../_genai_fixture.ts";

type Row = Record<string, unknown>;

function columns(rows: Row[]): string[] {
  return Object.keys(rows[0] ?? {}).sort();
}

function golden(name: string): Record<string, Row[]> {
  return JSON.parse(readMlflowFixture(name));
}

async function evaluateInto(schema: (typeof MLFLOW_SCHEMAS)[number], dir: string) {
  const path = `${dir}/mlflow.db`;
  const artifactRoot = `${dir}/mlruns`;
  createMlflowDatabase(path, schema, artifactRoot);
  const sink = await SqliteSink.open(path, { artifactRoot });
  const tracker = syncTracker(sink, {
    trackingUri: `sqlite:///${path}`,
    experimentName: "evalgold",
    now: fakeClock(),
    user: "root",
    agentVersion: AGENT_VERSION,
  });
  const ids = await recordEvaluation(tracker);
  await tracker.close();
  return { path, artifactRoot, ...ids, rows: (table: string) => tableRows(path, table) };
}

for (const schema of [MLFLOW_SCHEMAS[0], MLFLOW_SCHEMAS[3]]) {
  Deno.test(`SqliteSink writes an evaluation like mlflow.genai.evaluate into a ${schema.release} file`, async () => {
    const eval_ = golden("golden-eval-rows.json");
    const dir = await Deno.makeTempDir();
    try {
      const { rows, key, traceIds, artifactRoot } = await evaluateInto(schema, dir);
      // One run: the evaluation's, found by its key (its run id here).
      const runs = rows("runs");
      assertEquals(columns(runs), columns(eval_.runs ?? []));
      assertEquals(runs.map((run) => [run.run_uuid, run.status, run.name]), [
        [key, "FINISHED", "capitals-evaluation"],
      ]);
      assertEquals(runs[0]?.artifact_uri, `${artifactRoot}/1/${key}/artifacts`);
      const tags = Object.fromEntries(rows("tags").map((tag) => [tag.key, tag.value]));
      assertEquals(tags["mlflow.runType"], "genai_evaluate");
      assertEquals(tags["mlflow.runName"], "capitals-evaluation");
      assertEquals(tags["configurable_agents.run_kind"], "evaluation");
      for (const golden of eval_.tags ?? []) assert(String(golden.key) in tags, String(golden.key));
      const metrics = Object.fromEntries(rows("latest_metrics").map((m) => [m.key, m.value]));
      assertEquals(metrics["exact_match/mean"], 0.5);
      assertEquals(metrics["length_ok/mean"], 1);
      assertEquals([metrics.runs, metrics.succeeded, metrics.failed], [2, 2, 0]);
      assertEquals(columns(rows("metrics")), columns(eval_.metrics ?? []));
      const params = Object.fromEntries(rows("params").map((p) => [p.key, p.value]));
      assertEquals(params.dataset_digest, "bf945191");
      assertEquals(params.workflow_name, "capitals");

      // Each trace: the run in its metadata, MLflow's trace→run association, its request id.
      const metadata = rows("trace_request_metadata");
      const meta = (traceId: string, name: string) =>
        metadata.find((row) => row.request_id === traceId && row.key === name)?.value;
      const traceTags = rows("trace_tags");
      const associations = rows("entity_associations");
      assertEquals(columns(associations), columns(eval_.entity_associations ?? []));
      assertEquals(
        associations.map((
          row,
        ) => [row.source_type, row.source_id, row.destination_type, row.destination_id])
          .sort(),
        traceIds.map((traceId) => ["trace", traceId, "run", key]).sort(),
      );
      for (const [index, traceId] of traceIds.entries()) {
        assertEquals(meta(traceId, "mlflow.sourceRun"), key);
        assertEquals(
          traceTags.find((row) => row.request_id === traceId && row.key === "mlflow.eval.requestId")
            ?.value,
          `request-${index}`,
        );
      }

      // Assessments: as MLflow stores feedback and expectations.
      const assessments = rows("assessments");
      assertEquals(columns(assessments), columns(eval_.assessments ?? []));
      assertEquals(assessments.length, 7);
      const spans = rows("spans");
      for (const row of assessments) {
        const root = spans.find((span) =>
          span.trace_id === row.trace_id && span.parent_span_id === null
        );
        assertEquals(row.span_id, root?.span_id);
        assertEquals(row.valid, 1);
        assertEquals(row.run_id, null);
        assertEquals(row.overrides, null);
        assertEquals(
          JSON.parse(String(row.assessment_metadata))["mlflow.assessment.sourceRunId"],
          key,
        );
      }
      const find = (traceId: string | undefined, name: string) =>
        assessments.find((row) => row.trace_id === traceId && row.name === name);
      const first = find(traceIds[0], "exact_match");
      const goldenExact = eval_.assessments?.find((row) =>
        row.name === "exact_match" && row.value === "true"
      );
      for (const column of ["assessment_type", "value", "error", "source_type", "source_id"]) {
        assertEquals(first?.[column], goldenExact?.[column], column);
      }
      assertEquals(find(traceIds[1], "exact_match")?.value, "false");
      assertEquals(find(traceIds[0], "length_ok")?.rationale, "length 5");
      const expectation = find(traceIds[1], "expected_response");
      assertEquals(
        [expectation?.assessment_type, expectation?.value, expectation?.source_type],
        ["expectation", '"Lima"', "HUMAN"],
      );
      assertEquals(JSON.parse(String(expectation?.assessment_metadata)), {
        "mlflow.assessment.sourceRunId": key,
      });
      const failed = find(traceIds[1], "polite");
      assertEquals([failed?.value, failed?.source_type, failed?.source_id], [
        "null",
        "LLM_JUDGE",
        "openai/gpt-4o-mini",
      ]);
      assertEquals(JSON.parse(String(failed?.error)), {
        error_code: "JUDGE_FAILED",
        error_message: "Cannot judge as the model timed out",
        stack_trace: null,
      });
      assertEquals(
        JSON.parse(String(failed?.assessment_metadata))["configurable_agents.judge.cost_usd"],
        "0.0001",
      );

      // The dataset, as mlflow.log_input records it.
      const datasets = rows("datasets");
      assertEquals(columns(datasets), columns(eval_.datasets ?? []));
      assertEquals(datasets.map((row) => [row.name, row.digest]), [["capitals.jsonl", "bf945191"]]);
      const inputs = rows("inputs");
      assertEquals(columns(inputs), columns(eval_.inputs ?? []));
      assertEquals(
        inputs.map((
          row,
        ) => [row.source_type, row.source_id, row.destination_type, row.destination_id]),
        [
          ["DATASET", datasets[0]?.dataset_uuid, "RUN", key],
        ],
      );
      assertEquals(RECORDS.length, traceIds.length);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`SqliteSink writes the agent version like mlflow.set_active_model into a ${schema.release} file`, async () => {
    const model = golden("golden-model-rows.json");
    const dir = await Deno.makeTempDir();
    try {
      const { rows, traceIds, artifactRoot } = await evaluateInto(schema, dir);
      const models = rows("logged_models");
      assertEquals(columns(models), columns(model.logged_models ?? []));
      assertEquals(models.length, 1);
      const [row] = models;
      assert(/^m-[0-9a-f]{32}$/.test(String(row?.model_id)));
      assertEquals(
        [row?.name, row?.status, row?.lifecycle_stage, row?.experiment_id],
        ["capitals-3f2a9c1e", model.logged_models?.[0]?.status, "active", 1],
      );
      assertEquals(row?.artifact_location, `${artifactRoot}/1/models/${row?.model_id}/artifacts`);
      const params = rows("logged_model_params");
      assertEquals(columns(params), columns(model.logged_model_params ?? []));
      assertEquals(
        Object.fromEntries(params.map((param) => [param.param_key, param.param_value])),
        AGENT_VERSION.params,
      );
      const tags = rows("logged_model_tags");
      assertEquals(columns(tags), columns(model.logged_model_tags ?? []));
      assertEquals(
        tags.map((tag) => tag.tag_key).sort(),
        (model.logged_model_tags ?? []).map((tag) => tag.tag_key).sort(),
      );
      const linked = rows("trace_request_metadata").filter((m) => m.key === "mlflow.modelId");
      assertEquals(
        linked.map((m) => [m.request_id, m.value]).sort(),
        traceIds.map((id) => [id, row?.model_id]).sort(),
      );
      const files = `${row?.artifact_location}`;
      assertEquals(await Deno.readTextFile(`${files}/capitals.yaml`), "flow: { name: capitals }\n");
      assert((await Deno.readTextFile(`${files}/MLmodel`)).includes(`model_id: ${row?.model_id}`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("SqliteSink keeps one agent version and one evaluation run when they are delivered again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { path, rows } = await evaluateInto(MLFLOW_SCHEMAS[0], dir);
    const before = Object.fromEntries(
      ["runs", "metrics", "assessments", "entity_associations", "logged_models", "inputs"]
        .map((table) => [table, rows(table).length]),
    );
    // A second evaluation of the same version reuses its logged model and makes its own run.
    const sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
    const again = syncTracker(sink, {
      trackingUri: `sqlite:///${path}`,
      experimentName: "evalgold",
      agentVersion: AGENT_VERSION,
    });
    await recordEvaluation(again);
    await again.close();
    assertEquals(rows("logged_models").length, 1);
    assertEquals(rows("runs").length, before.runs! + 1);
    assertEquals(rows("assessments").length, before.assessments! * 2);
    assertEquals(
      new Set(
        rows("trace_request_metadata").filter((m) => m.key === "mlflow.modelId")
          .map((m) => m.value),
      ).size,
      1,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("traces push delivers a spooled evaluation (traces, assessments, run end) once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/mlflow.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[0], `${dir}/mlruns`);
    const spool = new Spool({ dir: `${dir}/spool` });
    // A destination that refuses everything: all of it goes to the spool.
    const down = syncTracker({
      deliver: () => Promise.reject(new Error("server down")),
      close: () => Promise.resolve(),
    }, {
      trackingUri: `sqlite:///${path}`,
      experimentName: "evalgold",
      agentVersion: AGENT_VERSION,
      spool: { dir: `${dir}/spool` },
      warn: () => {},
    });
    const { key, traceIds } = await recordEvaluation(down);
    await down.close();
    assertEquals((await spool.list()).length, 3);
    const push = () =>
      pushSpool({
        spool,
        sinkFor: () => SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` }),
      });
    const report = await push();
    assertEquals(report.delivered, [...traceIds, `run-${key}`].sort());
    assertEquals(report.failed, []);
    const rows = (table: string) => tableRows(path, table);
    assertEquals(rows("runs").map((run) => [run.run_uuid, run.status]), [[key, "FINISHED"]]);
    assertEquals(rows("assessments").length, 7);
    assertEquals(rows("entity_associations").length, 2);
    assertEquals((await push()).total, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
