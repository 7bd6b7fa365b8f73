/**
 * `run --mlflow-schema`: the MLflow schema a new SQLite tracking file gets (3.9 unless told
 * otherwise); an existing file keeps its own; a release line we do not create is a usage error.
 */
import { main } from "../../src/cli/main.ts";
import { assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { queryRows, ROOT, runCliProcess, tempDir, testIO } from "../runtime/_helpers.ts";

/** Runs the echo example in a process whose working directory is the database's. */
async function runInto(db: string, extra: string[]): Promise<{ code: number; err: string }> {
  const dir = db.slice(0, db.lastIndexOf("/"));
  const args = ["run", `${ROOT}examples/echo.yaml`, "--mock", "-i", "message=hi"];
  const { code, stderr } = await runCliProcess(
    ["--allow-read", "--allow-env", `--allow-write=${dir}`],
    [...args, "--tracking-uri", `sqlite:///${db}`, ...extra],
    dir,
  );
  return { code, err: stderr };
}

function revision(db: string): unknown {
  return queryRows(db, "SELECT version_num FROM alembic_version")[0]?.version_num;
}

Deno.test("run creates a new SQLite file at MLflow 3.9.0's schema, or the one --mlflow-schema names", async () => {
  await using dir = await tempDir();
  const cases: [string[], string][] = [
    [[], "d3e4f5a6b7c8"],
    [["--mlflow-schema", "3.10"], "1b5f0d9ad7c1"],
    [["--mlflow-schema", "3.11.1"], "c3d6457b6d8a"],
  ];
  for (const [index, [extra, expected]] of cases.entries()) {
    const db = `${dir.path}/m${index}.db`;
    const { code, err } = await runInto(db, extra);
    assertEquals(code, 0, err);
    assertEquals(revision(db), expected, extra.join(" "));
    assertEquals(queryRows(db, "SELECT count(*) AS n FROM trace_info")[0]?.n, 1);
  }
  // An existing file keeps its schema.
  const { code } = await runInto(`${dir.path}/m0.db`, ["--mlflow-schema", "3.11"]);
  assertEquals(code, 0);
  assertEquals(revision(`${dir.path}/m0.db`), "d3e4f5a6b7c8");
});

Deno.test("run --mlflow-schema exits 2 for a release line it does not create, naming the choices", async () => {
  await using dir = await tempDir();
  const io = testIO({ cwd: dir.path });
  const args = ["run", `${ROOT}examples/echo.yaml`, "--mock", "-i", "message=hi"];
  const code = await main(
    [...args, "--tracking-uri", `sqlite:///${dir.path}/m.db`, "--mlflow-schema", "3.12"],
    io,
  );
  const err = io.err();
  assertEquals(code, 2);
  assertStringIncludes(err, 'Cannot use --mlflow-schema "3.12"');
  assertStringIncludes(err, "3.9, 3.10 or 3.11");
  assertEquals([...Deno.readDirSync(dir.path)], []);
});
