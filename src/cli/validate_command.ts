/**
 * `validate <file>`: checks a workflow file and reports every problem with its file, line and
 * column. Exit 0 when valid (warnings allowed), 2 when invalid or unreadable (an unreadable file
 * is an error that says what is missing, not an "invalid" report).
 *
 * @module
 */
import type { Diagnostic } from "../config/diagnostic.ts";
import { type LoadWorkflowOptions, safeLoadWorkflow } from "../config/load_workflow.ts";
import { isWorkflowError } from "../errors.ts";
import type { CliIO } from "./io.ts";
import type { ValidateOptions } from "./options.ts";
import { formatDiagnosticLine } from "./render_error.ts";
import { cliValidationContext } from "./_validation_context.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import { lookupPromptsForValidation } from "../runtime/resolve_workflow_prompts.ts";
import { fileAccessErrorIn } from "./_file_access.ts";
import { loadToolModules } from "./_tool_modules.ts";

/** The `--json` report of `validate`. */
export interface ValidateReport {
  /** The file as given. */
  file: string;
  /** `true` when there is no error. */
  valid: boolean;
  /** Number of errors. */
  errors: number;
  /** Number of warnings. */
  warnings: number;
  /** Every error and warning, in file order. */
  diagnostics: readonly Diagnostic[];
}

/**
 * Runs `validate`: loads the file with the CLI's validation context (built-in tool names and
 * those of the `--tools` modules),
 * prints each diagnostic as `file:line:col: severity: message (suggestion) [at path]` and a
 * summary, or the JSON report with `--json`.
 *
 * @param file The workflow file.
 * @param options `--json`, `--tools` and the global options.
 * @param io The outside world.
 * @returns 0 when the workflow is valid, 2 when it is invalid or cannot be read.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` without `--json`: the file cannot be read (the
 * error says whether it is missing or Deno lacks the read permission; exit 2).
 */
export async function validateCommand(
  file: string,
  options: ValidateOptions,
  io: CliIO,
): Promise<number> {
  let diagnostics: readonly Diagnostic[];
  parseTrackingUriOption(options.trackingUri);
  try {
    const tools = await loadToolModules(options.tools, io);
    const hooks: LoadWorkflowOptions = {
      readTextFile: (path, options) => io.readTextFile(path, options),
      ...(await cliValidationContext(io, tools)),
    };
    let result = await safeLoadWorkflow(file, hooks);
    if (result.ok) {
      // A second pass checks the templates of the registry prompts the nodes name, where the
      // registry can be read with the permissions given.
      const registryPrompts = await lookupPromptsForValidation(result.workflow, {
        trackingUri: options.trackingUri,
        env: io.env,
        cwd: io.cwd(),
      });
      if (registryPrompts.size > 0) {
        result = await safeLoadWorkflow(file, { ...hooks, registryPrompts });
      }
    }
    diagnostics = result.ok ? result.workflow.warnings : result.diagnostics;
  } catch (error) {
    // A file that cannot be read was not checked: say what is missing, not "invalid".
    if (!options.json || !isWorkflowError(error) || error.code !== "CONFIG_LOAD_FAILED") {
      throw error;
    }
    const suggestion = fileAccessErrorIn(error)?.hint ?? error.hint;
    diagnostics = [{
      severity: "error",
      code: "file_unreadable",
      message: error.message,
      path: [],
      file,
      ...(suggestion ? { suggestion } : {}),
    }];
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (options.json) {
    const report: ValidateReport = { file, valid: errors === 0, errors, warnings, diagnostics };
    io.stdout(JSON.stringify(report, null, 2) + "\n");
  } else {
    for (const diagnostic of diagnostics) {
      io.stdout(formatDiagnosticLine(diagnostic, { color: io.color }) + "\n");
    }
    io.stdout(summary(file, errors, warnings) + "\n");
  }
  return errors === 0 ? 0 : 2;
}

function summary(file: string, errors: number, warnings: number): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  return errors === 0
    ? `${file}: valid${warnings ? ` (${count(warnings, "warning")})` : ""}`
    : `${file}: invalid: ${count(errors, "error")}, ${count(warnings, "warning")}`;
}
