// Placeholder until the owning issue lands; replaced by the real command.
import type { CliIO } from "./io.ts";
import type { TracesPushOptions } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Not implemented yet. */
export function tracesPushCommand(_options: TracesPushOptions, _io: CliIO): Promise<number> {
  return Promise.reject(new UsageError("This command is not implemented yet", { exitCode: 1 }));
}
