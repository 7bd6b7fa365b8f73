/**
 * The prompt registry contract, run against the SQLite registry (a new file, and files made
 * from MLflow's 3.9.0 and 3.11.1 schemas) and against the REST registry on the loopback fake
 * MLflow server.
 */
import { promptRegistryContract } from "../../_contracts/prompt_registry_contract.ts";
import { SqlitePromptRegistry } from "../../../src/tracking/prompts/sqlite_prompt_registry.ts";
import { RestPromptRegistry } from "../../../src/tracking/prompts/rest_prompt_registry.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { createMlflowDatabase, MLFLOW_SCHEMAS } from "../_helpers.ts";

promptRegistryContract("SqlitePromptRegistry (new file)", async () => {
  const dir = await Deno.makeTempDir();
  const registry = await SqlitePromptRegistry.open(`${dir}/mlflow.db`, {
    mode: "write",
    cwd: dir,
  });
  return {
    registry,
    cleanup: async () => {
      await registry.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

// Each schema is built once (a script of a hundred statements is slow to commit) and copied.
const templates = await Deno.makeTempDir();
globalThis.addEventListener("unload", () => Deno.removeSync(templates, { recursive: true }));
for (const schema of [MLFLOW_SCHEMAS[0], MLFLOW_SCHEMAS[2]]) {
  const template = `${templates}/${schema.release}.db`;
  createMlflowDatabase(template, schema, `${templates}/mlruns`);
  promptRegistryContract(`SqlitePromptRegistry (MLflow ${schema.release} file)`, async () => {
    const dir = await Deno.makeTempDir();
    await Deno.copyFile(template, `${dir}/mlflow.db`);
    const registry = await SqlitePromptRegistry.open(`${dir}/mlflow.db`, { mode: "write" });
    return {
      registry,
      cleanup: async () => {
        await registry.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  });
}

promptRegistryContract("RestPromptRegistry (loopback MLflow server)", async () => {
  const server = await FakeMlflowServer.start();
  const registry = new RestPromptRegistry(server.url, { env: () => undefined });
  return {
    registry,
    cleanup: async () => {
      await registry.close();
      await server.stop();
    },
  };
});
