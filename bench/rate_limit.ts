/**
 * Target 7: a batch against a provider that enforces a requests-per-minute limit over
 * one-second windows (`_rate_limited_server.ts`, its own process). The CLI runs
 * `RECORDS` three-node records at `--concurrency 50` (each run a fresh `cli.ts` process,
 * tracked into a fresh MLflow SQLite file):
 *
 * 1. with the workflow's `config.llm.rate_limit: { rpm: RPM }`: failed records, wall time
 *    against the least the limit allows (records x nodes requests at RPM), share of requests
 *    answered 429;
 * 2. the same batch without the rate limit, for contrast;
 * 3. with the rate limit, stopped by SIGTERM once about half the records are in `--output`,
 *    then `--resume`d: each record must be in the output once and in MLflow once.
 *
 * By default the server enforces the goal's 600 RPM (10 requests a second, the 11th refused):
 * 1000 records take at least 300 s a batch, about 17 minutes in all, so `deno task
 * bench:rate-limit` runs it alone. `deno task bench` runs it scaled tenfold (6000 RPM: 100 a
 * second) to keep the suite short; ratios are measured the same way at any scale. Prints one
 * JSON object.
 *
 *   deno run --allow-read --allow-write --allow-env --allow-run=deno --allow-net=127.0.0.1 \
 *     bench/rate_limit.ts [records] [rpm]
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { RateLimitJson, RateLimitRun } from "./_results_json.ts";

const [recordsArg = "1000", rpmArg = "600"] = Deno.args;
const RECORDS = Number(recordsArg);
const RPM = Number(rpmArg);
const NODES = 3;
const CONCURRENCY = 50;
const LATENCY_MS = 100;
const root = new URL("../", import.meta.url).pathname;

function log(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}

/** The server, in its own process so that its work does not slow the batch's event loop. */
async function startServer(): Promise<{ port: number; process: Deno.ChildProcess }> {
  const process = new Deno.Command("deno", {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      `${root}bench/_rate_limited_server.ts`,
      String(RPM),
      String(LATENCY_MS),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("Cannot start the rate-limited server as it exited");
    text += value;
  }
  reader.releaseLock();
  return { port: JSON.parse(text.split("\n")[0]!).port, process };
}

interface ServerStats {
  requests: number;
  answered: number;
  rateLimited: number;
  firstAt: number | undefined;
  lastAt: number | undefined;
  mostInAWindow: number;
}

async function server(port: number, path: "/stats" | "/reset"): Promise<ServerStats> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: path === "/reset" ? "POST" : "GET",
  });
  return await response.json();
}

/** A three-node workflow on the server, with or without the rate limit. */
function workflow(port: number, limited: boolean): string {
  const nodes = Array.from({ length: NODES }, (_, i) => i + 1);
  return [
    'schema_version: "1.0"',
    "flow: { name: rate_limited_batch }",
    "state:",
    "  fields:",
    "    id: { type: int, required: true }",
    "    topic: { type: str, required: true }",
    ...nodes.map((i) => `    out_${i}: { type: str }`),
    "nodes:",
    ...nodes.map((i) =>
      `  - { id: step_${i}, prompt: "Step ${i}: one sentence about {state.topic}${
        i > 1 ? ` after {state.out_${i - 1}}` : ""
      }", outputs: [out_${i}] }`
    ),
    "edges:",
    "  - { from: START, to: step_1 }",
    ...nodes.slice(1).map((i) => `  - { from: step_${i - 1}, to: step_${i} }`),
    `  - { from: step_${NODES}, to: END }`,
    "config:",
    "  llm:",
    "    provider: openai-compatible",
    "    model: gpt-4o-mini",
    `    base_url: http://127.0.0.1:${port}/v1`,
    ...(limited ? [`    rate_limit: { rpm: ${RPM} }`] : []),
    "",
  ].join("\n");
}

function cliArgs(dir: string, port: number, name: string, file: string): string[] {
  return [
    "run",
    "--allow-read",
    "--allow-env",
    `--allow-write=${dir}`,
    `--allow-net=127.0.0.1:${port}`,
    `${root}cli.ts`,
    "run",
    file,
    "--input-file",
    "items.jsonl",
    "--concurrency",
    String(CONCURRENCY),
    "--output",
    `${name}.jsonl`,
    "--tracking-uri",
    `sqlite:///${dir}/${name}.db`,
    "--json",
  ];
}

/** A command as a reader would type it: paths relative, the temporary directory and port named. */
function shown(args: string[], dir: string, port: number): string {
  return `deno ${args.join(" ")}`.replaceAll(root, "").replaceAll(dir + "/", "")
    .replaceAll(dir, "<tmp>").replaceAll(`127.0.0.1:${port}`, "127.0.0.1:<port>");
}

function command(dir: string, args: string[]): Deno.Command {
  return new Deno.Command("deno", {
    args,
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

/** The record ids of a results file, and the torn or duplicate lines in it. */
function outputRecords(path: string): { lines: number[]; statuses: Record<string, number> } {
  const text = Deno.readTextFileSync(path);
  const results = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  const statuses: Record<string, number> = {};
  for (const result of results) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  return { lines: results.map((result) => result.line), statuses };
}

/** The traces of a tracking file, by the record id their request holds. */
function tracedRecords(path: string): { ids: number[]; ok: number } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare("SELECT request_preview, status FROM trace_info").all();
    return {
      ids: rows.map((row) => JSON.parse(String(row.request_preview)).id as number),
      ok: rows.filter((row) => row.status === "OK").length,
    };
  } finally {
    db.close();
  }
}

/** Each of 1..n exactly once. */
function once(values: number[], n: number): { missing: number; duplicates: number } {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let missing = 0;
  for (let i = 1; i <= n; i++) if (!counts.has(i)) missing++;
  const duplicates = [...counts.values()].filter((count) => count > 1).length;
  return { missing, duplicates };
}

async function batch(
  dir: string,
  port: number,
  name: string,
  limited: boolean,
): Promise<RateLimitRun> {
  const file = `${dir}/${name}.yaml`;
  await Deno.writeTextFile(file, workflow(port, limited));
  await server(port, "/reset");
  const args = cliArgs(dir, port, name, file);
  const started = performance.now();
  const { code, stdout, stderr } = await command(dir, args).output();
  const wallMs = performance.now() - started;
  const stats = await server(port, "/stats");
  const summary = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "{}")
    .summary;
  if (summary === undefined) {
    throw new Error(`Cannot read the summary of "${name}": ${new TextDecoder().decode(stderr)}`);
  }
  log(`  ${name}: exit ${code}, ${(wallMs / 1000).toFixed(1)} s`);
  return {
    name,
    limited,
    exitCode: code,
    command: shown(args, dir, port),
    wallMs,
    serverSpanMs: (stats.lastAt ?? 0) - (stats.firstAt ?? 0),
    requests: stats.requests,
    answered: stats.answered,
    rateLimited: stats.rateLimited,
    mostInAWindow: stats.mostInAWindow,
    succeeded: summary.succeeded,
    failed: summary.failed,
    retries: summary.retries,
    rateLimitedAbsorbed: summary.rateLimited,
    lowestConcurrency: summary.lowestConcurrency,
  };
}

/** Runs the limited batch, stops it with SIGTERM at about half, and resumes it. */
async function killAndResume(dir: string, port: number) {
  const name = "resumed";
  const file = `${dir}/${name}.yaml`;
  await Deno.writeTextFile(file, workflow(port, true));
  const args = cliArgs(dir, port, name, file);
  const output = `${dir}/${name}.jsonl`;
  const started = performance.now();
  const child = command(dir, args).spawn();
  let doneAtStop = 0;
  for (;;) {
    const text = await Deno.readTextFile(output).catch(() => "");
    doneAtStop = text.split("\n").length - 1;
    if (doneAtStop >= RECORDS / 2) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGTERM");
  const stopped = await child.output();
  const afterStop = outputRecords(output).lines.length;
  const resumed = await command(dir, [...args, "--resume"]).output();
  const wallMs = performance.now() - started;
  const results = outputRecords(output);
  const traces = tracedRecords(`${dir}/${name}.db`);
  log(`  ${name}: stopped with ${stopped.code} at ${afterStop}, resumed with ${resumed.code}`);
  return {
    command: `${
      shown(args, dir, port)
    }, SIGTERM once ${doneAtStop} records were in the output, then the same with --resume`,
    records: RECORDS,
    stopExitCode: stopped.code,
    resumeExitCode: resumed.code,
    inOutputWhenSignalled: doneAtStop,
    inOutputAfterStop: afterStop,
    output: {
      lines: results.lines.length,
      ...once(results.lines, RECORDS),
      statuses: results.statuses,
    },
    mlflow: { traces: traces.ids.length, ok: traces.ok, ...once(traces.ids, RECORDS) },
    wallMs,
  };
}

const dir = await Deno.makeTempDir({ prefix: "bench_rate_limit_" });
const items = Array.from(
  { length: RECORDS },
  (_, i) => JSON.stringify({ id: i + 1, topic: `tide pool number ${i + 1}` }),
);
await Deno.writeTextFile(`${dir}/items.jsonl`, items.join("\n") + "\n");
const { port, process } = await startServer();
try {
  log(`Rate-limited batches: ${RECORDS} records, ${NODES} nodes, ${RPM} RPM`);
  const limited = await batch(dir, port, "limited", true);
  const unlimited = await batch(dir, port, "unlimited", false);
  const resume = await killAndResume(dir, port);
  const report: RateLimitJson = {
    records: RECORDS,
    nodes: NODES,
    concurrency: CONCURRENCY,
    rpm: RPM,
    latencyMs: LATENCY_MS,
    minimumMs: RECORDS * NODES / (RPM / 60_000),
    runs: [limited, unlimited],
    resume,
  };
  await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"));
} finally {
  process.kill();
  await process.status;
  await Deno.remove(dir, { recursive: true });
}
