/**
 * `run --mock-answers <file>`: reads a YAML or JSON file of scripted mock answers and checks it
 * against the workflow, reporting every problem with its line and column.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { formatJsonPath } from "../config/diagnostic.ts";
import { readYaml, type YamlSource } from "../config/read_yaml.ts";
import { checkMockAnswers, type MockAnswers } from "../engine/mock_answers.ts";
import { errorMessage } from "../errors.ts";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Reads and checks the answers file.
 *
 * @param path The file.
 * @param loaded The workflow it scripts.
 * @param mock Whether the run is a `--mock` run (else only `provider: mock` nodes take answers).
 * @param io Reads the file.
 * @returns The answers by node id.
 * @throws {UsageError} The file cannot be read or parsed, or an answer does not fit the
 * workflow: every problem as `file:line:col: path: message` (exit 2).
 */
export async function readMockAnswers(
  path: string,
  loaded: LoadedWorkflow,
  mock: boolean,
  io: Pick<CliIO, "readTextFile">,
): Promise<MockAnswers> {
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read mock answers from "${path}" as ${errorMessage(error)}`, {
      hint: "check the path and that --allow-read covers it",
      cause: error,
    });
  }
  const read = readYaml(text, path);
  const problem = read.diagnostics.find((diagnostic) => diagnostic.severity === "error");
  if (problem) {
    const reason = problem.message.replace(/^Cannot read the YAML as (it is malformed: )?/, "");
    throw new UsageError(
      `Cannot read mock answers from "${path}" as line ${problem.line ?? 1}, column ${
        problem.column ?? 1
      } is not valid JSON or YAML: ${reason.replace(/^Cannot /, "cannot ")}`,
      problem.suggestion === undefined ? {} : { hint: problem.suggestion },
    );
  }
  const checked = checkMockAnswers(read.value, loaded, { mock });
  if ("answers" in checked) return checked.answers;
  const lines = checked.problems.map((problem) => {
    const at = positionOf(read.sourceMap, problem.path);
    const where = problem.path.length > 0 ? `${formatJsonPath(problem.path)}: ` : "";
    return `  ${path}:${at.line}:${at.column}: ${where}${problem.message}`;
  });
  const count = checked.problems.length;
  throw new UsageError(
    `Cannot use the mock answers in "${path}" as ${count} ${
      count === 1 ? "answer does" : "answers do"
    } not fit the workflow:\n${lines.join("\n")}`,
    {
      hint: "map node ids to lists of answers, each a mapping of some of the node's outputs, " +
        "such as review: [{score: 2}, {score: 5}]",
    },
  );
}

/** The position of the deepest part of `path` the document has. */
function positionOf(
  sourceMap: YamlSource["sourceMap"],
  path: readonly (string | number)[],
): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const position = sourceMap.locate(path.slice(0, depth));
    if (position) return position;
  }
  return { line: 1, column: 1 };
}
