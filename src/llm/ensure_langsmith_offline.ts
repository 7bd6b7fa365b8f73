/**
 * Keeps LangSmith and LangChain (loaded by `@langchain/core`) from reading the home directory
 * and from prompting for the optional environment variables they look at.
 *
 * @module
 */
import process from "node:process";
import { Client, RunTree } from "langsmith";
import { type EnvPermissionState, quietProcessEnv } from "./_quiet_process_env.ts";

/**
 * Where the shared LangSmith client looks for its profile file: a path Node's `existsSync`
 * rejects as invalid (it holds a NUL character), so the lookup answers "absent" without
 * touching the file system, and Deno has no read to ask permission for.
 */
const NO_PROFILE = "/\0configurable-agents-no-langsmith-profile.json";

/** The static slot LangSmith keeps its shared client in (private in its typings). */
interface SharedClientSlot {
  sharedClient: Client | null | undefined;
}

/**
 * Makes LangChain quiet and offline by default; idempotent.
 *
 * - Node's `process.env`, through which LangChain and LangSmith read some forty optional
 *   variables (`LANGSMITH_TRACING`, `LC_OUTPUT_VERSION`, ...), reads a variable only when
 *   Deno already grants it: the others read as unset, as under `--no-prompt`, so Deno never
 *   prompts for them (nothing changes when the whole environment is allowed).
 * - LangSmith's `RunTree` gets a shared client that looks for no profile file, unless it has
 *   one already. Without it, the first runnable or graph that builds a `RunTree` calls
 *   `os.homedir()` to find `~/.langsmith`, which needs `--allow-sys`.
 *
 * `createChatModel`, `MockChatModel` and the engine call it; call it yourself before running a
 * LangGraph graph that none of them preceded. It changes no tracing setting: LangSmith tracing
 * stays off unless `LANGSMITH_TRACING` is set and allowed.
 *
 * @example Usage
 * ```ts
 * import { ensureLangsmithOffline } from "./ensure_langsmith_offline.ts";
 * ensureLangsmithOffline();
 * ensureLangsmithOffline(); // a second call changes nothing
 * ```
 */
export function ensureLangsmithOffline(): void {
  quietProcessEnv(process, denoEnvPermission);
  const slot = RunTree as unknown as SharedClientSlot;
  slot.sharedClient ??= new Client({ profileConfigPath: NO_PROFILE });
}

/** Deno's env permission state of one variable, or of the whole environment; never prompts. */
function denoEnvPermission(name?: string): EnvPermissionState {
  try {
    return Deno.permissions.querySync(
      name === undefined ? { name: "env" } : { name: "env", variable: name },
    ).state;
  } catch {
    return "denied";
  }
}
