/**
 * Real MLflow for the tests of this folder, found through environment variables:
 * `MLFLOW_BIN` / `MLFLOW_PYTHON` (the `mlflow` launcher and the Python of the newest build) and
 * `MLFLOW39_BIN` / `MLFLOW39_PYTHON` (a build at the 3.9.0 schema). Without them the tests are
 * ignored, and the test module prints {@linkcode SKIP_REASON} once.
 *
 * Servers run on free loopback ports, each under `_supervise.py` (the build's own Python), which
 * ends the server's whole process group when the test closes its standard input, or when the
 * test process dies. MLflow's own Python client reads stores back through `_probe.py`. Deno
 * spawns only the two Pythons (and `deno` for the CLI): `deno task test` grants exactly those
 * paths to `--allow-run`, read from the variables.
 *
 * @module
 */
import { join } from "node:path";
import { type Finished, ROOT, runCliProcess } from "../runtime/_helpers.ts";

/** One MLflow build: its `mlflow` launcher and its Python. */
export interface MlflowBuild {
  /** How the tests name it. */
  readonly label: string;
  /** The `mlflow` launcher. */
  readonly bin: string;
  /** The Python that has this build installed. */
  readonly python: string;
}

const HERE = new URL(".", import.meta.url).pathname;

/** Variables a build is found by, newest first. */
const VARIABLES = [
  { key: "newest", label: "newest MLflow", bin: "MLFLOW_BIN", python: "MLFLOW_PYTHON" },
  { key: "v39", label: "MLflow 3.9", bin: "MLFLOW39_BIN", python: "MLFLOW39_PYTHON" },
] as const;

function findBuilds(): { builds: Partial<Record<"newest" | "v39", MlflowBuild>>; why: string[] } {
  const builds: Partial<Record<"newest" | "v39", MlflowBuild>> = {};
  const why: string[] = [];
  const env = (name: string) =>
    Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
      ? Deno.env.get(name)
      : undefined;
  for (const spec of VARIABLES) {
    const bin = env(spec.bin);
    const python = env(spec.python);
    if (!bin || !python) {
      why.push(`${spec.bin} and ${spec.python} are not set`);
      continue;
    }
    if (Deno.permissions.querySync({ name: "run", command: python }).state !== "granted") {
      why.push(`--allow-run does not list ${spec.python} ("${python}")`);
      continue;
    }
    builds[spec.key] = { label: spec.label, bin, python };
  }
  return { builds, why };
}

const found = findBuilds();

/** The newest MLflow build, when configured. */
export const NEWEST: MlflowBuild | undefined = found.builds.newest;
/** The MLflow build at the 3.9.0 schema, when configured. */
export const V39: MlflowBuild | undefined = found.builds.v39;

/**
 * Why some of the real-MLflow tests cannot run here, with how to enable them; `undefined` when
 * both builds are configured.
 */
export const SKIP_REASON: string | undefined = found.why.length === 0
  ? undefined
  : `${found.why.join(", ")}; to run it, point MLFLOW_BIN/MLFLOW_PYTHON at the mlflow launcher ` +
    "and Python of the newest MLflow build and MLFLOW39_BIN/MLFLOW39_PYTHON at a 3.9.0-schema " +
    "build, then run `deno task test` (it adds the two Pythons to --allow-run)";

/** Environment of every MLflow process: no telemetry, no job runners (fewer processes). */
const MLFLOW_ENV = {
  MLFLOW_DISABLE_TELEMETRY: "true",
  DO_NOT_TRACK: "true",
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false",
  NO_COLOR: "1",
};

/** A free TCP port on the loopback interface. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A running `mlflow server` (or `mlflow ui`); dispose of it to stop its whole process group. */
export interface MlflowServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What the server printed so far. */
  log(): string;
}

async function tail(path: string, lines = 40): Promise<string> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

/**
 * Starts `mlflow <command> --backend-store-uri <uri>` on a free loopback port, with one worker
 * and artifacts under `dir`, and waits until `/health` answers.
 *
 * @param build The build.
 * @param options The command (`server`, or `ui` as the README documents), store and directory.
 * @returns The server; `await using` stops it.
 */
export async function startServer(
  build: MlflowBuild,
  options: { command?: "server" | "ui"; backendStoreUri: string; dir: string },
): Promise<MlflowServer> {
  const port = freePort();
  const logPath = join(options.dir, `mlflow-${options.command ?? "server"}-${port}.log`);
  const child = new Deno.Command(build.python, {
    args: [
      `${HERE}_supervise.py`,
      logPath,
      build.bin,
      options.command ?? "server",
      "--backend-store-uri",
      options.backendStoreUri,
      "--artifacts-destination",
      join(options.dir, "mlartifacts"),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--workers",
      "1",
    ],
    cwd: options.dir,
    env: MLFLOW_ENV,
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const stop = async () => {
    await stdin.close().catch(() => {});
    await child.status;
  };
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 240_000;
  while (true) {
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
      .then(async (response) => (await response.text()) === "OK", () => false);
    if (healthy) break;
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `${build.label} ${options.command ?? "server"} did not start on ${url}:\n${await tail(
          logPath,
        )}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  let text = "";
  return {
    url,
    log: () => text,
    [Symbol.asyncDispose]: async () => {
      await stop();
      text = await tail(logPath, 200);
    },
  };
}

/** One command of `_probe.py`. */
export type ProbeCommand =
  | ["read", string]
  | ["log", string, string]
  | ["trace_metrics", string]
  | ["register_prompt", string, string, string, string, string | null]
  | ["load_prompt", string, string]
  | ["genai", string, string];

/** What `genai` returns: MLflow 3's GenAI view of a store, as its own client reads it. */
export interface GenAiReadback {
  /** The agent version (LoggedModel) the trace links to, with the traces listed for it. */
  model: {
    model_id: string;
    name: string;
    params: Record<string, string>;
    traces: string[];
  } | null;
  /** Every run, with the traces `mlflow.search_traces(run_id=...)` lists for it. */
  runs: {
    run_id: string;
    tags: Record<string, string>;
    metrics: Record<string, number>;
    traces: string[];
  }[];
}

/** What `load_prompt` returns: MLflow's own view of a prompt version. */
export interface LoadedPrompt {
  name: string;
  version: number;
  template: string;
  commit_message: string | null;
  tags: Record<string, string>;
  aliases: string[];
  /** The template with every variable set to "x". */
  formatted: string;
}

/** What `trace_metrics` returns: per experiment id, the sums MLflow's charts show. */
export type TraceMetricSums = Record<string, { total_tokens: number; total_cost: number }>;

/** What `read` returns: MLflow's own view of a store. */
export interface Readback {
  version: string;
  experiments: { id: string; name: string }[];
  runs: {
    run_id: string;
    experiment_id: string;
    name: string;
    status: string;
    metrics: Record<string, number>;
    params: Record<string, string>;
  }[];
  traces: {
    trace_id: string;
    experiment_id: string;
    state: string;
    token_usage: Record<string, number> | null;
    metadata: Record<string, string>;
    tags: Record<string, string>;
    spans: {
      name: string;
      span_type: string;
      status: string;
      parent_id: string | null;
      attributes: Record<string, unknown>;
    }[];
  }[];
}

/** What `log` returns. */
export interface Logged {
  run_id: string;
  trace_id: string;
  version: string;
}

/**
 * Runs MLflow's own Python client on `_probe.py`: one process for all the commands (importing
 * MLflow takes seconds).
 *
 * @param build The build whose client to use.
 * @param commands What to do, in order.
 * @param cwd Working directory (MLflow puts `./mlruns` there for a local store).
 * @returns One result per command.
 */
export async function probe(
  build: MlflowBuild,
  commands: ProbeCommand[],
  cwd: string,
): Promise<unknown[]> {
  const { code, stdout, stderr } = await new Deno.Command(build.python, {
    args: [`${HERE}_probe.py`, JSON.stringify(commands)],
    cwd,
    env: MLFLOW_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const last = decoder.decode(stdout).trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("[")) {
    throw new Error(
      `${build.label}'s client failed (exit ${code}) on ${JSON.stringify(commands)}:\n${
        decoder.decode(stderr).split("\n").slice(-30).join("\n")
      }`,
    );
  }
  return JSON.parse(last);
}

/**
 * Runs the CLI (`deno run ... cli.ts`) in `dir` with the permissions a user would give it:
 * read, env, write to `dir`, and the network of `net` when given.
 *
 * @param dir Working directory: the database, `mlruns` and `.mlflow-spool` go there.
 * @param args CLI arguments.
 * @param net `host:port` of a tracking server.
 * @returns Exit code and output.
 */
export function cli(dir: string, args: readonly string[], net?: string): Promise<Finished> {
  const permissions = ["--allow-read", "--allow-env", `--allow-write=${dir}`];
  if (net) permissions.push(`--allow-net=${net}`);
  return runCliProcess(permissions, args, dir);
}

/** The article writer example with the mock model: LLM calls, a tool call, cost. */
export const EXAMPLE = `${ROOT}examples/article_writer.yaml`;

/**
 * The example as run: itself, or (`perExecution`) a copy in `dir` that sets
 * `run_per_execution: true`, so that the run gets an MLflow run of its own.
 *
 * @param dir Where the copy goes.
 * @param perExecution Whether each execution gets its own MLflow run.
 * @returns The workflow's path.
 */
export function exampleFile(dir: string, perExecution: boolean): string {
  if (!perExecution) return EXAMPLE;
  const path = join(dir, "article_writer_per_execution.yaml");
  // The example ends with its `config.observability.mlflow` block.
  Deno.writeTextFileSync(
    path,
    Deno.readTextFileSync(EXAMPLE).trimEnd() + "\n      run_per_execution: true\n",
  );
  return path;
}

/** What `run --json` reports about a run. */
export interface RunReport {
  traceId: string;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  costUsd: number;
}

/**
 * Runs the example once with `--mock --json` into `trackingUri` and checks it finished without
 * a warning (nothing spooled).
 *
 * @param dir Working directory.
 * @param trackingUri Where to record.
 * @param topic The example's input.
 * @param perExecution Give the run an MLflow run of its own (`run_per_execution`).
 * @returns The run's trace id, tokens and cost.
 */
export async function runExample(
  dir: string,
  trackingUri: string,
  topic: string,
  perExecution = false,
): Promise<RunReport> {
  const net = trackingUri.startsWith("http") ? new URL(trackingUri).host : undefined;
  const args = ["run", exampleFile(dir, perExecution), "--mock", "--json", "-i", `topic=${topic}`];
  const result = await cli(dir, [...args, "--tracking-uri", trackingUri], net);
  if (result.code !== 0 || /warning/i.test(result.stderr)) {
    throw new Error(`run into ${trackingUri} exited ${result.code}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout).metadata;
}

/**
 * Runs the example as a batch (`--input-file`, one topic a line) with `--mock --json` into
 * `trackingUri` and checks it finished without a warning.
 *
 * @param dir Working directory.
 * @param trackingUri Where to record.
 * @param topics One run each.
 * @returns Each run's trace id, tokens and cost, in input order.
 */
export async function runExampleBatch(
  dir: string,
  trackingUri: string,
  topics: readonly string[],
): Promise<RunReport[]> {
  const net = trackingUri.startsWith("http") ? new URL(trackingUri).host : undefined;
  const items = join(dir, "topics.jsonl");
  await Deno.writeTextFile(items, topics.map((topic) => JSON.stringify({ topic })).join("\n"));
  const args = ["run", EXAMPLE, "--mock", "--json", "--input-file", items];
  const result = await cli(dir, [...args, "--tracking-uri", trackingUri], net);
  if (result.code !== 0 || /warning/i.test(result.stderr)) {
    throw new Error(`batch into ${trackingUri} exited ${result.code}:\n${result.stderr}`);
  }
  // One line per record, then the batch's summary line.
  const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line))
    .filter((line) => line.summary === undefined);
  if (lines.length !== topics.length) {
    throw new Error(
      `batch into ${trackingUri} printed ${lines.length} results for ${topics.length}`,
    );
  }
  return lines.sort((a, b) => a.line - b.line).map((line) => line.metadata);
}

/** The files in `dir/.mlflow-spool` (none when nothing was spooled). */
export function spooled(dir: string): string[] {
  try {
    return [...Deno.readDirSync(join(dir, ".mlflow-spool"))].map((entry) => entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
