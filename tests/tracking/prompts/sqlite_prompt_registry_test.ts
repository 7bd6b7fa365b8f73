/**
 * The SQLite prompt registry against what MLflow's own client wrote (`golden-prompt-rows.json`):
 * the same rows for the same calls, and the golden rows read back.
 */
import { DatabaseSync } from "node:sqlite";
import { SqlitePromptRegistry } from "../../../src/tracking/prompts/sqlite_prompt_registry.ts";
import { WorkflowError } from "../../../src/errors.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import { withTempDir } from "../delivery/_temp_dir.ts";
import {
  createMlflowDatabase,
  fakeClock,
  MLFLOW_SCHEMAS,
  readMlflowFixture,
  tableRows,
} from "../_helpers.ts";

type Row = Record<string, unknown>;
const GOLDEN: Record<string, Row[]> = JSON.parse(readMlflowFixture("golden-prompt-rows.json"));
const REGISTRY_TABLES = [
  "registered_models",
  "registered_model_tags",
  "model_versions",
  "model_version_tags",
  "registered_model_aliases",
] as const;
const TIMES = ["creation_time", "last_updated_time"];

/** The calls of the golden capture: register twice, then set the alias. */
async function registerGoldenPrompts(registry: SqlitePromptRegistry): Promise<void> {
  await registry.register("summarizer", {
    template: "Summarize {{text}} in {{n}} words.",
    message: "first",
    tags: { team: "docs" },
  });
  await registry.register("summarizer", {
    template: "Summarize this text in {{n}} words: {{text}}",
    message: "second",
  });
  await registry.setAlias("summarizer", "production", 2);
}

/** Golden rows without times, without the experiment link tag, and without `workspace` when asked. */
function expected(table: string, workspace: boolean): Row[] {
  return (GOLDEN[table] ?? [])
    .filter((row) => row.key !== "_mlflow_experiment_ids")
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).filter(([key]) =>
          !TIMES.includes(key) && (workspace || key !== "workspace")
        ),
      )
    );
}

function withoutTimes(rows: Row[]): Row[] {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([key]) => !TIMES.includes(key)))
  );
}

for (const schema of [MLFLOW_SCHEMAS[0], MLFLOW_SCHEMAS[2]]) {
  Deno.test(`SqlitePromptRegistry writes the rows MLflow writes (MLflow ${schema.release} file)`, async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/mlflow.db`;
      createMlflowDatabase(path, schema, `${dir}/mlruns`);
      const registry = await SqlitePromptRegistry.open(path, {
        mode: "write",
        now: fakeClock(1_796_587_828_110, 10),
      });
      await registerGoldenPrompts(registry);
      await registry.close();
      const workspace = schema.release !== "3.9.0";
      for (const table of REGISTRY_TABLES) {
        assertEquals(withoutTimes(tableRows(path, table)), expected(table, workspace), table);
      }
      const [model] = tableRows(path, "registered_models");
      const versions = tableRows(path, "model_versions");
      assert(model && versions[0] && versions[1]);
      // Like MLflow: the prompt's last update is the creation of its newest version.
      assertEquals(model.last_updated_time, versions[1].creation_time);
      assert(Number(model.creation_time) < Number(versions[0].creation_time));
      assertEquals(versions.map((v) => v.creation_time), versions.map((v) => v.last_updated_time));
    });
  });
}

Deno.test("SqlitePromptRegistry reads the prompts MLflow's own client wrote", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mlflow.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[2], `${dir}/mlruns`);
    const db = new DatabaseSync(path);
    for (const table of REGISTRY_TABLES) {
      for (const row of GOLDEN[table] ?? []) {
        const columns = Object.keys(row);
        db.prepare(
          `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${
            columns.map(() => "?").join(", ")
          })`,
        ).run(...columns.map((c) => row[c] as string | number | null));
      }
    }
    db.close();
    const registry = await SqlitePromptRegistry.open(path);
    const production = await registry.load({ name: "summarizer", alias: "production" });
    assertEquals(production, {
      name: "summarizer",
      version: 2,
      template: "Summarize this text in {{n}} words: {{text}}",
      type: "text",
      message: "second",
      tags: {},
      aliases: ["production"],
      createdAt: 1796587828395,
    });
    assertEquals((await registry.load({ name: "summarizer", version: 1 })).tags, { team: "docs" });
    const [listed] = await registry.list();
    assertEquals(listed?.tags, { team: "docs" });
    assertEquals([listed?.latestVersion, listed?.aliases], [2, { production: 2 }]);
    await registry.close();
  });
});

Deno.test("SqlitePromptRegistry numbers versions after deleted ones and never shows them", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mlflow.db`;
    const registry = await SqlitePromptRegistry.open(path, { mode: "write", cwd: dir });
    await registry.register("p", { template: "one" });
    await registry.register("p", { template: "two" });
    // MLflow's delete_model_version keeps the row and marks it.
    const db = new DatabaseSync(path);
    db.exec("UPDATE model_versions SET current_stage = 'Deleted_Internal' WHERE version = 2");
    db.close();
    assertEquals((await registry.load({ name: "p", alias: "latest" })).version, 1);
    const third = await registry.register("p", { template: "three" });
    assertEquals(third.version.version, 3);
    assertEquals((await registry.show("p")).versions.map((v) => v.version), [3, 1]);
    const error = await assertRejects(
      () => registry.load({ name: "p", version: 2 }),
      WorkflowError,
    );
    assertStringIncludes(error.message, "has no version 2: it has versions 1, 3 and no aliases");
    await registry.close();
  });
});

Deno.test("SqlitePromptRegistry refuses a registered model that is not a prompt", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mlflow.db`;
    const registry = await SqlitePromptRegistry.open(path, { mode: "write", cwd: dir });
    const db = new DatabaseSync(path);
    db.exec("INSERT INTO registered_models (name, creation_time) VALUES ('classifier', 1)");
    db.close();
    const error = await assertRejects(
      () => registry.register("classifier", { template: "x" }),
      WorkflowError,
    );
    assertEquals(error.code, "CONFIG_INVALID");
    assertStringIncludes(error.message, '"classifier" is a registered model, not a prompt');
    assertEquals((await registry.list()).length, 0);
    await registry.close();
  });
});

Deno.test("SqlitePromptRegistry in read mode neither creates nor changes the file", async () => {
  await withTempDir(async (dir) => {
    const missing = await SqlitePromptRegistry.open("none.db", { cwd: dir });
    assertEquals(await missing.list(), []);
    const error = await assertRejects(
      () => missing.load({ name: "x", alias: "production" }),
      WorkflowError,
    );
    assertEquals(error.code, "PROMPT_NOT_FOUND");
    assertStringIncludes(error.message, "no prompts are registered at sqlite:///none.db");
    await missing.close();
    assertEquals([...Deno.readDirSync(dir)], []);
    const writer = await SqlitePromptRegistry.open("mlflow.db", { mode: "write", cwd: dir });
    await writer.register("x", { template: "hello" });
    await writer.close();
    const before = Deno.readFileSync(`${dir}/mlflow.db`);
    const reader = await SqlitePromptRegistry.open("mlflow.db", { cwd: dir });
    const refused = await assertRejects(
      () => reader.register("y", { template: "z" }),
      WorkflowError,
    );
    assertStringIncludes(refused.message, "opened for reading");
    assertEquals((await reader.load({ name: "x", version: 1 })).template, "hello");
    await reader.close();
    assertEquals(Deno.readFileSync(`${dir}/mlflow.db`), before);
  });
});

Deno.test("SqlitePromptRegistry creates a new file with MLflow's schema and experiment 0", async () => {
  await withTempDir(async (dir) => {
    const registry = await SqlitePromptRegistry.open("new.db", { mode: "write", cwd: dir });
    await registry.register("x", { template: "hello" });
    await registry.close();
    assertEquals(tableRows(`${dir}/new.db`, "alembic_version").length, 1);
    assertEquals(tableRows(`${dir}/new.db`, "experiments").map((e) => e.name), ["Default"]);
  });
});

Deno.test("SqlitePromptRegistry refuses a file without registry tables, naming them", async () => {
  await withTempDir(async (dir) => {
    const db = new DatabaseSync(`${dir}/other.db`);
    db.exec("CREATE TABLE notes (x)");
    db.close();
    const error = await assertRejects(
      () => SqlitePromptRegistry.open(`${dir}/other.db`),
      WorkflowError,
    );
    assertEquals(error.code, "TRACKING_UNAVAILABLE");
    assertStringIncludes(error.message, 'lacks table "registered_models"');
  });
});
