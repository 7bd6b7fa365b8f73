/**
 * A run recorded through the tracker into SQLite files made from each supported MLflow schema
 * has the rows MLflow's own client wrote for the same trace (golden-trace-rows.json): same
 * columns, same keys, same encodings.
 */
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { WORKFLOW_TAG } from "../../../src/tracking/trace_bundle.ts";
import { base64ToHex, parseExactJson } from "../_golden_json.ts";
import {
  createMlflowDatabase,
  fakeClock,
  goldenRows,
  MLFLOW_SCHEMAS,
  recordGoldenShapedRun,
  syncTracker,
  tableRows,
} from "../_helpers.ts";

type Row = Record<string, unknown>;

/** Metadata MLflow's client derives from git, which we do not write. */
const GIT_METADATA = [
  "mlflow.source.git.commit",
  "mlflow.source.git.repoURL",
  "mlflow.source.git.branch",
];
/** Columns that exist from MLflow 3.10 on. */
const NEWER_COLUMNS: Record<string, string[]> = {
  spans: ["dimension_attributes"],
  experiments: ["workspace"],
};

function columns(rows: Row[]): string[] {
  return Object.keys(rows[0] ?? {}).sort();
}

function keys(rows: Row[]): string[] {
  return rows.map((row) => String(row.key)).sort();
}

function valueOf(rows: Row[], key: string): unknown {
  return rows.find((row) => row.key === key)?.value;
}

async function recordIntoSchema(schema: (typeof MLFLOW_SCHEMAS)[number]) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/mlflow.db`;
  const artifactRoot = `${dir}/mlruns`;
  createMlflowDatabase(path, schema, artifactRoot);
  const sink = await SqliteSink.open(path, { artifactRoot });
  const tracker = syncTracker(sink, {
    trackingUri: `sqlite:///${path}`,
    experimentName: "golden",
    mlflow: { artifact_level: "minimal" },
    now: fakeClock(),
    user: "root",
    sourceName: "make_golden.py",
    // MLflow's client wrote the golden trace inside a run: one run per execution.
    runPerExecution: true,
  });
  const ids = await recordGoldenShapedRun(tracker);
  await tracker.close();
  const rows = (table: string) => tableRows(path, table);
  return { dir, path, artifactRoot, ids, rows };
}

for (const schema of MLFLOW_SCHEMAS) {
  const newer = schema.release !== "3.9.0";
  const expectedColumns = (table: string, golden: Row[]) =>
    columns(golden).filter((column) => newer || !(NEWER_COLUMNS[table] ?? []).includes(column));

  Deno.test(`SqliteSink writes trace rows like MLflow's own client into a ${schema.release} file`, async () => {
    const golden = goldenRows();
    const { dir, ids, rows } = await recordIntoSchema(schema);
    try {
      const traceId = ids.traceId;
      assert(traceId !== undefined && ids.runId !== undefined);

      const info = rows("trace_info");
      const goldenInfo = golden.trace_info ?? [];
      assertEquals(columns(info), columns(goldenInfo));
      assertEquals(info.length, 1);
      assertEquals(info[0]?.request_id, traceId);
      assertEquals(info[0]?.status, "OK");
      assertEquals(info[0]?.experiment_id, 1);
      assertEquals(info[0]?.client_request_id, null);
      assertEquals(info[0]?.request_preview, goldenInfo[0]?.request_preview);
      assertEquals(info[0]?.response_preview, goldenInfo[0]?.response_preview);

      const tags = rows("trace_tags");
      assertEquals(columns(tags), columns(golden.trace_tags ?? []));
      // MLflow's keys, plus the tag that marks the traces of this toolkit with their workflow.
      assertEquals(keys(tags), [...keys(golden.trace_tags ?? []), WORKFLOW_TAG].sort());
      assertEquals(valueOf(tags, WORKFLOW_TAG), "demo");
      assertEquals(valueOf(tags, "mlflow.traceName"), "workflow_demo");
      assertEquals(valueOf(tags, "mlflow.trace.spansLocation"), "TRACKING_STORE");
      assertEquals(
        valueOf(tags, "mlflow.artifactLocation"),
        `${dir}/mlruns/1/traces/${traceId}/artifacts`,
      );

      const metadata = rows("trace_request_metadata");
      const goldenMetadata = golden.trace_request_metadata ?? [];
      assertEquals(columns(metadata), columns(goldenMetadata));
      assertEquals(
        keys(metadata),
        keys(goldenMetadata).filter((key) => !GIT_METADATA.includes(key)),
      );
      for (
        const key of [
          "mlflow.traceInputs",
          "mlflow.traceOutputs",
          "mlflow.trace.tokenUsage",
          "mlflow.trace.cost",
          "mlflow.user",
          "mlflow.source.name",
          "mlflow.source.type",
          "mlflow.trace_schema.version",
          "mlflow.trace.infoFinalized",
        ]
      ) {
        assertEquals(valueOf(metadata, key), valueOf(goldenMetadata, key), key);
      }
      assertEquals(valueOf(metadata, "mlflow.sourceRun"), ids.runId);
      const sizeStats = JSON.parse(String(valueOf(metadata, "mlflow.trace.sizeStats")));
      assertEquals(
        Object.keys(sizeStats),
        Object.keys(JSON.parse(String(valueOf(goldenMetadata, "mlflow.trace.sizeStats")))),
      );
      assertEquals(String(sizeStats.total_size_bytes), valueOf(metadata, "mlflow.trace.sizeBytes"));

      const spans = rows("spans");
      const goldenSpans = golden.spans ?? [];
      assertEquals(columns(spans), expectedColumns("spans", goldenSpans));
      const shape = (list: Row[]) =>
        list.map((row) => `${row.name}/${row.type}/${row.status}`).sort();
      assertEquals(shape(spans), shape(goldenSpans));
      let usageSum = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
      for (const row of spans) {
        const goldenRow = goldenSpans.find((candidate) => candidate.name === row.name);
        assert(goldenRow !== undefined);
        assertEquals(row.trace_id, traceId);
        assertEquals(row.experiment_id, 1);
        assert(/^[0-9a-f]{16}$/.test(String(row.span_id)));
        assertEquals(
          row.duration_ns,
          Number(
            BigInt(row.end_time_unix_nano as bigint) - BigInt(row.start_time_unix_nano as bigint),
          ),
        );
        const content = parseExactJson(String(row.content)) as Record<string, unknown> & {
          attributes: Record<string, unknown>;
          status: { code: string };
        };
        const goldenContent = parseExactJson(String(goldenRow.content)) as typeof content;
        assertEquals(Object.keys(content), Object.keys(goldenContent));
        assertEquals(base64ToHex(String(content.trace_id)), traceId.slice(3));
        assertEquals(base64ToHex(String(content.span_id)), row.span_id);
        assertEquals(
          content.parent_span_id === null ? null : base64ToHex(String(content.parent_span_id)),
          row.parent_span_id,
        );
        assertEquals(content.start_time_unix_nano, row.start_time_unix_nano);
        assertEquals(content.end_time_unix_nano, row.end_time_unix_nano);
        assertEquals(content.status.code, `STATUS_CODE_${row.status}`);
        for (const [key, value] of Object.entries(content.attributes)) {
          assertEquals(typeof value, "string", key);
          parseExactJson(String(value));
        }
        assertEquals(JSON.parse(String(content.attributes["mlflow.traceRequestId"])), traceId);
        assertEquals(JSON.parse(String(content.attributes["mlflow.spanType"])), row.type);
        for (const key of Object.keys(goldenContent.attributes)) {
          assert(key in content.attributes, `${row.name}: ${key}`);
          if (key !== "mlflow.traceRequestId") {
            assertEquals(
              content.attributes[key],
              goldenContent.attributes[key],
              `${row.name}: ${key}`,
            );
          }
        }
        if (newer) assertEquals(row.dimension_attributes, goldenRow.dimension_attributes);
        const usage = content.attributes["mlflow.chat.tokenUsage"];
        if (typeof usage === "string") {
          const parsed = JSON.parse(usage);
          usageSum = {
            input_tokens: usageSum.input_tokens + parsed.input_tokens,
            output_tokens: usageSum.output_tokens + parsed.output_tokens,
            total_tokens: usageSum.total_tokens + parsed.total_tokens,
          };
        }
      }
      const review = spans.find((row) => row.name === "review");
      const reviewContent = JSON.parse(String(review?.content));
      assertEquals(Object.keys(reviewContent.events[0].attributes), [
        "exception.message",
        "exception.type",
        "exception.stacktrace",
      ]);

      const traceMetrics = rows("trace_metrics");
      assertEquals(columns(traceMetrics), columns(golden.trace_metrics ?? []));
      assertEquals(
        Object.fromEntries(traceMetrics.map((row) => [row.key, row.value])),
        usageSum,
      );
      assertEquals(
        Object.fromEntries(traceMetrics.map((row) => [row.key, row.value])),
        Object.fromEntries((golden.trace_metrics ?? []).map((row) => [row.key, row.value])),
      );
      assertEquals(JSON.parse(String(valueOf(metadata, "mlflow.trace.tokenUsage"))), usageSum);

      if (newer) {
        const spanMetrics = rows("span_metrics");
        const chat = spans.find((row) => row.type === "CHAT_MODEL");
        assertEquals(columns(spanMetrics), columns(golden.span_metrics ?? []));
        assertEquals(
          spanMetrics.map((row) => [row.span_id, row.key, row.value]),
          (golden.span_metrics ?? []).map((row) => [chat?.span_id, row.key, row.value]),
        );
      } else {
        assertEquals(
          tableRows(`${dir}/mlflow.db`, "sqlite_master").some((row) => row.name === "span_metrics"),
          false,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`SqliteSink writes the MLflow run like MLflow's own client into a ${schema.release} file`, async () => {
    const golden = goldenRows();
    const { dir, ids, rows, artifactRoot } = await recordIntoSchema(schema);
    try {
      const runs = rows("runs");
      assertEquals(columns(runs), columns(golden.runs ?? []));
      const run = runs[0];
      assert(run !== undefined);
      assertEquals(run.run_uuid, ids.runId);
      assert(/^[0-9a-f]{32}$/.test(String(run.run_uuid)));
      assertEquals(run.status, "FINISHED");
      assertEquals(run.lifecycle_stage, "active");
      assertEquals(run.user_id, "root");
      assertEquals(run.source_type, golden.runs?.[0]?.source_type);
      assertEquals(run.experiment_id, 1);
      assertEquals(run.artifact_uri, `${artifactRoot}/1/${ids.runId}/artifacts`);
      assertEquals(run.deleted_time, null);

      const tags = rows("tags");
      assertEquals(columns(tags), columns(golden.tags ?? []));
      for (const key of keys(golden.tags ?? [])) assert(keys(tags).includes(key), key);
      assertEquals(valueOf(tags, "mlflow.runName"), run.name);
      assertEquals(valueOf(tags, "configurable_agents.trace_id"), ids.traceId);
      assertEquals(valueOf(tags, "mlflow.source.name"), "make_golden.py");

      const params = rows("params");
      assertEquals(columns(params), columns(golden.params ?? []));
      for (const row of golden.params ?? []) {
        assertEquals(valueOf(params, String(row.key)), row.value);
      }

      const metrics = rows("metrics");
      const latest = rows("latest_metrics");
      assertEquals(columns(metrics), columns(golden.metrics ?? []));
      assertEquals(columns(latest), columns(golden.latest_metrics ?? []));
      for (const row of golden.metrics ?? []) {
        assertEquals(valueOf(metrics, String(row.key)), row.value);
      }
      const normalize = (list: Row[]) =>
        list.map((row) => [row.key, row.value, row.timestamp, row.step, row.is_nan, row.run_uuid])
          .sort();
      assertEquals(normalize(latest), normalize(metrics));
      assertEquals(
        keys(metrics),
        [
          "duration_seconds",
          "node_count",
          "node_review_cost_usd",
          "node_review_duration_ms",
          "node_write_cost_usd",
          "node_write_duration_ms",
          "status",
          "total_cost_usd",
          "total_input_tokens",
          "total_output_tokens",
          "total_tokens",
        ],
      );
      for (const row of metrics) {
        assertEquals(row.timestamp, run.end_time);
        assertEquals(row.step, 0);
        assertEquals(row.is_nan, 0);
      }

      const experiments = rows("experiments");
      const goldenExperiments = golden.experiments ?? [];
      assertEquals(columns(experiments), expectedColumns("experiments", goldenExperiments));
      const experiment = experiments.find((row) => row.experiment_id === 1);
      assertEquals(experiment?.name, "golden");
      assertEquals(experiment?.artifact_location, `${artifactRoot}/1`);
      assertEquals(experiment?.lifecycle_stage, "active");
      if (newer) assertEquals(experiment?.workspace, "default");

      const summary = JSON.parse(
        await Deno.readTextFile(`${artifactRoot}/1/${ids.runId}/artifacts/cost_summary.json`),
      );
      assertEquals(summary.total.cost_usd, 1.98e-5);
      assertEquals(
        JSON.parse(await Deno.readTextFile(`${artifactRoot}/1/${ids.runId}/artifacts/inputs.json`)),
        { topic: "tide pools" },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
