/**
 * One clear message per error: what failed, a hint, the diagnostics of a bad workflow, and a
 * stack only when asked for.
 *
 * @module
 */
import { errorMessage, isWorkflowError } from "../errors.ts";
import { type Diagnostic, formatJsonPath } from "../config/diagnostic.ts";
import { fileAccessErrorIn } from "./_file_access.ts";
import { stripStyles } from "./_terminal_text.ts";

/** How to render. */
export interface RenderErrorOptions {
  /** Include the stack (and causes). */
  verbose: boolean;
  /** Use ANSI colours. */
  color: boolean;
}

/**
 * Renders an error for the terminal.
 *
 * @param error Anything thrown.
 * @param options Verbosity and colour.
 * @returns Text ending with a newline.
 */
export function renderError(error: unknown, options: RenderErrorOptions): string {
  const red = (text: string) => options.color ? `\x1b[31m${text}\x1b[0m` : text;
  const lines: string[] = [];
  const message = stripStyles(errorMessage(error));
  const diagnostics = isWorkflowError(error) ? error.diagnostics : [];
  const [first] = diagnostics;
  // A message that lists its diagnostics ("2 input problems were found: A; B") is cut before
  // the first, which are then printed one per line, each once.
  const listed = diagnostics.length > 1 && first !== undefined &&
    diagnostics.every((d) => message.includes(d.message));
  lines.push(
    `${red("error")}: ${
      listed ? message.slice(0, message.indexOf(first.message)).replace(/[\s:]+$/, "") : message
    }`,
  );
  if (isWorkflowError(error)) {
    const [only] = error.diagnostics;
    const repeated = error.diagnostics.length === 1 && only !== undefined &&
      message.includes(only.message) && only.line === undefined;
    if (!repeated) {
      for (const diagnostic of error.diagnostics) {
        lines.push(`  ${formatDiagnosticLine(diagnostic)}`);
      }
    } else if (only?.suggestion) {
      lines.push(`  ${only.suggestion}`);
    }
    if (error.nodeId) lines.push(`  node: ${error.nodeId}`);
  }
  // A file that cannot be read knows best what is missing: its hint wins over a generic one.
  const hint = fileAccessErrorIn(error)?.hint ??
    (error instanceof Error && "hint" in error && typeof error.hint === "string"
      ? error.hint
      : undefined);
  if (hint) lines.push(`  hint: ${hint}`);
  if (options.verbose && error instanceof Error && error.stack) {
    lines.push(error.stack);
    let cause: unknown = error.cause;
    while (cause instanceof Error) {
      lines.push(`caused by: ${cause.stack ?? cause.message}`);
      cause = cause.cause;
    }
  } else if (!isWorkflowError(error) && error instanceof Error && error.name !== "UsageError") {
    lines.push("  (run again with --verbose to see the stack)");
  }
  return lines.join("\n") + "\n";
}

/**
 * Formats one diagnostic as `file:line:col: severity: message (suggestion) [at path]`, with
 * the severity in red (error) or yellow (warning) when colouring.
 *
 * @param diagnostic The problem.
 * @param options Whether to colour the severity.
 * @returns One line of text.
 */
export function formatDiagnosticLine(
  diagnostic: Diagnostic,
  options: { color?: boolean } = {},
): string {
  const where = [diagnostic.file, diagnostic.line, diagnostic.column]
    .filter((part) => part !== undefined).join(":");
  const path = diagnostic.path.length ? ` [at ${formatJsonPath(diagnostic.path)}]` : "";
  const suggestion = diagnostic.suggestion ? ` (${diagnostic.suggestion})` : "";
  const severity = options.color
    ? `${diagnostic.severity === "error" ? "\x1b[31m" : "\x1b[33m"}${diagnostic.severity}\x1b[0m`
    : diagnostic.severity;
  return `${where ? `${where}: ` : ""}${severity}: ${diagnostic.message}${suggestion}${path}`;
}
