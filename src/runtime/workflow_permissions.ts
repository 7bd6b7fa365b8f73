/**
 * `workflowPermissions`: the exact Deno permissions a run of a workflow needs, and the flags
 * that grant them.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { promptFilePath } from "../config/prompt_file_path.ts";
import { providerEnvVars, providerHosts } from "../llm/provider_permissions.ts";
import { resolveModelSpec } from "../llm/model_spec.ts";
import { collectToolPermissions } from "../tools/collect_tool_permissions.ts";
import { createToolRegistry, type ToolRegistry } from "../tools/tool_registry.ts";
import { DEFAULT_SPOOL_DIR } from "../tracking/delivery/spool.ts";
import type { EnvReader } from "../tracking/http/mlflow_auth.ts";
import { OTLP_ENV_NAMES, readOtlpEnv } from "../tracking/otlp/otlp_env.ts";
import { PRICES_ENV_VAR } from "../tracking/pricing/load_price_table_from_env.ts";
import { registryPromptUris } from "../config/registry_prompts.ts";
import { resolvePromptRegistryDestination } from "../tracking/prompts/prompt_registry_destination.ts";
import {
  resolveTrackingDestination,
  type TrackingDestination,
} from "../tracking/tracking_destination.ts";
import { packageSourceDirectory } from "./package_source.ts";

/** The permissions of a run, each list without repeats. */
export interface WorkflowPermissions {
  /** Paths for `--allow-read`. */
  read: string[];
  /** Paths for `--allow-write`. */
  write: string[];
  /** Variable names for `--allow-env`. */
  env: string[];
  /** Hosts (`host` or `host:port`) for `--allow-net`. */
  net: string[];
  /** Where the run is recorded, `undefined` when it is not tracked. */
  trackingUri: string | undefined;
}

/** Options of {@linkcode workflowPermissions}. */
export interface WorkflowPermissionsOptions {
  /**
   * Permissions of a `--mock` run: no provider, and tools are not called for real.
   *
   * @default {false}
   */
  mock?: boolean;
  /**
   * A tracking URI given explicitly (`--tracking-uri`); it turns tracking on.
   *
   * @default {undefined}
   */
  trackingUri?: string | TrackingDestination | undefined;
  /**
   * `false` for a run without tracking (`--no-tracking`).
   *
   * @default {true}
   */
  tracking?: boolean | undefined;
  /**
   * Reads `MLFLOW_TRACKING_URI`, `OLLAMA_HOST` and `CONFIGURABLE_AGENTS_PRICES`, which decide
   * the destination, the Ollama host and the price file.
   *
   * @default {nothing is set}
   */
  env?: EnvReader;
  /**
   * The file of `--input-file`, which the run reads.
   *
   * @default {undefined}
   */
  inputFile?: string | undefined;
  /**
   * Permissions of an evaluation (`evaluate`): its dataset and `--scorers` file are read, and
   * its judges call their providers (not in mock runs). The records run as a batch does (see
   * `batch`).
   *
   * @default {undefined}
   */
  evaluation?: EvaluationPermissionsOptions | undefined;
  /**
   * The results file of a batch (`--output`), which the run reads (to resume) and appends to.
   *
   * @default {undefined}
   */
  outputFile?: string | undefined;
  /**
   * Permissions of a batch (a JSONL `--input-file`). A batch tracked in SQLite writes from a
   * worker thread, whose modules Deno loads under the read permission when the package runs
   * from local files (a checkout): the package's `src/` is then readable too.
   *
   * @default {false}
   */
  batch?: boolean;
  /**
   * Permissions of this package's command line (`cli.ts run`), which loads its `run` command
   * after start: from a checkout, the package's `src/` is readable too.
   *
   * @default {false}
   */
  cli?: boolean;
  /**
   * The directory the run starts in: the package's `src/` is given relative to it when it is
   * inside.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * Where the tools the workflow names are found (add your own tools to it).
   *
   * @default {createToolRegistry(): the built-ins}
   */
  registry?: ToolRegistry;
  /**
   * Modules the tools were loaded from (`run --tools`): the run imports them, so it needs to
   * read them (a module's own local imports are not followed).
   *
   * @default {[]}
   */
  toolModules?: readonly string[];
}

/** What an evaluation needs beyond its workflow's runs. */
export interface EvaluationPermissionsOptions {
  /** The dataset file. */
  readonly dataset: string;
  /**
   * The `--scorers` file, when the scorers are not the workflow's.
   *
   * @default {undefined}
   */
  readonly scorersFile?: string | undefined;
  /**
   * The workflows of its LLM judges (`Scorer.judge.workflow`): a judge may use another
   * provider or model than the workflow.
   *
   * @default {[]}
   */
  readonly judges?: readonly LoadedWorkflow[] | undefined;
}

/** What the CLI itself reads from the environment: `NO_COLOR`. */
const CLI_ENV = ["NO_COLOR"];

/** Variables the tracker reads for the user of traces and runs. */
const USER_ENV = ["USER", "USERNAME"];

/** The W3C trace context a run nests under (see `parseTraceparent`). */
const TRACEPARENT_ENV = "TRACEPARENT";

/** Variables the tracking-server sink reads: credentials and the request timeout. */
const SERVER_ENV = [
  "MLFLOW_TRACKING_USERNAME",
  "MLFLOW_TRACKING_PASSWORD",
  "MLFLOW_TRACKING_TOKEN",
  "MLFLOW_HTTP_REQUEST_TIMEOUT",
];

/**
 * The permissions a run of a workflow needs, and nothing more:
 *
 * - read: the workflow file and its prompt files, the input file (an evaluation's dataset and
 *   scorers file), the `toolModules`, the price file named by
 *   `CONFIGURABLE_AGENTS_PRICES` when set, the roots of file tools (not in mock runs), and when
 *   tracked the SQLite file with its `-wal`, `-shm` and `-journal` companions, the artifact
 *   root `mlruns` and the spool `.mlflow-spool`; and from a checkout, the package's `src/` for
 *   the CLI (which loads its `run` command after start) and for a batch tracked in SQLite
 *   or an evaluation (whose worker thread loads its modules so);
 * - write: the same tracking paths, and the roots of `write_file`;
 * - env: `CONFIGURABLE_AGENTS_PRICES`, `NO_COLOR`, the providers' key variables and the tools'
 *   variables (not in mock runs), and when tracked `MLFLOW_TRACKING_URI`, `USER`/`USERNAME`,
 *   and for a tracking server its `MLFLOW_*` credential and timeout variables and the OTLP
 *   exporter's `OTEL_EXPORTER_OTLP_*` variables;
 * - net: the providers' (an evaluation's judges' too) and tools' hosts (not in mock runs) and
 *   the tracking server's
 *   `host:port`;
 * - and when a node's `prompt` names a registry prompt (`prompts:/...`), what looking it up
 *   needs, tracked or not: read access to the SQLite file, or the server's `host:port` and
 *   credential variables (plus `MLFLOW_TRACKING_URI` when no URI is given).
 *
 * @example Usage
 * ```ts
 * import { workflowPermissions } from "./workflow_permissions.ts";
 * import { prepareWorkflow } from "../config/prepare_workflow.ts";
 * const loaded = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { reply: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Say hello", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 *   config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
 * }, { file: "hello.yaml" });
 * const live = workflowPermissions(loaded);
 * if (live.net.join() !== "api.openai.com" || !live.env.includes("OPENAI_API_KEY")) throw new Error();
 * const mock = workflowPermissions(loaded, { mock: true, trackingUri: "sqlite:///runs.db" });
 * if (mock.net.length !== 0 || !mock.write.includes("runs.db-wal")) throw new Error();
 * ```
 *
 * @param loaded The workflow.
 * @param options Mock mode, tracking, environment and tool registry.
 * @returns The permissions.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for an unsupported tracking URI;
 * `CONFIG_INVALID` for a tool that is not registered or a `base_url`/`OLLAMA_HOST` that is
 * not a URL.
 */
export function workflowPermissions(
  loaded: LoadedWorkflow,
  options: WorkflowPermissionsOptions = {},
): WorkflowPermissions {
  const { mock = false, env = () => undefined } = options;
  const { config } = loaded;
  const read = new Set<string>();
  const write = new Set<string>();
  const envNames = new Set<string>([PRICES_ENV_VAR, ...CLI_ENV]);
  const net = new Set<string>();
  const add = (set: Set<string>, values: Iterable<string>) => {
    for (const value of values) set.add(value);
  };

  if (loaded.file !== undefined) {
    read.add(loaded.file);
    for (const node of config.nodes) {
      if (node.prompt_file) read.add(promptFilePath(loaded.file, node.prompt_file));
    }
  }
  const prices = env(PRICES_ENV_VAR)?.trim();
  if (prices) read.add(prices);
  if (options.inputFile !== undefined) read.add(options.inputFile);
  const { evaluation } = options;
  if (evaluation !== undefined) {
    read.add(evaluation.dataset);
    if (evaluation.scorersFile !== undefined) read.add(evaluation.scorersFile);
  }
  if (options.outputFile !== undefined) {
    read.add(options.outputFile);
    write.add(options.outputFile);
  }
  add(read, options.toolModules ?? []);

  if (!mock) {
    // The workflow's nodes, and an evaluation's judges, call their providers.
    for (const { config: { config: settings, nodes } } of [loaded, ...evaluation?.judges ?? []]) {
      for (const node of nodes) {
        const spec = resolveModelSpec(settings.llm, node.llm);
        add(net, providerHosts(spec, env));
        add(envNames, providerEnvVars(spec.provider));
      }
    }
    const registry = options.registry ?? createToolRegistry();
    const tools = collectToolPermissions(
      registry,
      config.nodes.flatMap((node) => node.tools ?? []),
    );
    add(read, tools.read);
    add(write, tools.write);
    add(envNames, tools.env);
    add(net, tools.net);
  }

  const destination = resolveTrackingDestination(config.config.observability?.mlflow, {
    ...options,
    env,
  });
  const trackingUri = destination?.uri;
  if (destination !== undefined) {
    const explicit = typeof options.trackingUri === "object" || options.trackingUri?.trim() ||
      config.config.observability?.mlflow?.tracking_uri?.trim();
    if (!explicit) envNames.add("MLFLOW_TRACKING_URI");
    add(envNames, USER_ENV);
    const files = destination.kind === "sqlite"
      ? [...["", "-wal", "-shm", "-journal"].map((suffix) => destination.path + suffix), "mlruns"]
      : [];
    if (destination.kind === "http") {
      const { url } = destination;
      net.add(`${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`);
      add(envNames, SERVER_ENV);
    }
    // A collector that gets the spans too, and the caller's span runs may nest under.
    add(envNames, [...OTLP_ENV_NAMES, TRACEPARENT_ENV]);
    const collector = readOtlpEnv(env);
    if (collector?.ok) {
      const url = new URL(collector.config.endpoint);
      net.add(`${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`);
    }
    add(read, [...files, DEFAULT_SPOOL_DIR]);
    add(write, [...files, DEFAULT_SPOOL_DIR]);
  }
  if (registryPromptUris(config).length > 0) {
    // The registry the nodes' prompts:/ URIs are looked up in, tracked or not.
    const registry = resolvePromptRegistryDestination(config.config.observability?.mlflow, {
      trackingUri: options.trackingUri,
      env,
    });
    const explicit = typeof options.trackingUri === "object" || options.trackingUri?.trim() ||
      config.config.observability?.mlflow?.tracking_uri?.trim();
    if (!explicit) envNames.add("MLFLOW_TRACKING_URI");
    if (registry.kind === "sqlite") read.add(registry.path);
    else {
      const { url } = registry;
      net.add(`${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`);
      add(envNames, SERVER_ENV);
    }
  }
  const source = packageSourceDirectory(options.cwd ?? Deno.cwd());
  const worker = (options.batch || evaluation !== undefined) && destination?.kind === "sqlite";
  if (source !== undefined && (options.cli || worker)) read.add(source);
  return {
    read: [...read],
    write: [...write],
    env: [...envNames],
    net: [...net],
    trackingUri,
  };
}

/**
 * The Deno flags that grant a set of permissions: `--no-prompt` (an access the list does not
 * cover then fails at once instead of asking), then `--allow-read`, `--allow-write`,
 * `--allow-env` and `--allow-net` with their lists; a kind with nothing to allow is left out.
 * The flags work without `--no-prompt` too: the optional variables LangChain and LangSmith
 * look at read as unset unless allowed, without a prompt (see `ensureLangsmithOffline`).
 *
 * @example Usage
 * ```ts
 * import { permissionFlags } from "./workflow_permissions.ts";
 * const flags = permissionFlags({ read: ["a.yaml"], write: [], env: ["USER"], net: [] });
 * if (flags.join(" ") !== "--no-prompt --allow-read=a.yaml --allow-env=USER") throw new Error();
 * ```
 *
 * @param permissions The permissions.
 * @returns The flags, in that order.
 */
export function permissionFlags(permissions: Omit<WorkflowPermissions, "trackingUri">): string[] {
  const flags = ["--no-prompt"];
  for (const kind of ["read", "write", "env", "net"] as const) {
    const values = permissions[kind];
    if (values.length) flags.push(`--allow-${kind}=${values.join(",")}`);
  }
  return flags;
}
