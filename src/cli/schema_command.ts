/**
 * `schema`: prints the JSON Schema of workflow files, for editors.
 *
 * @module
 */
import { workflowJsonSchema } from "../config/json_schema.ts";
import type { CliIO } from "./io.ts";
import type { GlobalOptions } from "./options.ts";

/**
 * Runs `schema`: prints the JSON Schema generated from the workflow schema, so that
 * `cli.ts schema > workflow.schema.json` gives editors completion and checks.
 *
 * @param _options The global options.
 * @param io The outside world.
 * @returns 0.
 */
export function schemaCommand(_options: GlobalOptions, io: CliIO): Promise<number> {
  io.stdout(JSON.stringify(workflowJsonSchema(), null, 2) + "\n");
  return Promise.resolve(0);
}
