import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { queryRows, ROOT, tempDir } from "./_helpers.ts";

/** A program that imports the package and runs a batch tracked in SQLite, printing warnings. */
const PROGRAM = `
import { runBatch } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
const workflow = ${JSON.stringify(`${ROOT}examples/echo.yaml`)};
const summary = await runBatch(workflow, [
  { line: 1, inputs: { message: "a" } },
  { line: 2, inputs: { message: "b" } },
], {
  mock: true,
  trackingUri: "sqlite:///mlflow.db",
  warn: (message) => Deno.stderr.writeSync(new TextEncoder().encode("warning: " + message + "\\n")),
});
Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(summary)));
`;

Deno.test("runBatch() whose SQLite worker cannot load its modules writes from the main thread, with one clear warning", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/batch.ts`, PROGRAM);
  const tracking = "mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool";
  // The program's own modules load at start without a permission; the worker's would need
  // --allow-read for the package's src/, which is not given.
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: [
      "run",
      "--config",
      `${ROOT}deno.json`,
      "--no-prompt",
      `--allow-read=${ROOT}examples/echo.yaml,${tracking}`,
      `--allow-write=${tracking}`,
      "--allow-env",
      "batch.ts",
    ],
    cwd: dir.path,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assertEquals(code, 0, err);
  assertEquals(JSON.parse(new TextDecoder().decode(stdout)).succeeded, 2);
  assert(!err.includes("Uncaught") && !err.includes("\x1b["), err);
  const warnings = err.split("\n").filter((line) => line.startsWith("warning:"));
  assertEquals(warnings.length, 1, err);
  assertStringIncludes(warnings[0]!, `add --allow-read=${ROOT}src`);
  assertStringIncludes(warnings[0]!, "writing from the main thread instead");
  // Recorded, not spooled.
  assertEquals(queryRows(`${dir.path}/mlflow.db`, "SELECT status FROM trace_info").length, 2);
});
