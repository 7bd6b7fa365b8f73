/**
 * The `configurable-agents` command line: `deno run <permissions> cli.ts <command>`.
 *
 * @module
 */
import { main } from "./src/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
