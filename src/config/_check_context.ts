/**
 * What every semantic check sees: the parts of the workflow that passed the schema, the
 * prompt texts, the hooks from outside the config area, and a place to report problems.
 *
 * @module
 */
import type { Diagnostic, JsonPath } from "./diagnostic.ts";
import type {
  EdgeConfig,
  LlmConfig,
  MlflowConfig,
  NodeConfig,
  ScorerConfig,
  StateFieldConfig,
} from "./schema.ts";
import { type Position, SourceMap } from "./_source_map.ts";
import { type FieldType, tryParseType } from "./_field_types.ts";
import { ownValue } from "./_own_property.ts";
import type { RegistryPromptLookup } from "./registry_prompts.ts";

/**
 * The parts of a workflow that passed the schema. Each check runs only on the parts it needs,
 * so that a problem in one part never causes false reports in another.
 */
export interface WorkflowView {
  /** The state fields that are valid. */
  readonly fields: Readonly<Record<string, StateFieldConfig>>;
  /** Every declared state field name, valid or not; `undefined` when `state` is unusable. */
  readonly fieldNames: readonly string[] | undefined;
  /** Nodes by index; `undefined` where a node is invalid. */
  readonly nodes: readonly (NodeConfig | undefined)[];
  /** The id of every node, when every node has a valid id. */
  readonly nodeIds: readonly string[] | undefined;
  /** Edges, when every edge is valid. */
  readonly edges: readonly EdgeConfig[] | undefined;
  /** The workflow's model settings, when valid. */
  readonly llm: LlmConfig | undefined;
  /** The MLflow settings, when present and valid. */
  readonly mlflow: MlflowConfig | undefined;
  /** Whether the file has a top-level `optimization` section. */
  readonly hasOptimization: boolean;
  /** The scorers of the `evaluation` section by index, `undefined` where one is invalid. */
  readonly scorers?: readonly (ScorerConfig | undefined)[] | undefined;
}

/** A prompt template and where its text lives. */
export interface PromptSource {
  /** The template. */
  readonly text: string;
  /** When the text came from a `prompt_file`: the file's name, for diagnostics. */
  readonly file?: string | undefined;
}

/** Inputs of semantic validation that come from outside the config area. */
export interface ValidationHooks {
  /**
   * What the prompt registry holds for each `prompts:/...` URI a node's `prompt` names, keyed
   * by the URI as written (trimmed): a template to check like an inline prompt, or why there
   * is none. When absent, only the URIs' form is checked.
   *
   * @default {undefined}
   */
  registryPrompts?: ReadonlyMap<string, RegistryPromptLookup> | undefined;
  /**
   * Names of the tools that exist; when absent, tool names are not checked.
   *
   * @default {undefined}
   */
  toolNames?: readonly string[] | undefined;
  /**
   * Whether a provider/model pair has a price; when it returns `false` the model gets a
   * warning (its cost will be reported as unknown). When absent, prices are not checked.
   *
   * @default {undefined}
   */
  isModelPriced?: ((provider: string, model: string) => boolean) | undefined;
  /**
   * Where a provider's API key goes when that is not the provider's own host (a `base_url` or
   * an endpoint variable points elsewhere); the node then gets a warning. When absent, the
   * destinations of keys are not checked.
   *
   * @default {undefined}
   */
  keyDestination?:
    | ((provider: string, baseUrl: string | undefined) => KeyDestination | undefined)
    | undefined;
  /**
   * Problems with a tool's `config` (called for every tool entry of a node, with `{}` for a
   * bare name); each issue's path is relative to the entry's `config`. When absent, tool
   * settings are not checked.
   *
   * @default {undefined}
   */
  checkToolConfig?:
    | ((
      name: string,
      config: Readonly<Record<string, unknown>>,
    ) => readonly { path: readonly (string | number)[]; message: string }[])
    | undefined;
}

/** Where a provider's key is sent, when it is not the provider's own host. */
export interface KeyDestination {
  /** The variables that hold the key (`OPENAI_API_KEY`). */
  readonly keys: readonly string[];
  /** The host the key goes to. */
  readonly host: string;
  /** What chose that host: `base_url` or a variable such as `OPENAI_BASE_URL`. */
  readonly setting: string;
  /** The provider's own host (`api.openai.com`). */
  readonly ownHost: string;
}

/** Extra placement of a diagnostic. */
export interface ReportOptions {
  /** How to fix it. */
  readonly suggestion?: string | undefined;
  /** Where it is, when not the position of its path. */
  readonly position?: Position | undefined;
  /** The file it is in, when not the workflow file (a prompt file). */
  readonly file?: string | undefined;
}

/** The state of one validation pass. */
export class CheckContext {
  /** The valid parts of the workflow. */
  readonly view: WorkflowView;
  /** Prompt template by node index. */
  readonly prompts: ReadonlyMap<number, PromptSource>;
  /** Hooks from outside the config area. */
  readonly hooks: ValidationHooks;
  /** Positions in the workflow file. */
  readonly sourceMap: SourceMap;
  /** Everything found so far. */
  readonly diagnostics: Diagnostic[] = [];
  readonly #types = new Map<string, FieldType | undefined>();
  #parallelTargets:
    | Map<string, { index: number; parallel: NonNullable<EdgeConfig["parallel"]> }>
    | undefined;

  /**
   * @param view The valid parts of the workflow.
   * @param prompts Prompt template by node index.
   * @param hooks Hooks from outside the config area.
   * @param sourceMap Positions in the workflow file.
   */
  constructor(
    view: WorkflowView,
    prompts: ReadonlyMap<number, PromptSource>,
    hooks: ValidationHooks,
    sourceMap: SourceMap,
  ) {
    this.view = view;
    this.prompts = prompts;
    this.hooks = hooks;
    this.sourceMap = sourceMap;
  }

  /**
   * Reports an error.
   *
   * @param code Stable kind of the problem.
   * @param message What is wrong.
   * @param path Where in the document.
   * @param options Suggestion and placement.
   */
  error(code: string, message: string, path: JsonPath, options: ReportOptions = {}): void {
    this.#report("error", code, message, path, options);
  }

  /**
   * Reports a warning.
   *
   * @param code Stable kind of the problem.
   * @param message What is wrong.
   * @param path Where in the document.
   * @param options Suggestion and placement.
   */
  warning(code: string, message: string, path: JsonPath, options: ReportOptions = {}): void {
    this.#report("warning", code, message, path, options);
  }

  /**
   * The declared type of a state field.
   *
   * @param name The field name.
   * @returns Its type and sub-fields, or `undefined` when there is no such (valid) field.
   */
  fieldType(name: string): FieldType | undefined {
    if (this.#types.has(name)) return this.#types.get(name);
    const field = ownValue(this.view.fields, name);
    const type = field ? tryParseType(field.type) : undefined;
    const result = type ? { type, schema: field?.schema } : undefined;
    this.#types.set(name, result);
    return result;
  }

  /**
   * The state field names.
   *
   * @returns The names, in declaration order.
   */
  fieldNames(): readonly string[] {
    return this.view.fieldNames ?? [];
  }

  /**
   * Whether the state section can be checked against (its field names are known).
   *
   * @returns `true` when field names are known.
   */
  hasState(): boolean {
    return this.view.fieldNames !== undefined;
  }

  /**
   * Whether a state field is declared (valid or not: an invalid one is reported already).
   *
   * @param name The field name.
   * @returns `true` when declared.
   */
  hasField(name: string): boolean {
    return this.view.fieldNames?.includes(name) ?? false;
  }

  /**
   * The parallel edge that targets a node, if any.
   *
   * @param nodeId The node id.
   * @returns The edge's index and settings.
   */
  parallelEdgeOf(
    nodeId: string,
  ): { index: number; parallel: NonNullable<EdgeConfig["parallel"]> } | undefined {
    if (!this.#parallelTargets) {
      // Built once: a lookup per node over every edge would be quadratic in large workflows.
      this.#parallelTargets = new Map();
      for (const [index, edge] of (this.view.edges ?? []).entries()) {
        const target = edge.parallel?.target_node;
        if (target !== undefined && !this.#parallelTargets.has(target)) {
          this.#parallelTargets.set(target, { index, parallel: edge.parallel! });
        }
      }
    }
    return this.#parallelTargets.get(nodeId);
  }

  #report(
    severity: "error" | "warning",
    code: string,
    message: string,
    path: JsonPath,
    options: ReportOptions,
  ): void {
    const base = {
      severity,
      code,
      message,
      path,
      ...(options.suggestion ? { suggestion: options.suggestion } : {}),
    };
    if (options.file !== undefined) {
      const position = options.position;
      this.diagnostics.push({
        ...base,
        file: options.file,
        ...(position ? { line: position.line, column: position.column } : {}),
      });
      return;
    }
    this.diagnostics.push(
      this.sourceMap.place(base, options.position ?? this.sourceMap.locate(path)),
    );
  }
}

/**
 * The position of an offset in a text other than the workflow file (a prompt file).
 *
 * @param text The text.
 * @param offset 0-based offset.
 * @returns Its line and column.
 */
export function positionInText(text: string, offset: number): Position {
  return new SourceMap(text, undefined).positionOf(offset);
}
