/**
 * Target 2: cold start. Each round spawns every command once, in rotating order: `deno run` of
 * an empty script (the floor), probes that only load `commander`, `yaml`, `zod`, the config
 * area and every module of the validate path, `cli.ts validate` on an example, and
 * `cli.ts run --mock` on `examples/echo.yaml` untracked and tracked into a fresh SQLite file,
 * with the permission flags `cli.ts permissions` prints (the package's `src/` included, which
 * the CLI reads when it loads its `run` command). Wall time from spawn to exit. Prints
 * one JSON object.
 *
 *   deno run --allow-read --allow-write --allow-env --allow-run=deno bench/cold_start.ts [rounds]
 *
 * @module
 */
import { measureInterleaved, type VariantResult } from "./_stats.ts";

const root = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const rounds = Number(Deno.args[0] ?? 15);
const trackDir = await Deno.makeTempDir({ prefix: "bench_cold_" });

/** The commands, by name: `deno` arguments and working directory. */
const commands: ReadonlyArray<readonly [string, { args: string[]; cwd: string }]> = [
  ["empty script", { args: ["run", "bench/_empty.ts"], cwd: root }],
  ["import commander", { args: ["run", "bench/_import_commander.ts"], cwd: root }],
  ["import yaml", { args: ["run", "bench/_import_yaml.ts"], cwd: root }],
  ["import zod", { args: ["run", "bench/_import_zod.ts"], cwd: root }],
  ["import src/config", { args: ["run", "--allow-read", "bench/_import_config.ts"], cwd: root }],
  [
    "import validate path",
    { args: ["run", "--allow-read", "bench/_import_validate_path.ts"], cwd: root },
  ],
  [
    "validate examples/echo.yaml",
    { args: ["run", "--allow-read", "cli.ts", "validate", "examples/echo.yaml"], cwd: root },
  ],
  [
    "run --mock examples/echo.yaml",
    {
      args: [
        "run",
        "--no-prompt",
        "--allow-read=examples/echo.yaml,src",
        "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR",
        "cli.ts",
        "run",
        "examples/echo.yaml",
        "--mock",
        "-i",
        "message=hello",
        "--no-tracking",
      ],
      cwd: root,
    },
  ],
  [
    "run --mock examples/echo.yaml, tracked into SQLite",
    {
      args: [
        "run",
        "--no-prompt",
        `--config=${root}/deno.json`,
        `--allow-read=${root}/examples/echo.yaml,${root}/src,${trackDir}`,
        `--allow-write=${trackDir}`,
        "--allow-env=CONFIGURABLE_AGENTS_PRICES,NO_COLOR,USER,USERNAME",
        `${root}/cli.ts`,
        "run",
        `${root}/examples/echo.yaml`,
        "--mock",
        "-i",
        "message=hello",
        "--tracking-uri",
        "sqlite:///mlflow.db",
      ],
      cwd: trackDir,
    },
  ],
];

async function spawn(name: string, command: { args: string[]; cwd: string }): Promise<void> {
  const { code, stderr } = await new Deno.Command("deno", {
    args: command.args,
    cwd: command.cwd,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const errors = new TextDecoder().decode(stderr);
  if (code !== 0 || /warning|cannot/i.test(errors)) {
    throw new Error(`Cannot time "${name}" as it failed (exit ${code}): ${errors}`);
  }
}

let results: Record<string, VariantResult>;
try {
  results = await measureInterleaved(
    commands.map(([name, command]) => [name, () => spawn(name, command)] as const),
    { rounds, warmup: 2 },
  );
} finally {
  await Deno.remove(trackDir, { recursive: true });
}
const report = {
  rounds,
  commands: Object.fromEntries(commands.map(([name, command]) => [name, {
    command: `deno ${command.args.join(" ")}`.replaceAll(root + "/", "").replaceAll(
      trackDir,
      "<tmp>",
    ),
    ...results[name],
  }])),
};
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"));
