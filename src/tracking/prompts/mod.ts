/**
 * The MLflow Prompt Registry: one {@linkcode PromptRegistry} contract with two
 * implementations, the MLflow SQLite file ({@linkcode SqlitePromptRegistry}) and a tracking
 * server ({@linkcode RestPromptRegistry}), both reading and writing exactly what MLflow's own
 * client does; {@linkcode openPromptRegistry} picks one for a tracking URI.
 *
 * @example Usage
 * ```ts
 * import { openPromptRegistry } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const registry = await openPromptRegistry(`sqlite:///${dir}/mlflow.db`, { mode: "write" });
 * const { version } = await registry.register("greeter", { template: "Greet {{name}}" });
 * await registry.setAlias("greeter", "production", version.version);
 * const loaded = await registry.load({ name: "greeter", alias: "production" });
 * await registry.close();
 * if (loaded.template !== "Greet {{name}}") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export type {
  PromptDetails,
  PromptRegistry,
  PromptSummary,
  PromptVersion,
  RegisterPromptInput,
  RegisterPromptResult,
} from "./prompt_registry.ts";
export { openPromptRegistry, type OpenPromptRegistryOptions } from "./open_prompt_registry.ts";
export {
  SqlitePromptRegistry,
  type SqlitePromptRegistryOptions,
} from "./sqlite_prompt_registry.ts";
export { RestPromptRegistry, type RestPromptRegistryOptions } from "./rest_prompt_registry.ts";
