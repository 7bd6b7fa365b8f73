import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { ROOT, tempDir } from "../runtime/_helpers.ts";

/** The npm packages `validate`, `schema` and `graph` load: nothing of LangChain. */
const LIGHT_PACKAGES = ["commander", "yaml", "zod"];

/** Where this Deno keeps npm packages (`deno info --json`). */
async function npmCache(): Promise<string> {
  const { stdout } = await new Deno.Command("deno", {
    args: ["info", "--json"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).output();
  return JSON.parse(new TextDecoder().decode(stdout)).npmCache;
}

async function copyDirectory(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDirectory(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

function cachedOnly(denoDir: string, args: string[]) {
  return new Deno.Command("deno", {
    args: ["run", "--cached-only", ...args],
    cwd: ROOT,
    clearEnv: true,
    env: {
      DENO_DIR: denoDir,
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      PATH: Deno.env.get("PATH") ?? "",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("validate, schema and graph run from a cache that holds only commander, yaml and zod", async () => {
  // A first run downloads what the command's module graph needs (and, with a lockfile, every
  // package the lockfile lists unless npm caching is lazy): with only the light packages cached
  // and --cached-only, the light commands must still run.
  await using dir = await tempDir();
  const registry = `${await npmCache()}/registry.npmjs.org`;
  for (const name of LIGHT_PACKAGES) {
    await copyDirectory(`${registry}/${name}`, `${dir.path}/npm/registry.npmjs.org/${name}`);
  }
  for (
    const args of [
      ["--allow-read", "cli.ts", "validate", "examples/echo.yaml"],
      ["--allow-read", "cli.ts", "schema"],
      ["--allow-read", "cli.ts", "graph", "examples/support_triage.yaml"],
    ]
  ) {
    const { code, stderr } = await cachedOnly(dir.path, args);
    assertEquals(code, 0, `${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
  }
  // The cache really is that small: a run needs LangChain, which is not there.
  const run = await cachedOnly(dir.path, [
    "--allow-read",
    "--allow-env",
    "cli.ts",
    "run",
    "examples/echo.yaml",
    "--mock",
    "-i",
    "message=hi",
  ]);
  assert(run.code !== 0);
  assertStringIncludes(new TextDecoder().decode(run.stderr), "not found in cache");
});
