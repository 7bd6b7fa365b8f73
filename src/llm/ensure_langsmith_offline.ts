/**
 * Keeps LangSmith (loaded by `@langchain/core`) from reading the home directory.
 *
 * @module
 */
import { Client, RunTree } from "langsmith";

/** Where the shared LangSmith client looks for its profile file: a path that never exists. */
const NO_PROFILE = "/nonexistent/langsmith-config.json";

/** The static slot LangSmith keeps its shared client in (private in its typings). */
interface SharedClientSlot {
  sharedClient: Client | null | undefined;
}

/**
 * Gives LangSmith's `RunTree` a shared client whose profile path never exists, unless it has
 * one already. Without it, the first runnable or graph that builds a `RunTree` calls
 * `os.homedir()` to find `~/.langsmith`, which throws without `--allow-sys`. Idempotent: later
 * calls keep the first client. `createChatModel` calls it; call it yourself before running a
 * LangGraph graph that no `createChatModel` call preceded.
 *
 * It changes no tracing setting: LangSmith tracing stays off unless `LANGSMITH_TRACING` is set.
 *
 * @example Usage
 * ```ts
 * import { ensureLangsmithOffline } from "./mod.ts";
 * ensureLangsmithOffline();
 * ensureLangsmithOffline(); // a second call changes nothing
 * ```
 */
export function ensureLangsmithOffline(): void {
  const slot = RunTree as unknown as SharedClientSlot;
  slot.sharedClient ??= new Client({ profileConfigPath: NO_PROFILE });
}
