/**
 * The command tree. Definitions are light; each action imports its implementation only when
 * it runs, so `validate` never loads LangChain, LangGraph or OpenTelemetry — nor downloads
 * them on an empty cache (see {@linkcode importHeavy}).
 *
 * @module
 */
import { Command, Option } from "commander";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "../runtime/batch_concurrency.ts";
import { packageSourceDirectory } from "../runtime/package_source.ts";
import { MAX_MOCK_LATENCY_MS } from "../llm/mock_latency.ts";
import {
  type MlflowSchemaChoice,
  parseMlflowSchemaChoice,
} from "../tracking/sqlite/mlflow_schema_choice.ts";
import type {
  EvaluateOptions,
  GraphOptions,
  PermissionsOptions,
  PromptsAliasOptions,
  PromptsListOptions,
  PromptsPushOptions,
  PromptsRegisterOptions,
  PromptsShowOptions,
  ReportCostsOptions,
  RunOptions,
  TracesListOptions,
  TracesPushOptions,
  TracesShowOptions,
  ValidateOptions,
} from "./options.ts";

type RunCommandModule = typeof import("./run_command.ts");
type EvaluateCommandModule = typeof import("./evaluate_command.ts");
type TracesPushModule = typeof import("./traces_push_command.ts");
type PermissionsModule = typeof import("./permissions_command.ts");

const TOOLS_FLAG = "--tools <module>";
const TOOLS_HELP = "a module whose exported tools (made with defineTool) nodes may use; repeatable";

/** Receives the exit code of the command that ran. */
export type ExitSink = (code: number) => void;

/**
 * Builds the command tree. Output goes through `io`; `setExit` receives the action's exit code.
 *
 * @param io The outside world.
 * @param setExit Receives the exit code of the action that ran.
 * @returns The root command, ready for `parseAsync(args, { from: "user" })`.
 */
export function buildProgram(io: CliIO, setExit: ExitSink): Command {
  const program = new Command()
    .name("configurable-agents")
    .description("Run LLM agent workflows declared in YAML and record every run in MLflow")
    .option("--verbose", "print stack traces of unexpected errors", false)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      getOutHasColors: () => io.color,
      getErrHasColors: () => io.color,
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    });
  const globals = () => ({ verbose: Boolean(program.opts().verbose) });

  program.command("validate")
    .description("check a workflow file and report every problem with its line and column")
    .argument("<file>", "workflow file (YAML or JSON)")
    .option("--json", "print the report as JSON", false)
    .option(TOOLS_FLAG, TOOLS_HELP, collect, [])
    .option(
      "--tracking-uri <uri>",
      "look up the prompts:/ URIs of nodes there (default: the workflow's tracking_uri)",
    )
    .action(
      async (file: string, opts: { json: boolean; tools: string[]; trackingUri?: string }) => {
        const { validateCommand } = await import("./validate_command.ts");
        const options: ValidateOptions = {
          ...globals(),
          json: opts.json,
          tools: opts.tools,
          trackingUri: opts.trackingUri,
        };
        setExit(await validateCommand(file, options, io));
      },
    );

  program.command("schema")
    .description("print the JSON Schema of workflow files (for editors)")
    .action(async () => {
      const { schemaCommand } = await import("./schema_command.ts");
      setExit(await schemaCommand(globals(), io));
    });

  program.command("graph")
    .description("print a Mermaid flowchart of a workflow")
    .argument("<file>", "workflow file")
    .addOption(
      new Option("--direction <dir>", "flowchart direction").choices(["TD", "LR"]).default("TD"),
    )
    .action(async (file: string, opts: { direction: "TD" | "LR" }) => {
      const { graphCommand } = await import("./graph_command.ts");
      const options: GraphOptions = { ...globals(), direction: opts.direction };
      setExit(await graphCommand(file, options, io));
    });

  const run = program.command("run")
    .description("run a workflow")
    .argument("<file>", "workflow file")
    .option(
      "-i, --input <key=value>",
      "an input; quoted values stay text, others are JSON when they parse",
      collect,
      [],
    )
    .option("--input-file <path>", "inputs: a JSON or YAML object, or JSONL for a batch")
    .option(
      "--concurrency <n>",
      `batch runs at once, 1 to ${MAX_CONCURRENCY}`,
      wholeNumber("--concurrency", 1, MAX_CONCURRENCY),
      DEFAULT_CONCURRENCY,
    )
    .option(
      "--output <file>",
      "batch: append each record's result line to this file as it ends (instead of stdout)",
    )
    .option("--resume", "batch: run only the records --output lacks, appending to it", false)
    .option(
      "--shard <K/N>",
      "batch: run only the records whose line number is K mod N (K from 1 to N)",
      parseShard,
    )
    .option(
      "--rpm <n>",
      "requests per minute for every provider and model, over the workflow's rate_limit",
      positiveNumber("--rpm"),
    )
    .option(
      "--tpm <n>",
      "tokens per minute for every provider and model, over the workflow's rate_limit",
      wholeNumber("--tpm", 1),
    )
    .option("--mock", "use the mock model for every node (no key, no network)", false)
    .option("--json", "print the result as JSON", false)
    .option(
      "--tracking-uri <uri>",
      "record the run in MLflow there (sqlite:///path.db or http(s)://host)",
    )
    .option("--no-tracking", "record nothing, even when the workflow enables MLflow")
    .option(
      "--traceparent <value>",
      "nest the run under this W3C trace context (default: the TRACEPARENT variable)",
    );
  addRunModeOptions(run)
    .action(async (file: string, opts: Omit<RunOptions, "verbose">) => {
      const { runCommand } = await importHeavy<RunCommandModule>("./run_command.ts", io.cwd());
      const options: RunOptions = {
        ...globals(),
        input: opts.input,
        inputFile: opts.inputFile,
        concurrency: opts.concurrency,
        output: opts.output,
        resume: opts.resume,
        shard: opts.shard,
        rpm: opts.rpm,
        tpm: opts.tpm,
        mock: opts.mock,
        seed: opts.seed,
        mockLatency: opts.mockLatency,
        mockAnswers: opts.mockAnswers,
        json: opts.json,
        trackingUri: opts.trackingUri,
        tracking: opts.tracking,
        traceparent: opts.traceparent,
        tools: opts.tools,
        mlflowSchema: opts.mlflowSchema,
      };
      setExit(await runCommand(file, options, io));
    });

  const evaluate = program.command("evaluate")
    .description("run a workflow over a dataset, score every run and record the evaluation")
    .argument("<file>", "workflow file")
    .requiredOption(
      "--dataset <file>",
      "records {inputs, expectations, tags}: JSONL, or a JSON or YAML list",
    )
    .option("--scorers <file>", "a YAML file with a scorers: list (default: the workflow's)")
    .option(
      "--concurrency <n>",
      `records run (and judges asked) at once, 1 to ${MAX_CONCURRENCY}`,
      wholeNumber("--concurrency", 1, MAX_CONCURRENCY),
      DEFAULT_CONCURRENCY,
    )
    .option("--mock", "use the mock model for every node and judge (no key, no network)", false)
    .option(
      "--tracking-uri <uri>",
      "record the evaluation in MLflow there (sqlite:///path.db or http(s)://host)",
    )
    .option("--no-tracking", "record nothing, even when the workflow enables MLflow")
    .option(
      "--fail-under <name=min>",
      "exit 1 when the scorer's mean is below min; repeatable",
      collect,
      [],
    )
    .option("--compare <run>", "an earlier evaluation run (id or name) in the same store")
    .option("--json", "print the evaluation as JSON", false)
    .option("--rationale", "show each score's rationale", false);
  addRunModeOptions(evaluate)
    .action(async (file: string, opts: Omit<EvaluateOptions, "verbose">) => {
      const { evaluateCommand } = await importHeavy<EvaluateCommandModule>(
        "./evaluate_command.ts",
        io.cwd(),
      );
      const options: EvaluateOptions = {
        ...globals(),
        dataset: opts.dataset,
        scorers: opts.scorers,
        concurrency: opts.concurrency,
        mock: opts.mock,
        seed: opts.seed,
        mockLatency: opts.mockLatency,
        mockAnswers: opts.mockAnswers,
        mlflowSchema: opts.mlflowSchema,
        trackingUri: opts.trackingUri,
        tracking: opts.tracking,
        failUnder: opts.failUnder,
        compare: opts.compare,
        json: opts.json,
        rationale: opts.rationale,
        tools: opts.tools,
      };
      setExit(await evaluateCommand(file, options, io));
    });

  const report = program.command("report").description("reports over tracked runs");
  report.command("costs")
    .description("token usage and dollar cost of tracked runs")
    .option(
      "--tracking-uri <uri>",
      "where runs are recorded (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)",
    )
    .option("--experiment <name>", "experiment name")
    .option("--workflow <name>", "only runs of this workflow")
    .addOption(
      new Option("--period <period>", "time window")
        .choices(["today", "yesterday", "last_7_days", "last_30_days", "this_month"]),
    )
    .option("--since <date>", "runs started at or after this ISO date")
    .option("--until <date>", "runs started before this ISO date")
    .addOption(new Option("--status <status>", "only these runs").choices(["success", "failure"]))
    .addOption(
      new Option("--by <group>", "group rows by")
        .choices(["workflow", "model", "node", "day", "week", "month"]).default("workflow"),
    )
    .option("--json", "print JSON", false)
    .option("--csv", "print CSV", false)
    .action(async (opts: Omit<ReportCostsOptions, "verbose">) => {
      const { reportCostsCommand } = await import("./report_command.ts");
      setExit(await reportCostsCommand({ ...globals(), ...opts }, io));
    });

  const traces = program.command("traces").description("list, show and deliver traces");
  traces.command("list")
    .description("list recent traces")
    .option("--tracking-uri <uri>", "where traces are recorded")
    .option("--experiment <name>", "experiment name")
    .option("--limit <n>", "most traces to list", wholeNumber("--limit", 1), 20)
    .option("--json", "print JSON", false)
    .action(async (opts: Omit<TracesListOptions, "verbose">) => {
      const { tracesListCommand } = await import("./traces_command.ts");
      setExit(await tracesListCommand({ ...globals(), ...opts }, io));
    });
  traces.command("show")
    .description("show a trace as a span tree with durations, tokens and cost")
    .argument("<trace-id>", "trace id (tr-...)")
    .option("--tracking-uri <uri>", "where traces are recorded")
    .option("--experiment <name>", "experiment name")
    .option("--json", "print JSON", false)
    .action(async (traceId: string, opts: Omit<TracesShowOptions, "verbose">) => {
      const { tracesShowCommand } = await import("./traces_command.ts");
      setExit(await tracesShowCommand(traceId, { ...globals(), ...opts }, io));
    });
  traces.command("push")
    .description("deliver spooled traces and runs, each exactly once")
    .option("--tracking-uri <uri>", "deliver here instead of each trace's own destination")
    .option("--spool-dir <dir>", "spool directory (default: .mlflow-spool)")
    .option("--json", "print JSON", false)
    .action(async (opts: Omit<TracesPushOptions, "verbose">) => {
      const { tracesPushCommand } = await importHeavy<TracesPushModule>(
        "./traces_push_command.ts",
        io.cwd(),
      );
      setExit(await tracesPushCommand({ ...globals(), ...opts }, io));
    });

  const prompts = program.command("prompts")
    .description("version prompts in MLflow's Prompt Registry and use them as prompts:/name@alias");
  const promptsUri = "the registry's store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)";
  prompts.command("register")
    .description("register a template: a new version only when its text changed")
    .argument("<name>", "prompt name (letters, digits, _, - and .)")
    .option("--template <text>", "the template, with {{variable}} placeholders")
    .option("--template-file <path>", "a file holding the template")
    .option("--message <text>", "commit message of the version")
    .option("--tag <key=value>", "a tag of the version and the prompt (repeatable)", collect, [])
    .option("--alias <alias>", "point this alias at the registered version")
    .option("--tracking-uri <uri>", promptsUri)
    .option("--json", "print JSON", false)
    .action(async (name: string, opts: Omit<PromptsRegisterOptions, "verbose">) => {
      const { promptsRegisterCommand } = await import("./prompts_command.ts");
      setExit(await promptsRegisterCommand(name, { ...globals(), ...opts }, io));
    });
  prompts.command("list")
    .description("list the registered prompts with their latest version and aliases")
    .option("--tracking-uri <uri>", promptsUri)
    .option("--json", "print JSON", false)
    .action(async (opts: Omit<PromptsListOptions, "verbose">) => {
      const { promptsListCommand } = await import("./prompts_command.ts");
      setExit(await promptsListCommand({ ...globals(), ...opts }, io));
    });
  prompts.command("show")
    .description("show a prompt's versions, aliases and template")
    .argument("<uri>", "prompts:/name/version, prompts:/name@alias, or a name for the latest")
    .option("--tracking-uri <uri>", promptsUri)
    .option("--json", "print JSON", false)
    .action(async (uri: string, opts: Omit<PromptsShowOptions, "verbose">) => {
      const { promptsShowCommand } = await import("./prompts_command.ts");
      setExit(await promptsShowCommand(uri, { ...globals(), ...opts }, io));
    });
  prompts.command("alias")
    .description("point an alias of a prompt at a version (runs use it from their next start)")
    .argument("<name>", "prompt name")
    .argument("<alias>", "alias, e.g. production")
    .argument("<version>", "version number")
    .option("--tracking-uri <uri>", promptsUri)
    .option("--json", "print JSON", false)
    .action(
      async (
        name: string,
        alias: string,
        version: string,
        opts: Omit<PromptsAliasOptions, "verbose">,
      ) => {
        const { promptsAliasCommand } = await import("./prompts_command.ts");
        setExit(await promptsAliasCommand(name, alias, version, { ...globals(), ...opts }, io));
      },
    );
  prompts.command("push")
    .description("register each inline prompt of a workflow and print the URIs to use instead")
    .argument("<workflow>", "workflow file")
    .option("--alias <alias>", "point this alias at each pushed version")
    .option("--message <text>", "commit message of new versions")
    .option("--tracking-uri <uri>", "the registry's store (default: the workflow's tracking_uri)")
    .option("--json", "print JSON", false)
    .action(async (file: string, opts: Omit<PromptsPushOptions, "verbose">) => {
      const { promptsPushCommand } = await import("./prompts_command.ts");
      setExit(await promptsPushCommand(file, { ...globals(), ...opts }, io));
    });

  program.command("permissions")
    .description("print the exact Deno permission flags a workflow needs")
    .argument("<file>", "workflow file")
    .option("--mock", "flags for a --mock run", false)
    .option("--input-file <path>", "flags for a run with this input file (.jsonl: a batch)")
    .option("--output <file>", "flags for a batch that writes its results to this file")
    .option("--dataset <file>", "flags for evaluate over this dataset instead of a run")
    .option("--scorers <file>", "the scorers file of that evaluation (default: the workflow's)")
    .option("--tracking-uri <uri>", "flags for a run recorded there")
    .option("--no-tracking", "flags for a run that records nothing")
    .option(TOOLS_FLAG, TOOLS_HELP, collect, [])
    .option("--json", "print JSON", false)
    .action(async (file: string, opts: Omit<PermissionsOptions, "verbose">) => {
      const { permissionsCommand } = await importHeavy<PermissionsModule>(
        "./permissions_command.ts",
        io.cwd(),
      );
      setExit(await permissionsCommand(file, { ...globals(), ...opts }, io));
    });

  return program;
}

/**
 * Imports the module of a command that needs LangChain, LangGraph or OpenTelemetry (`run`,
 * `permissions`, `traces push`) by a specifier Deno cannot read ahead of time, on purpose:
 * Deno adds every `import("literal")` to the module graph it builds before the program starts
 * and installs that graph's npm packages, so a literal here would make `validate`, `schema`
 * and `graph` download about 100 MB of LangChain on an empty cache (bench/RESULTS.md, "First
 * run"). The type argument keeps the import type-checked; `deno compile` needs these modules
 * named with `--include` (the `compile` task does). From a checkout, Deno reads such a module
 * under the read permission: without it, the error names the flag to add (`permissions`
 * prints it).
 */
async function importHeavy<T>(path: string, cwd: string): Promise<T> {
  const specifier = new URL(path, import.meta.url).href;
  try {
    return await import(specifier);
  } catch (error) {
    // From a checkout, a module loaded after start is read under the read permission.
    if (!(error instanceof Error) || !/^Requires read access to /.test(error.message)) throw error;
    throw new UsageError(
      `Cannot load the command as Deno has no read permission for this package's source files: add --allow-read=${
        packageSourceDirectory(cwd)
      }`,
      { hint: "the permissions command prints every flag a run of a workflow needs", cause: error },
    );
  }
}

/**
 * Adds the flags `run` and `evaluate` share for how runs go (`RunModeOptions`): the mock
 * model's seed, latency and scripted answers, tool modules and the schema of a new SQLite
 * file.
 */
function addRunModeOptions(command: Command): Command {
  return command
    .option("--seed <n>", "seed of the mock model", wholeNumber("--seed"))
    .option(
      "--mock-latency <ms>",
      `simulated latency of each mock model call, 0 to ${MAX_MOCK_LATENCY_MS} milliseconds`,
      wholeNumber("--mock-latency", 0, MAX_MOCK_LATENCY_MS),
    )
    .option(
      "--mock-answers <file>",
      "YAML or JSON file of scripted mock answers: node id to a list of answers, used in order",
    )
    .option(TOOLS_FLAG, TOOLS_HELP, collect, [])
    .option(
      "--mlflow-schema <release>",
      "MLflow schema of a new SQLite file: 3.9 (default; every MLflow from 3.9 opens it), 3.10 or 3.11",
      mlflowSchema,
    );
}

/**
 * Parses `--shard K/N`: N shards, this one K of them, numbered from 1 (as `--shard 1/4` in Jest
 * and Playwright); a record belongs to shard K when its line number is K mod N.
 */
function parseShard(value: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!match) {
    throw new UsageError(`Cannot use --shard "${value}" as it is not K/N`, {
      hint: "give this shard's number and the number of shards, such as --shard 1/4",
    });
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new UsageError(
      `Cannot use --shard "${value}" as the number of shards must be 1 or more`,
      {
        hint: "give K/N with N of 1 or more, such as --shard 1/4",
      },
    );
  }
  if (!Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new UsageError(
      `Cannot use --shard "${value}" as its number must be from 1 to ${count}`,
      { hint: `shards are numbered from 1: --shard 1/${count} to --shard ${count}/${count}` },
    );
  }
  return { index, count };
}

/** The parser of an option that takes a positive number; its errors name the option. */
function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number <= 0) {
      throw new UsageError(
        `Cannot use ${flag} "${value}" as it is not a positive number: give a number above 0`,
      );
    }
    return number;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function mlflowSchema(value: string): MlflowSchemaChoice {
  const choice = parseMlflowSchemaChoice(value);
  if (choice === undefined) {
    throw new UsageError(
      `Cannot use --mlflow-schema "${value}" as new files are created for 3.9, 3.10 or 3.11 only`,
      {
        hint:
          "leave --mlflow-schema out for 3.9, which every MLflow from 3.9 on opens (a newer one upgrades the file)",
      },
    );
  }
  return choice;
}

/**
 * The parser of an option that takes a whole number between `min` and `max`; its errors name
 * the option and the range.
 */
function wholeNumber(
  flag: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER
    ? min === Number.MIN_SAFE_INTEGER ? "a whole number" : `a whole number of ${min} or more`
    : `a whole number from ${min} to ${max}`;
  return (value) => {
    const number = Number(value);
    const problem = value.trim() === "" || !Number.isSafeInteger(number)
      ? "it is not a whole number"
      : number < min
      ? `it is below ${min}`
      : number > max
      ? `it is above ${max}`
      : undefined;
    if (problem) throw new UsageError(`Cannot use ${flag} "${value}" as ${problem}: give ${range}`);
    return number;
  };
}
