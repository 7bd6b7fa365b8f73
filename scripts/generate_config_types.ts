/**
 * Generates `src/config/workflow_types.ts`: the types of workflow files as plain TypeScript
 * interfaces, derived from the one zod schema (`WorkflowSchema` in `src/config/schema.ts`)
 * by `renderTypes` (`render_types.ts`), with the schema's descriptions and defaults as JSDoc.
 * The public API names these interfaces instead of zod's generic types, so `deno doc --lint`
 * and `deno publish` see no type of an npm package.
 *
 * ```sh
 * deno run --allow-read --allow-write=src/config/workflow_types.ts --allow-run=deno scripts/generate_config_types.ts
 * ```
 *
 * Run it from the repository root after any change to the schema; `deno fmt` formats the
 * output with the project's settings. `tests/config/workflow_types_test.ts` fails while the
 * committed file differs from a fresh generation, and checks at the type level that every
 * generated type is exactly the type zod infers.
 *
 * @module
 */
import { z } from "zod";
import {
  BudgetSchema,
  ContainsSchema,
  CorrectnessSchema,
  EdgeSchema,
  EvaluationSchema,
  ExactMatchSchema,
  ExecutionSchema,
  FlowSchema,
  GlobalConfigSchema,
  JsonValidSchema,
  LlmOverrideSchema,
  LlmSchema,
  LoggingSchema,
  LoopSchema,
  MlflowSchema,
  NodeSchema,
  NodeToolSchema,
  NumericWithinSchema,
  ObjectSchemaSchema,
  ObservabilitySchema,
  OptimizationSchema,
  OutputFieldSchema,
  OutputSchemaSchema,
  ParallelSchema,
  RateLimitSchema,
  RegexSchema,
  RouteConditionSchema,
  RouteSchema,
  ScorerSchema,
  StateFieldSchema,
  StateSchema,
  TypeCheckSchema,
  WorkflowSchema,
} from "../src/config/schema.ts";
import { type NamedSchema, renderTypes } from "./render_types.ts";

function objectFieldSpecSchema(): z.ZodType {
  // `_zod.innerType` is the instance the schema uses (`unwrap()` would build a new one).
  const record = ObjectSchemaSchema instanceof z.ZodLazy
    ? ObjectSchemaSchema._zod.innerType
    : undefined;
  if (!(record instanceof z.ZodRecord)) {
    throw new TypeError(
      "Cannot find the sub-field schema as ObjectSchemaSchema is not a lazy record",
    );
  }
  return record.valueType as z.ZodType;
}

function pipeOf(schema: z.ZodType): z.ZodType {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  if (!(inner instanceof z.ZodPipe)) throw new TypeError("Cannot find the transform of a schema");
  return inner as z.ZodType;
}

/** The named types of a workflow file, in the order the generated file lists them. */
export const CONFIG_TYPES: readonly NamedSchema[] = [
  {
    schema: WorkflowSchema,
    output: "WorkflowConfig",
    input: "WorkflowInput",
    doc: "A whole workflow file: its flow, state, nodes, edges and settings.",
  },
  {
    schema: FlowSchema,
    output: "FlowConfig",
    input: "FlowInput",
    doc: "The `flow` section: the workflow's name, description and version.",
  },
  {
    schema: StateSchema,
    output: "StateConfig",
    input: "StateInput",
    doc: "The `state` section: a non-empty map of field name to field.",
  },
  {
    schema: StateFieldSchema,
    output: "StateFieldConfig",
    input: "StateFieldInput",
    doc: "One field of the workflow state.",
  },
  {
    schema: objectFieldSpecSchema(),
    output: "ObjectFieldSpec",
    input: "ObjectFieldSpecInput",
    doc: "A sub-field of an `object` type: a type string, or a field spec with its own sub-fields.",
  },
  {
    schema: NodeSchema,
    output: "NodeConfig",
    input: "NodeInput",
    doc: "One step of the workflow: a prompt, the model's structured answer, the state it writes.",
  },
  {
    schema: OutputSchemaSchema,
    output: "OutputSchemaConfig",
    input: "OutputSchemaInput",
    doc: "The shape a node's model must answer in (`output_schema`).",
  },
  {
    schema: OutputFieldSchema,
    output: "OutputFieldConfig",
    input: "OutputFieldInput",
    doc: "One field of an object output.",
  },
  {
    schema: NodeToolSchema,
    output: "NodeToolConfig",
    input: "NodeToolInput",
    doc: "A tool a node may call: a registered name, or a name with settings.",
  },
  {
    schema: LlmOverrideSchema,
    output: "LlmOverride",
    input: "LlmOverrideInput",
    doc: "A node's chat model settings; each field set overrides the workflow's.",
  },
  {
    schema: RateLimitSchema,
    output: "RateLimitConfig",
    input: "RateLimitInput",
    doc: "Requests and tokens per minute allowed for a provider and model (`llm.rate_limit`).",
  },
  {
    schema: OptimizationSchema,
    output: "OptimizationConfig",
    input: "OptimizationInput",
    doc: "Prompt optimisation settings of v0.1 files: accepted and reported as not yet supported.",
  },
  {
    schema: EdgeSchema,
    output: "EdgeConfig",
    input: "EdgeInput",
    doc: "An edge: from a node (or START) by exactly one of `to`, `routes`, `loop`, `parallel`.",
  },
  {
    schema: RouteSchema,
    output: "RouteConfig",
    input: "RouteInput",
    doc: "One route of a conditional edge.",
  },
  {
    schema: RouteConditionSchema,
    output: "RouteCondition",
    input: "RouteConditionInput",
    doc: 'A route condition: an expression, or the default route (`{logic: "default"}` of ' +
      'v0.1 files becomes `"default"`).',
  },
  {
    schema: LoopSchema,
    output: "LoopConfig",
    input: "LoopInput",
    doc: "A loop: the source node repeats until a bool field is true or the count is reached.",
  },
  {
    schema: ParallelSchema,
    output: "ParallelConfig",
    input: "ParallelInput",
    doc: "A fan-out: one concurrent run of the target per item, results collected in item order.",
  },
  {
    schema: GlobalConfigSchema,
    output: "GlobalConfig",
    input: "GlobalConfigInput",
    doc: "The `config` section: model, execution and observability settings.",
  },
  {
    schema: LlmSchema,
    output: "LlmConfig",
    input: "LlmInput",
    doc: "The workflow's chat model settings, with the v0.1 defaults.",
  },
  {
    schema: ExecutionSchema,
    output: "ExecutionConfig",
    input: "ExecutionInput",
    doc: "How a run executes: timeouts, retries, recursion limit and budget.",
  },
  {
    schema: BudgetSchema,
    output: "BudgetConfig",
    input: "BudgetInput",
    doc: "Limits of a run, checked before every model call.",
  },
  {
    schema: ObservabilitySchema,
    output: "ObservabilityConfig",
    input: "ObservabilityInput",
    doc: "Observability settings: MLflow tracking and logging.",
  },
  {
    schema: MlflowSchema,
    output: "MlflowConfig",
    input: "MlflowInput",
    doc: "Where and how runs are recorded in MLflow.",
  },
  {
    schema: LoggingSchema,
    output: "LoggingConfig",
    input: "LoggingInput",
    doc: "Logging settings.",
  },
  {
    schema: EvaluationSchema,
    output: "EvaluationConfig",
    input: "EvaluationInput",
    doc: "The `evaluation` section, and the whole of a `--scorers` file: the scorers of an " +
      "evaluation.",
  },
  {
    schema: ScorerSchema,
    output: "ScorerConfig",
    input: "ScorerInput",
    doc: "One scorer: its name, exactly one kind key, and (for a judge) what it reads and its " +
      "model.",
  },
  {
    schema: ExactMatchSchema,
    output: "ExactMatchConfig",
    input: "ExactMatchInput",
    doc: "`exact_match`: a state field equals a key of the record's expectations.",
  },
  {
    schema: ContainsSchema,
    output: "ContainsConfig",
    input: "ContainsInput",
    doc: "`contains`: the text of a state field contains a fixed text or an expectation.",
  },
  {
    schema: RegexSchema,
    output: "RegexConfig",
    input: "RegexInput",
    doc: "`regex`: a regular expression matches somewhere in the text of a state field.",
  },
  {
    schema: NumericWithinSchema,
    output: "NumericWithinConfig",
    input: "NumericWithinInput",
    doc: "`numeric_within`: a number state field is within a tolerance of the expected number.",
  },
  {
    schema: JsonValidSchema,
    output: "JsonValidConfig",
    input: "JsonValidInput",
    doc: "`json_valid`: a text state field parses as JSON (of a type, when given).",
  },
  {
    schema: TypeCheckSchema,
    output: "TypeCheckConfig",
    input: "TypeCheckInput",
    doc: "`type_check`: the value of a state field has a type of the workflow's type grammar.",
  },
  {
    schema: CorrectnessSchema,
    output: "CorrectnessConfig",
    input: "CorrectnessInput",
    doc: "`correctness`: a judge of whether the answer states the expected facts.",
  },
];

/** What each transform of the workflow schema returns. */
export const CONFIG_TRANSFORM_OUTPUTS: ReadonlyMap<z.ZodType, z.ZodType> = new Map<
  z.ZodType,
  z.ZodType
>([
  [pipeOf(WorkflowSchema.shape.schema_version), z.literal("1.0")],
  [pipeOf(FlowSchema.shape.version), z.string()],
  [RouteConditionSchema, RouteConditionSchema.in],
]);

/** The generated file. */
export const CONFIG_TYPES_FILE: URL = new URL("../src/config/workflow_types.ts", import.meta.url);

const HEADER =
  `// Generated by scripts/generate_config_types.ts from src/config/schema.ts. Do not edit.

/**
 * The types of workflow files, generated from the one zod schema (\`WorkflowSchema\` in
 * \`schema.ts\`) through its JSON Schema: \`*Config\` types are parsed files (defaults
 * applied), \`*Input\` types are files as written. The descriptions and defaults come from
 * the schema.
 *
 * Do not edit this file. After changing the schema, regenerate it from the repository root:
 *
 * \`\`\`sh
 * deno run --allow-read --allow-write=src/config/workflow_types.ts --allow-run=deno scripts/generate_config_types.ts
 * \`\`\`
 *
 * A test fails while this file is stale, and a type-level test checks that each type is
 * exactly the one zod infers.
 *
 * @module
 */`;

/**
 * Renders the types of workflow files (not yet formatted).
 *
 * @returns The source of `src/config/workflow_types.ts` before `deno fmt`.
 */
export function renderConfigTypes(): string {
  return renderTypes({
    root: WorkflowSchema,
    named: CONFIG_TYPES,
    transformOutputs: CONFIG_TRANSFORM_OUTPUTS,
    header: HEADER,
  });
}

/**
 * Formats TypeScript source with `deno fmt` and the repository's settings.
 *
 * @param source The source.
 * @returns The formatted source.
 * @throws {Error} When `deno fmt` fails (it reports a syntax error, say).
 */
export async function formatTypeScript(source: string): Promise<string> {
  const command = new Deno.Command("deno", {
    args: ["fmt", "--ext=ts", "-"],
    cwd: new URL("..", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(
      `Cannot format the generated types as deno fmt failed: ${
        new TextDecoder().decode(stderr).trim()
      }`,
    );
  }
  return new TextDecoder().decode(stdout);
}

/**
 * Generates the content of `src/config/workflow_types.ts`, formatted.
 *
 * @returns The file's content.
 */
export async function generateConfigTypes(): Promise<string> {
  return await formatTypeScript(renderConfigTypes());
}

if (import.meta.main) {
  await Deno.writeTextFile(CONFIG_TYPES_FILE, await generateConfigTypes());
}
