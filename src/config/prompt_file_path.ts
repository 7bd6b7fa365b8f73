/**
 * Where a node's `prompt_file` is: the one rule the loader reads by and the permission report
 * lists.
 *
 * @module
 */

/**
 * The path of a `prompt_file`: relative to the directory of the workflow file, unless it is
 * absolute (`/x`, `\x` or `C:\x`). The path is joined as written, not normalised.
 *
 * @example Usage
 * ```ts
 * import { promptFilePath } from "./prompt_file_path.ts";
 * if (promptFilePath("flows/echo.yaml", "prompts/echo.txt") !== "flows/prompts/echo.txt") {
 *   throw new Error();
 * }
 * if (promptFilePath("flows/echo.yaml", "/srv/echo.txt") !== "/srv/echo.txt") throw new Error();
 * ```
 *
 * @param workflowFile The workflow file.
 * @param promptFile The `prompt_file` as the workflow writes it.
 * @returns The path to read.
 */
export function promptFilePath(workflowFile: string, promptFile: string): string {
  if (/^(?:[A-Za-z]:)?[\\/]/.test(promptFile)) return promptFile;
  const slash = Math.max(workflowFile.lastIndexOf("/"), workflowFile.lastIndexOf("\\"));
  return slash === -1 ? promptFile : `${workflowFile.slice(0, slash + 1)}${promptFile}`;
}
