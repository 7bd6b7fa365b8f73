import { createHash } from "node:crypto";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { isWorkflowError, WorkflowError } from "../../src/errors.ts";
import { CapturePolicy, contentDigest, REDACTED } from "../../src/tracking/capture_policy.ts";
import type { MlflowTracker } from "../../src/tracking/mlflow_tracker.ts";
import { pythonJsonDumps } from "../../src/tracking/python_json.ts";
import { isSecretEnvName, secretValuesFromEnv } from "../../src/tracking/secrets.ts";
import type { SpanRecord, TraceBundle } from "../../src/tracking/trace_bundle.ts";
import {
  fakeClock,
  GOLDEN_CALL,
  memorySink,
  ownRun,
  recordGoldenShapedRun,
  syncTracker,
} from "./_helpers.ts";

async function record(
  options: {
    mlflow?: Record<string, unknown>;
    nodes?: { id: string; log_prompts?: boolean }[];
    secrets?: string[];
  },
  drive: (tracker: MlflowTracker) => Promise<unknown> = recordGoldenShapedRun,
): Promise<TraceBundle> {
  const sink = memorySink();
  const tracker = syncTracker(sink, {
    experimentName: "capture",
    mlflow: { artifact_level: "full", ...options.mlflow },
    nodes: options.nodes ?? [],
    secrets: options.secrets ?? [],
    now: fakeClock(),
    // Artifacts belong to the MLflow run of one execution.
    runPerExecution: true,
  });
  await drive(tracker);
  const bundle = sink.bundles[0];
  if (bundle === undefined) throw new Error("No bundle");
  return bundle;
}

function span(bundle: TraceBundle, name: string): SpanRecord {
  const found = bundle.trace.spans.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`No span ${name}`);
  return found;
}

/** Everything a bundle would write anywhere, as one text. */
function everything(bundle: TraceBundle): string {
  return JSON.stringify(bundle, (_key, value) => typeof value === "bigint" ? String(value) : value);
}

function digestOf(value: unknown) {
  const text = pythonJsonDumps(value);
  return {
    size_bytes: new TextEncoder().encode(text).length,
    sha256: createHash("sha256").update(text).digest("hex"),
  };
}

Deno.test("log_prompts false records only sizes and hashes in the root and node spans", async () => {
  const bundle = await record({ mlflow: { log_prompts: false } });
  for (const name of ["workflow_demo", "write", "ChatOpenAI", "serper_search"]) {
    const attributes = span(bundle, name).attributes;
    for (const key of ["mlflow.spanInputs", "mlflow.spanOutputs"]) {
      const value = attributes[key] as Record<string, unknown>;
      assertEquals(Object.keys(value), ["size_bytes", "sha256"], `${name} ${key}`);
    }
  }
  assertEquals(
    span(bundle, "workflow_demo").attributes["mlflow.spanInputs"],
    digestOf({ topic: "tide pools" }),
  );
  assertEquals(span(bundle, "ChatOpenAI").attributes["mlflow.chat.tokenUsage"], GOLDEN_CALL.usage);
  assertEquals(bundle.trace.requestPreview, pythonJsonDumps(digestOf({ topic: "tide pools" })));
  assert(!everything(bundle.trace as unknown as TraceBundle).includes("Write about tide pools"));
  assert(!ownRun(bundle).artifacts.some((file) => file.path.startsWith("nodes/")));
});

Deno.test("a node's log_prompts overrides the workflow setting for that node's spans only", async () => {
  const bundle = await record({ nodes: [{ id: "write", log_prompts: false }] });
  for (const name of ["write", "ChatOpenAI", "serper_search"]) {
    assertEquals(Object.keys(span(bundle, name).attributes["mlflow.spanInputs"] as object), [
      "size_bytes",
      "sha256",
    ]);
  }
  assertEquals(span(bundle, "review").attributes["mlflow.spanInputs"], { text: "x" });
  assertEquals(span(bundle, "workflow_demo").attributes["mlflow.spanInputs"], {
    topic: "tide pools",
  });
});

Deno.test("redact masks a state field everywhere, including copies of its value in prompts", async () => {
  const bundle = await record({ mlflow: { redact: ["topic"] } });
  assertEquals(span(bundle, "workflow_demo").attributes["mlflow.spanInputs"], { topic: REDACTED });
  assertEquals(bundle.trace.requestPreview, '{"topic": "[REDACTED]"}');
  assertEquals(bundle.trace.metadata["mlflow.traceInputs"], '{"topic": "[REDACTED]"}');
  assertEquals(span(bundle, "write").attributes["mlflow.spanInputs"], {
    prompt: "Write about [REDACTED]",
  });
  assertEquals(span(bundle, "serper_search").attributes["mlflow.spanInputs"], { query: REDACTED });
  assert(!everything(bundle).includes("tide pools"));
  const inputs = ownRun(bundle).artifacts.find((file) => file.path === "inputs.json");
  assertEquals(JSON.parse(inputs?.content ?? "{}"), { topic: REDACTED });
});

Deno.test("redact with a regular expression masks matching fields and matching text", async () => {
  const bundle = await record(
    { mlflow: { redact: ["secret_.*", "\\d{3}-\\d{2}-\\d{4}"] } },
    async (tracker) => {
      const run = tracker.startRun({
        workflowName: "pii",
        workflowVersion: undefined,
        nodeCount: 1,
        provider: "openai",
        model: "gpt-4o-mini",
        inputs: { secret_note: "keep out", text: "SSN 123-45-6789 on file" },
      });
      await run.span(
        { type: "CHAIN", name: "n", nodeId: "n", inputs: { line: "ssn=987-65-4321" } },
        () => Promise.reject(new Error("bad SSN 111-22-3333")),
      ).catch(() => {});
      await run.finish({ status: "failed", error: new Error("stopped at 111-22-3333") });
    },
  );
  assertEquals(span(bundle, "workflow_pii").attributes["mlflow.spanInputs"], {
    secret_note: REDACTED,
    text: "SSN [REDACTED] on file",
  });
  assertEquals(span(bundle, "n").attributes["mlflow.spanInputs"], { line: "ssn=[REDACTED]" });
  assertEquals(span(bundle, "n").status.message, "Error: bad SSN [REDACTED]");
  const text = everything(bundle);
  for (const leaked of ["keep out", "123-45-6789", "987-65-4321", "111-22-3333"]) {
    assert(!text.includes(leaked), leaked);
  }
});

Deno.test("secrets are scrubbed from spans, events, metadata, params, tags and artifacts", async () => {
  const secret = "sk-live-0123456789abcdef";
  const bundle = await record({
    secrets: [secret, "tok-98765"],
    mlflow: { run_name: "run {flow_name}" },
  }, async (tracker) => {
    const run = tracker.startRun({
      workflowName: `leaky-${secret}`,
      workflowVersion: "tok-98765",
      nodeCount: 1,
      provider: "openai",
      model: "gpt-4o-mini",
      inputs: { key: secret, note: `uses ${secret}` },
      sessionId: `session-${secret}`,
    });
    await run.span({
      type: "CHAIN",
      name: "n",
      nodeId: "n",
      inputs: { header: `Bearer ${secret}` },
    }, async () => {
      await run.span({
        type: "TOOL",
        name: "http_get",
        attributes: { url: `https://x/?key=${secret}` },
      }, (scope) => {
        scope.setOutputs({ echoed: secret });
        return Promise.reject(new Error(`401 for key ${secret}`));
      }).catch(() => {});
    });
    run.snapshot("n", { key: secret });
    await run.finish({
      status: "failed",
      error: new Error(`failed with ${secret}`),
      reason: `why ${secret}`,
    });
  });
  const text = everything(bundle);
  assert(!text.includes(secret));
  assert(!text.includes("tok-98765"));
  assert(text.includes(REDACTED));
  const tool = span(bundle, "http_get");
  assertEquals(tool.attributes.url, `https://x/?key=${REDACTED}`);
  assertEquals(tool.events[0]?.attributes["exception.message"], `401 for key ${REDACTED}`);
  assert(ownRun(bundle).artifacts.some((file) => file.path === "snapshots/001_n.json"));
});

Deno.test("CapturePolicy refuses a redact entry that is not a valid regular expression", () => {
  const error = assertThrows(
    () => new CapturePolicy({ redact: ["(unclosed"] }),
    WorkflowError,
    'Cannot use redact entry "(unclosed"',
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_INVALID");
});

Deno.test("RunRedactor.scrub() replaces every occurrence, longest secret first", () => {
  const redactor = new CapturePolicy({ secrets: ["abc", "abcdef"] }).forRun([]);
  assertEquals(redactor.scrub("abcdef abc xabcx"), `${REDACTED} ${REDACTED} x${REDACTED}x`);
});

Deno.test("contentDigest() hashes the Python-style JSON of a value", () => {
  assertEquals(contentDigest({ a: "é" }), digestOf({ a: "é" }));
  assertEquals(contentDigest({ a: "é" }).size_bytes, '{"a": "\\u00e9"}'.length);
});

Deno.test("secretValuesFromEnv() picks known credentials and *_API_KEY/_TOKEN/_SECRET/_PASSWORD", () => {
  assertEquals(
    secretValuesFromEnv({
      OPENAI_API_KEY: "a",
      MLFLOW_TRACKING_PASSWORD: "b",
      CUSTOM_SECRET: "c",
      DB_PASSWORD: "d",
      HOME: "/root",
      EMPTY_TOKEN: "",
      PATH: "/bin",
    }),
    ["a", "b", "c", "d"],
  );
  assert(
    isSecretEnvName("GEMINI_API_KEY") && isSecretEnvName("github_token") &&
      !isSecretEnvName("USER"),
  );
});

Deno.test("redact patterns mask content but never span types, node names or params", async () => {
  const bundle = await record({ mlflow: { redact: ["[A-Z]{5}"] } }, async (tracker) => {
    const run = tracker.startRun({
      workflowName: "WORDS",
      workflowVersion: "ABCDE",
      nodeCount: 1,
      provider: "openai",
      model: "gpt-4o-mini",
      inputs: { text: "say HELLO" },
    });
    await run.span({ type: "CHAIN", name: "SHOUT", nodeId: "SHOUT" }, () => Promise.resolve());
    await run.finish({ status: "success", outputs: { text: "said HELLO" } });
  });
  const root = span(bundle, "workflow_WORDS");
  assertEquals(root.attributes["mlflow.spanType"], "AGENT");
  assertEquals(root.attributes.workflow_version, "ABCDE");
  assertEquals(root.attributes["mlflow.spanInputs"], { text: `say ${REDACTED}` });
  assertEquals(span(bundle, "SHOUT").attributes["mlflow.spanType"], "CHAIN");
  assertEquals(ownRun(bundle).params.workflow_name, "WORDS");
  assertEquals(bundle.trace.tags["mlflow.traceName"], "workflow_WORDS");
  assertEquals(typeof ownRun(bundle).metrics.node_SHOUT_duration_ms, "number");
});
