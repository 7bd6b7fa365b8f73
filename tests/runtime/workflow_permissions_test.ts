import { permissionFlags, workflowPermissions } from "../../src/runtime/workflow_permissions.ts";
import { loadRunnableWorkflow } from "../../src/runtime/load_runnable_workflow.ts";
import { OTLP_ENV_NAMES } from "../../src/tracking/otlp/otlp_env.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { GREETING, loaded } from "./_helpers.ts";

const TRACKING_FILES = [
  "mlflow.db",
  "mlflow.db-wal",
  "mlflow.db-shm",
  "mlflow.db-journal",
  "mlruns",
  ".mlflow-spool",
];

Deno.test("workflowPermissions() of a mock run without tracking reads the file and nothing else", async () => {
  const workflow = await loadRunnableWorkflow("examples/refine_loop.yaml");
  const permissions = workflowPermissions(workflow, { mock: true });
  assertEquals(permissions, {
    read: ["examples/refine_loop.yaml", "examples/prompts/review.txt"],
    write: [],
    env: ["CONFIGURABLE_AGENTS_PRICES", "NO_COLOR"],
    net: [],
    trackingUri: undefined,
  });
});

Deno.test("workflowPermissions() of a live run lists provider and tool hosts and variables", async () => {
  const workflow = await loadRunnableWorkflow("examples/article_writer.yaml");
  const permissions = workflowPermissions(workflow, { tracking: false });
  assertEquals(permissions.net, ["generativelanguage.googleapis.com", "google.serper.dev"]);
  for (const name of ["GOOGLE_API_KEY", "GEMINI_API_KEY", "SERPER_API_KEY"]) {
    assert(permissions.env.includes(name), name);
  }
  assertEquals(permissions.write, []);
  const mock = workflowPermissions(workflow, { mock: true });
  assertEquals(mock.net, []);
  assert(!mock.env.includes("SERPER_API_KEY"));
  assertEquals(mock.trackingUri, "sqlite:///mlflow.db");
  assertEquals(mock.write, TRACKING_FILES);
  assertEquals(mock.read, ["examples/article_writer.yaml", ...TRACKING_FILES]);
  for (const name of ["MLFLOW_TRACKING_URI", "USER", "USERNAME"]) assert(mock.env.includes(name));
});

Deno.test("workflowPermissions() gives file tools their roots and a tracking server its host and variables", () => {
  const workflow = loaded({
    ...GREETING,
    nodes: [{
      id: "greet",
      prompt: "Greet {state.name}",
      outputs: ["greeting"],
      tools: [
        { name: "read_file", config: { roots: ["./notes"] } },
        { name: "write_file", config: { roots: ["./out"] } },
        { name: "http_get", config: { allowed_hosts: ["example.com", "api.example.com:8443"] } },
      ],
      llm: { provider: "ollama", model: "llama3.2" },
    }],
  });
  const env = (name: string) =>
    ({ OLLAMA_HOST: "gpu-box:11434", CONFIGURABLE_AGENTS_PRICES: "prices.json" })[name];
  const permissions = workflowPermissions(workflow, {
    trackingUri: "https://mlflow.example.com",
    env,
  });
  assertEquals(permissions.read, ["prices.json", "./notes", "./out", ".mlflow-spool"]);
  assertEquals(permissions.write, ["./out", ".mlflow-spool"]);
  assertEquals(permissions.net, [
    "gpu-box:11434",
    "api.example.com:8443",
    "example.com",
    "mlflow.example.com:443",
  ]);
  for (
    const name of [
      "OLLAMA_HOST",
      "MLFLOW_TRACKING_TOKEN",
      "MLFLOW_HTTP_REQUEST_TIMEOUT",
      "TRACEPARENT",
      ...OTLP_ENV_NAMES,
    ]
  ) {
    assert(permissions.env.includes(name), name);
  }
  // The URI was given explicitly: MLFLOW_TRACKING_URI is not read.
  assert(!permissions.env.includes("MLFLOW_TRACKING_URI"));
  const mock = workflowPermissions(workflow, { mock: true, tracking: false, env });
  assertEquals(mock.read, ["prices.json"]);
  assertEquals(mock.net, []);
});

Deno.test("workflowPermissions() follows MLFLOW_TRACKING_URI and rejects unsupported URIs", () => {
  const workflow = loaded(GREETING, { enabled: true });
  const env = (name: string) =>
    name === "MLFLOW_TRACKING_URI" ? "http://127.0.0.1:5000" : undefined;
  const permissions = workflowPermissions(workflow, { mock: true, env });
  assertEquals(permissions.trackingUri, "http://127.0.0.1:5000");
  assertEquals(permissions.net, ["127.0.0.1:5000"]);
  assert(permissions.env.includes("MLFLOW_TRACKING_URI"));
  const error = assertThrows(() => workflowPermissions(workflow, { trackingUri: "ftp://x/y" }));
  assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
});

Deno.test("permissionFlags() writes --no-prompt and one flag per kind, leaving empty kinds out", () => {
  assertEquals(
    permissionFlags({
      read: ["a.yaml", "b.txt"],
      write: [],
      env: ["USER"],
      net: ["api.openai.com"],
    }),
    ["--no-prompt", "--allow-read=a.yaml,b.txt", "--allow-env=USER", "--allow-net=api.openai.com"],
  );
  assertEquals(permissionFlags({ read: [], write: [], env: [], net: [] }), ["--no-prompt"]);
});

Deno.test("workflowPermissions() reads the input file, and the package's src/ for the CLI and a batch tracked in SQLite", () => {
  const src = new URL("../../src", import.meta.url).pathname;
  const root = new URL("../../", import.meta.url).pathname;
  const tracked = { trackingUri: "sqlite:///mlflow.db", mock: true };
  const batch = workflowPermissions(loaded(), {
    ...tracked,
    inputFile: "items.jsonl",
    batch: true,
    cwd: root,
  });
  assertEquals(batch.read, ["items.jsonl", ...TRACKING_FILES, "src"]);
  // Outside the checkout, the folder is absolute.
  // (A sibling of the checkout: never a folder the checkout is inside, wherever it was cloned.)
  const outside = `${root}../elsewhere-${crypto.randomUUID()}`;
  const elsewhere = workflowPermissions(loaded(), { ...tracked, batch: true, cwd: outside });
  assertEquals(elsewhere.read.at(-1), src);
  // One run, or a batch not tracked in SQLite, starts no worker.
  const once = workflowPermissions(loaded(), { ...tracked, inputFile: "one.json", cwd: root });
  assertEquals(once.read, ["one.json", ...TRACKING_FILES]);
  const server = workflowPermissions(loaded(), {
    mock: true,
    trackingUri: "http://127.0.0.1:5000",
    batch: true,
    cwd: root,
  });
  assertEquals(server.read, [".mlflow-spool"]);
  // The CLI loads its run command after start: from a checkout it reads src/ for any run.
  const cli = workflowPermissions(loaded(), { mock: true, tracking: false, cli: true, cwd: root });
  assertEquals(cli.read, ["src"]);
});
