/**
 * Parsed options of each CLI command. `program.ts` fills them from argv; the command modules
 * receive them typed.
 *
 * @module
 */

import type { MlflowSchemaChoice } from "../tracking/sqlite/mlflow_schema_choice.ts";

/** Options every command has. */
export interface GlobalOptions {
  /** Print stack traces of unexpected errors. */
  verbose: boolean;
}

/** `validate <file>`. */
export interface ValidateOptions extends GlobalOptions {
  /** Print the diagnostics as JSON. */
  json: boolean;
  /** `--tools`: modules whose exported tools the workflow may name. */
  tools: string[];
  /** `--tracking-uri`: where the registry prompts the nodes name are looked up. */
  trackingUri?: string | undefined;
}

/** `graph <file>`. */
export interface GraphOptions extends GlobalOptions {
  /** Mermaid flowchart direction. */
  direction: "TD" | "LR";
}

/** The flags `run` and `evaluate` share for how their runs go. */
export interface RunModeOptions {
  /** `--mock`: every node uses the mock model; no network. */
  mock: boolean;
  /** `--seed`: seed of the mock model. */
  seed: number | undefined;
  /** `--mock-latency`: simulated latency of each mock model call, milliseconds. */
  mockLatency: number | undefined;
  /** `--mock-answers`: a YAML or JSON file of scripted mock answers by node id. */
  mockAnswers: string | undefined;
  /**
   * `--traceparent` (`run` only): the W3C trace context the run nests under. `evaluate` has no
   * such flag, as runs under one parent share its trace and an evaluation needs a trace per
   * record.
   */
  traceparent?: string | undefined;
  /** `--tools`: modules whose exported tools the workflow may name. */
  tools: string[];
  /** `--mlflow-schema`: the MLflow release line whose schema a new SQLite file gets. */
  mlflowSchema: MlflowSchemaChoice | undefined;
}

/** `run <file>`. */
export interface RunOptions extends GlobalOptions, RunModeOptions {
  /** `-i key=value`, repeatable, in order. */
  input: string[];
  /** `--input-file`: JSON or YAML object, or JSONL for a batch. */
  inputFile: string | undefined;
  /** `--concurrency`: batch runs at once. */
  concurrency: number;
  /** `--output`: the batch's results file, one JSON line per record as each run ends. */
  output?: string | undefined;
  /** `--resume`: run only the records `--output` lacks, appending to it. */
  resume?: boolean | undefined;
  /** `--shard K/N`: run only the records whose line number is K mod N (K from 1 to N). */
  shard?: { index: number; count: number } | undefined;
  /** `--rpm`: requests per minute for every provider and model of the run. */
  rpm?: number | undefined;
  /** `--tpm`: tokens per minute for every provider and model of the run. */
  tpm?: number | undefined;
  /** `--json`: machine output. */
  json: boolean;
  /** `--tracking-uri`: record the run there (turns tracking on). */
  trackingUri: string | undefined;
  /** `--no-tracking`: record nothing even when the workflow enables MLflow. */
  tracking: boolean;
}

/** `evaluate <file>`. */
export interface EvaluateOptions extends GlobalOptions, RunModeOptions {
  /** `--dataset`: a JSONL, JSON or YAML list of `{inputs, expectations, tags}` records. */
  dataset: string;
  /** `--scorers`: a YAML file with a top-level `scorers:` list (instead of the workflow's). */
  scorers: string | undefined;
  /** `--concurrency`: records run (and judges asked) at once. */
  concurrency: number;
  /** `--tracking-uri`: record the evaluation there (turns tracking on). */
  trackingUri: string | undefined;
  /** `--no-tracking`: record nothing even when the workflow enables MLflow. */
  tracking: boolean;
  /** `--fail-under name=min`, repeatable: exit 1 when a scorer's mean is below its minimum. */
  failUnder: string[];
  /** `--compare`: an earlier evaluation run (id or name) in the same store. */
  compare: string | undefined;
  /** `--json`: machine output. */
  json: boolean;
  /** `--rationale`: show each score's rationale under its record. */
  rationale: boolean;
}

/** Filters shared by the commands that read tracked runs. */
export interface TrackingReadOptions extends GlobalOptions {
  /** Where to read: sqlite:///path or http(s)://host. */
  trackingUri: string | undefined;
  /** Experiment name. */
  experiment: string | undefined;
  /** `--json`. */
  json: boolean;
}

/** `report costs`. */
export interface ReportCostsOptions extends TrackingReadOptions {
  /** Workflow (flow) name. */
  workflow: string | undefined;
  /** today | yesterday | last_7_days | last_30_days | this_month. */
  period: string | undefined;
  /** ISO date or date-time, inclusive. */
  since: string | undefined;
  /** ISO date or date-time, exclusive. */
  until: string | undefined;
  /** success | failure. */
  status: string | undefined;
  /** workflow | model | node | day | week | month. */
  by: string;
  /** `--csv`. */
  csv: boolean;
}

/** `traces list`. */
export interface TracesListOptions extends TrackingReadOptions {
  /** Most traces to show. */
  limit: number;
}

/** `traces show <id>`. */
export type TracesShowOptions = TrackingReadOptions;

/** `traces push`. */
export interface TracesPushOptions extends GlobalOptions {
  /** Deliver to this URI instead of the one each spooled trace was meant for. */
  trackingUri: string | undefined;
  /** Spool directory. */
  spoolDir: string | undefined;
  /** `--json`. */
  json: boolean;
}

/** `permissions <file>`. */
export interface PermissionsOptions extends GlobalOptions {
  /** Flags for a `--mock` run (no provider hosts). */
  mock: boolean;
  /** `--input-file`: flags for a run with this input file (a `.jsonl` file is a batch). */
  inputFile: string | undefined;
  /** `--dataset`: flags for `evaluate` over this dataset instead of a run. */
  dataset: string | undefined;
  /** `--scorers`: the scorers file of that evaluation (default: the workflow's scorers). */
  scorers: string | undefined;
  /** `--output`: flags for a batch that writes its results to this file. */
  output?: string | undefined;
  /** `--tracking-uri`: flags for a run recorded there. */
  trackingUri: string | undefined;
  /** `--no-tracking`: flags for a run that records nothing. */
  tracking: boolean;
  /** `--tools`: modules whose exported tools the workflow may name. */
  tools: string[];
  /** `--json`. */
  json: boolean;
}

/** Flags every `prompts` command has. */
export interface PromptsOptions extends GlobalOptions {
  /** `--tracking-uri`: the registry's store (default: MLFLOW_TRACKING_URI, else sqlite:///mlflow.db). */
  trackingUri: string | undefined;
  /** `--json`. */
  json: boolean;
}

/** `prompts register <name>`. */
export interface PromptsRegisterOptions extends PromptsOptions {
  /** `--template`: the template inline. */
  template: string | undefined;
  /** `--template-file`: a file holding the template. */
  templateFile: string | undefined;
  /** `--message`: commit message of the version. */
  message: string | undefined;
  /** `--tag key=value`, repeatable. */
  tag: string[];
  /** `--alias`: point this alias at the registered version. */
  alias: string | undefined;
}

/** `prompts list`. */
export type PromptsListOptions = PromptsOptions;

/** `prompts show <uri>`. */
export type PromptsShowOptions = PromptsOptions;

/** `prompts alias <name> <alias> <version>`. */
export type PromptsAliasOptions = PromptsOptions;

/** `prompts push <workflow>`. */
export interface PromptsPushOptions extends PromptsOptions {
  /** `--alias`: point this alias at each pushed version. */
  alias: string | undefined;
  /** `--message`: commit message of new versions. */
  message: string | undefined;
}
