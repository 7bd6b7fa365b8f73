// Placeholder until the owning issue lands; replaced by the real commands.
import type { CliIO } from "./io.ts";
import type { TracesListOptions, TracesShowOptions } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Not implemented yet. */
export function tracesListCommand(_options: TracesListOptions, _io: CliIO): Promise<number> {
  return Promise.reject(new UsageError("This command is not implemented yet", { exitCode: 1 }));
}

/** Not implemented yet. */
export function tracesShowCommand(
  _traceId: string,
  _options: TracesShowOptions,
  _io: CliIO,
): Promise<number> {
  return Promise.reject(new UsageError("This command is not implemented yet", { exitCode: 1 }));
}
