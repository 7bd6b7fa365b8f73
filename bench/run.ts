/**
 * The benchmark suite: runs `deno bench --json` over `bench/`, the interleaved ratios
 * (`ratios.ts`), the cold-start timings (`cold_start.ts`), the batches (`batch.ts`) and the
 * rate-limited batches (`rate_limit.ts`, scaled to 6000 RPM: `deno task bench:rate-limit` runs
 * them at the goal's 600 RPM), then
 * writes `bench/RESULTS.md` with every figure, each target's verdict, the machine and the date.
 *
 *   deno run --allow-read --allow-write --allow-env --allow-run=deno \
 *     --allow-sys=systemMemoryInfo,loadavg,osRelease bench/run.ts
 *
 * @module
 */
import { renderResults } from "./_render_results.ts";
import { RATE_LIMIT_SCALED_ARGS } from "./_render_rate_limit.ts";
import type { BenchJson, SuiteResults } from "./_results_json.ts";

const here = new URL("./", import.meta.url).pathname;
const root = new URL("../", import.meta.url).pathname;
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env"];

function log(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}

async function deno(args: string[]): Promise<string> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  log(`  deno ${args.join(" ")}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0) {
    throw new Error(
      `Cannot run "deno ${args.join(" ")}" as it exited with ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  return new TextDecoder().decode(stdout);
}

function sys<T>(name: string, read: () => T): T | undefined {
  return Deno.permissions.querySync({ name: "sys", kind: name as "loadavg" }).state === "granted"
    ? read()
    : undefined;
}

const started = new Date();
const loadBefore = sys("loadavg", () => Deno.loadavg());
log("Running the benchmark suite (about 7 minutes)");
const benchJson = JSON.parse(
  await deno(["bench", "--json", ...PERMISSIONS, "--allow-run=deno", here]),
) as BenchJson;
const ratios = JSON.parse(await deno(["run", ...PERMISSIONS, `${here}ratios.ts`]));
const coldStart = JSON.parse(
  await deno(["run", ...PERMISSIONS, "--allow-run=deno", `${here}cold_start.ts`, "15"]),
);
const batch = JSON.parse(
  await deno(["run", ...PERMISSIONS, "--allow-run=deno", `${here}batch.ts`]),
);
const rateLimit = JSON.parse(
  await deno([
    "run",
    ...PERMISSIONS,
    "--allow-run=deno",
    "--allow-net=127.0.0.1",
    `${here}rate_limit.ts`,
    ...RATE_LIMIT_SCALED_ARGS,
  ]),
);
const finished = new Date();

const results: SuiteResults = {
  started,
  finished,
  machine: {
    cores: navigator.hardwareConcurrency,
    memoryBytes: sys("systemMemoryInfo", () => Deno.systemMemoryInfo().total),
    cpu: benchJson.cpu,
    os: `${Deno.build.os} ${sys("osRelease", () => Deno.osRelease()) ?? ""}`.trim(),
    arch: Deno.build.arch,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    loadBefore,
    loadAfter: sys("loadavg", () => Deno.loadavg()),
  },
  bench: benchJson,
  ratios,
  coldStart,
  batch,
  rateLimit,
  changes: await Deno.readTextFile(`${here}CHANGES.md`).catch(() => ""),
};
await Deno.writeTextFile(`${here}RESULTS.md`, renderResults(results));
log(`Wrote ${here}RESULTS.md in ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s`);
