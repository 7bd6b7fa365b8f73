// Placeholder until the owning issue lands; replaced by the real command.
import type { CliIO } from "./io.ts";
import type { ValidateOptions } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Not implemented yet. */
export function validateCommand(
  _file: string,
  _options: ValidateOptions,
  _io: CliIO,
): Promise<number> {
  return Promise.reject(new UsageError("This command is not implemented yet", { exitCode: 1 }));
}
