/**
 * `permissions <file>`: the exact Deno flags a `run` of a workflow needs (or, with `--dataset`,
 * an `evaluate`), as a ready-to-paste command line or as JSON.
 *
 * @module
 */
import type { CliIO } from "./io.ts";
import type { PermissionsOptions } from "./options.ts";
import { parseTrackingUriOption } from "./_tracking_uri_option.ts";
import { isBatchInputFile } from "./_run_inputs.ts";
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadToolModules } from "./_tool_modules.ts";
import { createToolRegistry } from "../tools/tool_registry.ts";
import { UsageError } from "./usage_error.ts";
import { evaluationScorers } from "./_evaluation_scorers.ts";

/** The `--json` report of `permissions`. */
export interface PermissionsReport {
  /** The workflow file as given. */
  file: string;
  /** Whether the flags are for a `--mock` run. */
  mock: boolean;
  /** The input file the flags are for; `null` without one. */
  inputFile: string | null;
  /** The dataset of the evaluation the flags are for; `null` for a run. */
  dataset: string | null;
  /** The scorers file of that evaluation; `null` for the workflow's scorers, or a run. */
  scorers: string | null;
  /** Where the run is recorded; `null` when it is not tracked. */
  trackingUri: string | null;
  /** Paths for `--allow-read`. */
  read: string[];
  /** Paths for `--allow-write`. */
  write: string[];
  /** Variables for `--allow-env`. */
  env: string[];
  /** Hosts for `--allow-net`. */
  net: string[];
  /** The Deno flags. */
  flags: string[];
  /** The whole command line. */
  command: string;
}

/**
 * Runs `permissions`: loads the workflow and prints the `deno run` line with exactly the
 * permissions its run needs (`--mock`, `--input-file`, `--tracking-uri` and `--no-tracking` as
 * `run` would get them), or with `--dataset` (and `--scorers`) those of `evaluate` (its judges'
 * providers included), or the JSON report.
 *
 * @param file The workflow file.
 * @param options `--mock`, `--input-file`, `--dataset`, `--scorers`, `--tracking-uri`,
 * `--no-tracking`, `--tools`, `--json` and the global options.
 * @param io The outside world.
 * @returns 0.
 * @throws {UsageError} An unsupported `--tracking-uri`, `--scorers` without `--dataset`,
 * `--dataset` with `--input-file`, or an evaluation without scorers (exit 2).
 * @throws {WorkflowError} The workflow or the scorers cannot be loaded or are invalid (exit 2).
 */
export async function permissionsCommand(
  file: string,
  options: PermissionsOptions,
  io: CliIO,
): Promise<number> {
  const trackingUri = parseTrackingUriOption(options.trackingUri);
  const { inputFile, dataset } = options;
  if (options.scorers !== undefined && dataset === undefined) {
    throw new UsageError("Cannot use --scorers without --dataset as only evaluate reads scorers", {
      hint: "add --dataset <file> for the flags of evaluate",
    });
  }
  if (dataset !== undefined && (inputFile !== undefined || options.output !== undefined)) {
    const flag = inputFile !== undefined ? "--input-file" : "--output";
    throw new UsageError(
      `Cannot use --dataset with ${flag} as evaluate runs the records of its dataset and prints its report`,
      { hint: `leave ${flag} out for the flags of evaluate, or --dataset for those of run` },
    );
  }
  const tools = await loadToolModules(options.tools, io);
  const runtime = await import("./_runtime_entry.ts");
  const env = (name: string) => io.env(name);
  const deps = {
    env,
    readTextFile: (path: string, options?: { maxBytes?: number | undefined }) =>
      io.readTextFile(path, options),
  };
  const loaded = await runtime.loadRunnableWorkflow(file, { tools, deps });
  const batch = inputFile !== undefined && isBatchInputFile(inputFile);
  const evaluation = dataset === undefined ? undefined : {
    dataset,
    scorersFile: options.scorers,
    judges: (await evaluationScorers(loaded, options.scorers, {
      priceTable: await runtime.loadPriceTableFromEnv(deps),
      io,
    })).flatMap((scorer) => scorer.judge ? [scorer.judge.workflow] : []),
  };
  const permissions = runtime.workflowPermissions(loaded, {
    mock: options.mock,
    trackingUri,
    tracking: options.tracking,
    inputFile,
    evaluation,
    ...(options.output === undefined ? {} : { outputFile: options.output }),
    batch,
    cli: true,
    cwd: io.cwd(),
    env,
    registry: createToolRegistry({ tools }),
    toolModules: options.tools,
  });
  const flags = runtime.permissionFlags(permissions);
  const runArgs = [
    ...(dataset === undefined ? ["run", file] : ["evaluate", file, "--dataset", dataset]),
    ...(options.scorers === undefined ? [] : ["--scorers", options.scorers]),
    ...(options.mock ? ["--mock"] : []),
    ...(inputFile === undefined ? [] : ["--input-file", inputFile]),
    ...(options.output === undefined ? [] : ["--output", options.output]),
    ...(options.trackingUri === undefined ? [] : ["--tracking-uri", options.trackingUri]),
    ...(options.tracking ? [] : ["--no-tracking"]),
    ...options.tools.flatMap((module) => ["--tools", module]),
  ];
  const command = ["deno", "run", ...flags, cliEntry(io.cwd()), ...runArgs].map(shellQuote)
    .join(" ");
  if (options.json) {
    const { trackingUri, read, write, env: envNames, net } = permissions;
    const report: PermissionsReport = {
      file,
      mock: options.mock,
      inputFile: inputFile ?? null,
      dataset: dataset ?? null,
      scorers: options.scorers ?? null,
      trackingUri: trackingUri ?? null,
      read,
      write,
      env: envNames,
      net,
      flags,
      command,
    };
    io.stdout(JSON.stringify(report, null, 2) + "\n");
    return 0;
  }
  const kind = dataset !== undefined ? "evaluation" : batch ? "batch run" : "run";
  const what = options.mock ? `a --mock ${kind}` : `${dataset === undefined ? "a" : "an"} ${kind}`;
  const where = permissions.trackingUri === undefined
    ? "not recorded in MLflow"
    : `recorded in ${permissions.trackingUri}`;
  const network = permissions.net.length === 0 ? "; it needs no network access" : "";
  io.stdout(`# Deno permissions for ${what} of ${file}, ${where}${network}\n${command}\n`);
  return 0;
}

/**
 * How to name this CLI in the printed command: its `cli.ts` relative to the working directory
 * when it runs from a checkout (`cli.ts` from the checkout's root), its URL when it runs from
 * JSR or another host.
 */
function cliEntry(cwd: string): string {
  const url = new URL("../../cli.ts", import.meta.url);
  if (url.protocol !== "file:") return url.href;
  const path = fileURLToPath(url);
  const inside = relative(cwd, path);
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}

/** Quotes an argument for POSIX shells when it has characters they would interpret. */
function shellQuote(arg: string): string {
  return /^[\w./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
