/**
 * Delivery to a real MLflow tracking server on PostgreSQL (issue 13): a throwaway PostgreSQL
 * cluster and `mlflow server --workers 2` on loopback, then a 300-record `--mock` batch of
 * examples/echo.yaml at `--concurrency 20` and 20 single runs started at the same moment, each
 * a `cli.ts run` process tracking into the server. Prints one JSON object: the batch's traces/s
 * (from its process's start, and from its first result, to its exit), the wall time of all 21
 * processes, what was left in the spool and how many traces the server holds. Not part of the
 * unit suite nor of `deno task bench`: it needs real MLflow and PostgreSQL, found through
 * `MLFLOW_BIN` (the `mlflow` launcher of a build with psycopg2) and `PG_BIN` (the directory of
 * `initdb`, `pg_ctl`, `createdb` and `psql`); without them it prints one line and exits 0.
 *
 *   MLFLOW_BIN=/opt/mlflow-real/bin/mlflow-head PG_BIN=/usr/lib/postgresql/15/bin \
 *     deno run --allow-read --allow-write --allow-env --allow-net=127.0.0.1 --allow-run \
 *     --allow-sys=uid,loadavg \
 *     bench/delivery_real_mlflow.ts
 *
 * Run as root, the cluster belongs to the `postgres` user (`runuser`), as initdb refuses root.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const BATCH = Number(Deno.env.get("DELIVERY_BATCH") ?? 300);
const SINGLES = Number(Deno.env.get("DELIVERY_SINGLES") ?? 20);
const START_TIMEOUT_MS = 300_000;

function print(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));
}

const mlflowBin = Deno.env.get("MLFLOW_BIN");
const pgBin = Deno.env.get("PG_BIN");
if (!mlflowBin || !pgBin) {
  print(
    "skip: bench/delivery_real_mlflow.ts needs MLFLOW_BIN (an mlflow launcher with psycopg2) and PG_BIN (the directory of initdb, pg_ctl, createdb and psql)",
  );
  Deno.exit(0);
}

const work = await Deno.makeTempDir({ prefix: "delivery_bench_" });
const asRoot = Deno.uid() === 0;

/** A PostgreSQL command, as `postgres` when this runs as root. */
function pg(tool: string, args: string[]): Deno.Command {
  const bin = `${pgBin}/${tool}`;
  return asRoot
    ? new Deno.Command("runuser", { args: ["-u", "postgres", "--", bin, ...args] })
    : new Deno.Command(bin, { args });
}

async function ok(command: Deno.Command, what: string): Promise<string> {
  const { success, stdout, stderr } = await command.output();
  if (!success) throw new Error(`Cannot ${what}: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForHealth(url: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < START_TIMEOUT_MS) {
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      if (response.ok) return performance.now() - started;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`Cannot start the MLflow server as ${url}/health did not answer in time`);
}

function cli(args: string[], cwd: string): Deno.ChildProcess {
  return new Deno.Command("deno", {
    args: [
      "run",
      "--allow-read",
      `--allow-write=${cwd}`,
      "--allow-env",
      "--allow-net=127.0.0.1",
      `${ROOT}cli.ts`,
      ...args,
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Spool files left (bundles and claims), recursively under `dir`. */
function spooled(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) files.push(...spooled(`${dir}/${entry.name}`));
    else if (dir.endsWith(".mlflow-spool") && entry.name.includes(".json")) files.push(entry.name);
  }
  return files;
}

const data = `${work}/pg`;
const pgPort = freePort();
const port = freePort();
let server: Deno.ChildProcess | undefined;
let pgStarted = false;
try {
  Deno.mkdirSync(data);
  if (asRoot) await ok(new Deno.Command("chown", { args: ["postgres", work, data] }), "chown");
  await ok(
    pg("initdb", ["-D", `${data}/db`, "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
    "initdb",
  );
  await ok(
    pg("pg_ctl", [
      "-D",
      `${data}/db`,
      "-l",
      `${data}/pg.log`,
      "-w",
      "-o",
      `-p ${pgPort} -k ${data} -c listen_addresses=127.0.0.1`,
      "start",
    ]),
    "start PostgreSQL",
  );
  pgStarted = true;
  await ok(
    pg("createdb", ["-h", "127.0.0.1", "-p", `${pgPort}`, "-U", "postgres", "mlflow"]),
    "createdb",
  );
  const url = `http://127.0.0.1:${port}`;
  // `setsid`: the server and its workers form one process group, stopped together.
  server = new Deno.Command("setsid", {
    args: [
      mlflowBin,
      "server",
      "--backend-store-uri",
      `postgresql://postgres@127.0.0.1:${pgPort}/mlflow`,
      "--serve-artifacts",
      "--artifacts-destination",
      `${work}/artifacts`,
      "--host",
      "127.0.0.1",
      "--port",
      `${port}`,
      "--workers",
      "2",
    ],
    env: { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false", MLFLOW_DISABLE_TELEMETRY: "true" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const startupMs = await waitForHealth(url);

  const runs = `${work}/runs`;
  Deno.mkdirSync(runs);
  const items = Array.from({ length: BATCH }, (_, i) => JSON.stringify({ message: `hello ${i}` }));
  Deno.writeTextFileSync(`${work}/items.jsonl`, items.join("\n") + "\n");
  const workflow = `${ROOT}examples/echo.yaml`;
  const tracking = ["--tracking-uri", url];

  const started = performance.now();
  const batch = cli(
    [
      "run",
      workflow,
      "--mock",
      "--input-file",
      `${work}/items.jsonl`,
      "--concurrency",
      "20",
      "--json",
      ...tracking,
    ],
    runs,
  );
  const singles = Array.from(
    { length: SINGLES },
    (_, i) =>
      cli(["run", workflow, "--mock", "-i", `message=single ${i}`, "--json", ...tracking], runs),
  );
  let firstResultMs: number | undefined;
  let lines = 0;
  const readBatch = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of batch.stdout) {
      firstResultMs ??= performance.now() - started;
      lines += decoder.decode(chunk).split("\n").length - 1;
    }
  })();
  const batchStderr = new Response(batch.stderr).text();
  const [batchStatus] = await Promise.all([batch.status, readBatch]);
  const batchMs = performance.now() - started;
  const singleOutcomes = await Promise.all(singles.map((child) => child.output()));
  const allMs = performance.now() - started;
  const count = Number(
    (await ok(
      pg("psql", [
        "-h",
        "127.0.0.1",
        "-p",
        `${pgPort}`,
        "-U",
        "postgres",
        "-tA",
        "-c",
        "SELECT count(*) FROM trace_info",
        "mlflow",
      ]),
      "count the traces",
    )).trim(),
  );
  const warnings = [
    ...(await batchStderr).split("\n"),
    ...singleOutcomes.flatMap((out) => new TextDecoder().decode(out.stderr).split("\n")),
  ].filter((line) => line.includes("warning"));
  const afterFirst = batchMs - (firstResultMs ?? 0);
  print(JSON.stringify(
    {
      serverStartupS: round(startupMs / 1000),
      batch: {
        exitCode: batchStatus.code,
        resultLines: lines,
        wallS: round(batchMs / 1000),
        tracesPerS: round(BATCH / (batchMs / 1000)),
        firstResultS: round((firstResultMs ?? 0) / 1000),
        tracesPerSFromFirstResult: round(BATCH / (afterFirst / 1000)),
      },
      singles: {
        count: SINGLES,
        failed: singleOutcomes.filter((out) => !out.success).length,
      },
      allProcessesS: round(allMs / 1000),
      tracesPerSAll: round((BATCH + SINGLES) / (allMs / 1000)),
      spooled: spooled(runs).length,
      spoolFiles: spooled(runs),
      serverTraces: count,
      expectedTraces: BATCH + SINGLES,
      warnings: warnings.slice(0, 5),
      loadAverage: Deno.loadavg(),
    },
    null,
    2,
  ));
} finally {
  if (server) {
    await new Deno.Command("kill", { args: ["-TERM", "--", `-${server.pid}`] }).output();
    await server.status;
  }
  if (pgStarted) await pg("pg_ctl", ["-D", `${data}/db`, "-m", "fast", "-w", "stop"]).output();
  await Deno.remove(work, { recursive: true });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
