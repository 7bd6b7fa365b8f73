/**
 * Loads a workflow file and its prompt files through an injected reader.
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../errors.ts";
import type { LoadedWorkflow } from "./loaded_workflow.ts";
import type { ValidationHooks } from "./_check_context.ts";
import { analyzeSource } from "./_analyze.ts";
import { parseSource } from "./_parse_source.ts";
import { promptFilePath } from "./prompt_file_path.ts";
import { MAX_SOURCE_BYTES } from "./constants.ts";
import { type SafeParseWorkflowResult, toResult, unwrapResult } from "./_workflow_result.ts";

/** Options of {@linkcode loadWorkflow}. */
export interface LoadWorkflowOptions extends ValidationHooks {
  /**
   * Reads a text file (such as `Deno.readTextFile`): the workflow and its prompt files. It is
   * passed `maxBytes` ({@linkcode MAX_SOURCE_BYTES}): a reader should refuse a larger file, and
   * a path that is not a regular file (a device or a FIFO can be read forever). A longer
   * workflow text is refused after reading all the same.
   */
  readTextFile(path: string, options?: { maxBytes?: number | undefined }): Promise<string>;
  /**
   * Stops the load between reads.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Reads a workflow file and every `prompt_file` it names (relative to the workflow file),
 * then validates it all at once, like {@linkcode safeParseWorkflow}.
 *
 * @example Usage
 * ```ts
 * import { safeLoadWorkflow } from "@configurable-agents/core";
 * const files: Record<string, string> = {
 *   "flows/echo.yaml": `
 * schema_version: "1.0"
 * flow: {name: echo}
 * state: {fields: {message: {type: str, required: true}, reply: {type: str}}}
 * nodes: [{id: echo, prompt_file: prompts/missing.txt, outputs: [reply]}]
 * edges: [{from: START, to: echo}, {from: echo, to: END}]
 * `,
 * };
 * const result = await safeLoadWorkflow("flows/echo.yaml", {
 *   readTextFile: (path) =>
 *     path in files ? Promise.resolve(files[path] ?? "") : Promise.reject(new Error("not found")),
 * });
 * if (result.ok) throw new Error("expected the missing prompt file to be reported");
 * if (!result.diagnostics.some((problem) => problem.message.includes("prompts/missing.txt"))) {
 *   throw new Error(JSON.stringify(result.diagnostics));
 * }
 * ```
 *
 * @param path The workflow file.
 * @param options The reader and validation hooks.
 * @returns The workflow, or every diagnostic.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` when the workflow file cannot be read.
 */
export async function safeLoadWorkflow(
  path: string,
  options: LoadWorkflowOptions,
): Promise<SafeParseWorkflowResult> {
  const {
    readTextFile,
    signal,
    toolNames,
    isModelPriced,
    checkToolConfig,
    keyDestination,
    registryPrompts,
  } = options;
  signal?.throwIfAborted();
  let text: string;
  try {
    text = await readTextFile(path, { maxBytes: MAX_SOURCE_BYTES });
  } catch (error) {
    throw new WorkflowError(
      "CONFIG_LOAD_FAILED",
      `Cannot load the workflow "${path}" as the file cannot be read: ${errorMessage(error)}`,
      { phase: "load", cause: error, hint: "check the path and that --allow-read covers it" },
    );
  }
  const parsed = parseSource(text, path);
  // Maps, turned into records by `Object.fromEntries`, so that any path (even "__proto__") is
  // an own entry.
  const promptFiles = new Map<string, string>();
  const promptFileErrors = new Map<string, string>();
  const promptFileNames = new Map<string, string>();
  for (const promptFile of promptFilesOf(parsed.value)) {
    signal?.throwIfAborted();
    const resolved = promptFilePath(path, promptFile);
    promptFileNames.set(promptFile, resolved);
    try {
      promptFiles.set(promptFile, await readTextFile(resolved, { maxBytes: MAX_SOURCE_BYTES }));
    } catch (error) {
      promptFileErrors.set(promptFile, `"${resolved}" cannot be read: ${errorMessage(error)}`);
    }
  }
  const analysis = analyzeSource(parsed, {
    promptFiles: Object.fromEntries(promptFiles),
    promptFileErrors: Object.fromEntries(promptFileErrors),
    promptFileNames: Object.fromEntries(promptFileNames),
    toolNames,
    isModelPriced,
    checkToolConfig,
    keyDestination,
    registryPrompts,
  });
  return toResult(analysis, path);
}

/**
 * Reads a workflow file and every `prompt_file` it names (relative to the workflow file),
 * then validates it all at once.
 *
 * @example Usage
 * ```ts
 * import { loadWorkflow } from "@configurable-agents/core";
 * const files: Record<string, string> = {
 *   "flows/echo.yaml": `
 * schema_version: "1.0"
 * flow: {name: echo}
 * state: {fields: {message: {type: str, required: true}, reply: {type: str}}}
 * nodes: [{id: echo, prompt_file: prompts/echo.txt, outputs: [reply]}]
 * edges: [{from: START, to: echo}, {from: echo, to: END}]
 * `,
 *   "flows/prompts/echo.txt": "Repeat after me: {state.message}",
 * };
 * const workflow = await loadWorkflow("flows/echo.yaml", {
 *   readTextFile: (path) => Promise.resolve(files[path] ?? ""),
 * });
 * if (workflow.prompts.echo !== "Repeat after me: {state.message}") throw new Error();
 * ```
 *
 * @param path The workflow file.
 * @param options The reader and validation hooks.
 * @returns The workflow, defaults applied, with its prompts and warnings.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` when the workflow file cannot be read;
 * `CONFIG_INVALID` carrying every diagnostic when it has errors.
 */
export async function loadWorkflow(
  path: string,
  options: LoadWorkflowOptions,
): Promise<LoadedWorkflow> {
  return unwrapResult(await safeLoadWorkflow(path, options), path);
}

function promptFilesOf(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [];
  const nodes = (value as Record<string, unknown>).nodes;
  if (!Array.isArray(nodes)) return [];
  const files = nodes.map((node) =>
    node !== null && typeof node === "object"
      ? (node as Record<string, unknown>).prompt_file
      : undefined
  );
  return [...new Set(files.filter((f): f is string => typeof f === "string" && f !== ""))];
}
