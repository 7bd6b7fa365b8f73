import type { z } from "zod";
import { assertEquals, assertStringIncludes, assertThrows } from "../_helpers/assert.ts";
import * as schemas from "../../src/config/schema.ts";
import type * as types from "../../src/config/workflow_types.ts";
import {
  CONFIG_TYPES,
  CONFIG_TYPES_FILE,
  generateConfigTypes,
} from "../../scripts/generate_config_types.ts";
import { renderTypes } from "../../scripts/render_types.ts";

/**
 * `true` when `A` and `B` are the same type (TypeScript's identity relation), not merely
 * assignable to each other: an optional key, a `readonly` or an `| undefined` of difference
 * makes it `false`.
 */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/** Compiles only when `T` is `true`. */
function assertType<T extends true>(_proof: T): void {}

Deno.test("WorkflowConfig and WorkflowInput are exactly the types zod infers", () => {
  assertType<IsExact<types.WorkflowConfig, z.output<typeof schemas.WorkflowSchema>>>(true);
  assertType<IsExact<types.WorkflowInput, z.input<typeof schemas.WorkflowSchema>>>(true);
  // The checks are real: a near miss is not exact.
  assertType<IsExact<IsExact<{ a?: string }, { a?: string | undefined }>, false>>(true);
  assertType<IsExact<IsExact<{ a: string }, { readonly a: string }>, false>>(true);
});

Deno.test("the section types are exactly the types zod infers", () => {
  assertType<IsExact<types.FlowConfig, z.output<typeof schemas.FlowSchema>>>(true);
  assertType<IsExact<types.FlowInput, z.input<typeof schemas.FlowSchema>>>(true);
  assertType<IsExact<types.StateConfig, z.output<typeof schemas.StateSchema>>>(true);
  assertType<IsExact<types.StateInput, z.input<typeof schemas.StateSchema>>>(true);
  assertType<IsExact<types.StateFieldConfig, z.output<typeof schemas.StateFieldSchema>>>(true);
  assertType<IsExact<types.StateFieldInput, z.input<typeof schemas.StateFieldSchema>>>(true);
  assertType<
    IsExact<Record<string, types.ObjectFieldSpec>, z.output<typeof schemas.ObjectSchemaSchema>>
  >(true);
  assertType<
    IsExact<Record<string, types.ObjectFieldSpec>, z.input<typeof schemas.ObjectSchemaSchema>>
  >(true);
  assertType<IsExact<types.GlobalConfig, z.output<typeof schemas.GlobalConfigSchema>>>(true);
  assertType<IsExact<types.GlobalConfigInput, z.input<typeof schemas.GlobalConfigSchema>>>(
    true,
  );
  assertType<IsExact<types.LlmConfig, z.output<typeof schemas.LlmSchema>>>(true);
  assertType<IsExact<types.LlmInput, z.input<typeof schemas.LlmSchema>>>(true);
  assertType<IsExact<types.ExecutionConfig, z.output<typeof schemas.ExecutionSchema>>>(true);
  assertType<IsExact<types.ExecutionInput, z.input<typeof schemas.ExecutionSchema>>>(true);
  assertType<IsExact<types.BudgetConfig, z.output<typeof schemas.BudgetSchema>>>(true);
  assertType<IsExact<types.BudgetConfig, z.input<typeof schemas.BudgetSchema>>>(true);
  assertType<IsExact<types.ObservabilityConfig, z.output<typeof schemas.ObservabilitySchema>>>(
    true,
  );
  assertType<IsExact<types.ObservabilityInput, z.input<typeof schemas.ObservabilitySchema>>>(
    true,
  );
  assertType<IsExact<types.MlflowConfig, z.output<typeof schemas.MlflowSchema>>>(true);
  assertType<IsExact<types.MlflowInput, z.input<typeof schemas.MlflowSchema>>>(true);
  assertType<IsExact<types.LoggingConfig, z.output<typeof schemas.LoggingSchema>>>(true);
  assertType<IsExact<types.LoggingInput, z.input<typeof schemas.LoggingSchema>>>(true);
  assertType<IsExact<types.OptimizationConfig, z.output<typeof schemas.OptimizationSchema>>>(
    true,
  );
  assertType<IsExact<types.OptimizationConfig, z.input<typeof schemas.OptimizationSchema>>>(
    true,
  );
});

Deno.test("the node and edge types are exactly the types zod infers", () => {
  assertType<IsExact<types.NodeConfig, z.output<typeof schemas.NodeSchema>>>(true);
  assertType<IsExact<types.NodeInput, z.input<typeof schemas.NodeSchema>>>(true);
  assertType<IsExact<types.OutputSchemaConfig, z.output<typeof schemas.OutputSchemaSchema>>>(
    true,
  );
  assertType<IsExact<types.OutputSchemaConfig, z.input<typeof schemas.OutputSchemaSchema>>>(
    true,
  );
  assertType<IsExact<types.OutputFieldConfig, z.output<typeof schemas.OutputFieldSchema>>>(
    true,
  );
  assertType<IsExact<types.OutputFieldConfig, z.input<typeof schemas.OutputFieldSchema>>>(true);
  assertType<IsExact<types.NodeToolConfig, z.output<typeof schemas.NodeToolSchema>>>(true);
  assertType<IsExact<types.NodeToolInput, z.input<typeof schemas.NodeToolSchema>>>(true);
  assertType<IsExact<types.LlmOverride, z.output<typeof schemas.LlmOverrideSchema>>>(true);
  assertType<IsExact<types.LlmOverride, z.input<typeof schemas.LlmOverrideSchema>>>(true);
  assertType<IsExact<types.EdgeConfig, z.output<typeof schemas.EdgeSchema>>>(true);
  assertType<IsExact<types.EdgeInput, z.input<typeof schemas.EdgeSchema>>>(true);
  assertType<IsExact<types.RouteConfig, z.output<typeof schemas.RouteSchema>>>(true);
  assertType<IsExact<types.RouteConfig, z.input<typeof schemas.RouteSchema>>>(true);
  assertType<IsExact<types.RouteCondition, z.output<typeof schemas.RouteConditionSchema>>>(
    true,
  );
  assertType<IsExact<types.RouteCondition, z.input<typeof schemas.RouteConditionSchema>>>(true);
  assertType<IsExact<types.LoopConfig, z.output<typeof schemas.LoopSchema>>>(true);
  assertType<IsExact<types.LoopInput, z.input<typeof schemas.LoopSchema>>>(true);
  assertType<IsExact<types.ParallelConfig, z.output<typeof schemas.ParallelSchema>>>(true);
  assertType<IsExact<types.ParallelConfig, z.input<typeof schemas.ParallelSchema>>>(true);
});

Deno.test("the evaluation types are exactly the types zod infers", () => {
  assertType<IsExact<types.EvaluationConfig, z.output<typeof schemas.EvaluationSchema>>>(true);
  assertType<IsExact<types.EvaluationInput, z.input<typeof schemas.EvaluationSchema>>>(true);
  assertType<IsExact<types.ScorerConfig, z.output<typeof schemas.ScorerSchema>>>(true);
  assertType<IsExact<types.ScorerInput, z.input<typeof schemas.ScorerSchema>>>(true);
  assertType<IsExact<types.ExactMatchConfig, z.output<typeof schemas.ExactMatchSchema>>>(true);
  assertType<IsExact<types.ExactMatchInput, z.input<typeof schemas.ExactMatchSchema>>>(true);
  assertType<IsExact<types.ContainsConfig, z.output<typeof schemas.ContainsSchema>>>(true);
  assertType<IsExact<types.ContainsInput, z.input<typeof schemas.ContainsSchema>>>(true);
  assertType<IsExact<types.RegexConfig, z.output<typeof schemas.RegexSchema>>>(true);
  assertType<IsExact<types.RegexInput, z.input<typeof schemas.RegexSchema>>>(true);
  assertType<IsExact<types.NumericWithinConfig, z.output<typeof schemas.NumericWithinSchema>>>(
    true,
  );
  assertType<IsExact<types.NumericWithinInput, z.input<typeof schemas.NumericWithinSchema>>>(
    true,
  );
  assertType<IsExact<types.JsonValidConfig, z.output<typeof schemas.JsonValidSchema>>>(true);
  assertType<IsExact<types.JsonValidConfig, z.input<typeof schemas.JsonValidSchema>>>(true);
  assertType<IsExact<types.TypeCheckConfig, z.output<typeof schemas.TypeCheckSchema>>>(true);
  assertType<IsExact<types.TypeCheckConfig, z.input<typeof schemas.TypeCheckSchema>>>(true);
  assertType<IsExact<types.CorrectnessConfig, z.output<typeof schemas.CorrectnessSchema>>>(
    true,
  );
  assertType<IsExact<types.CorrectnessConfig, z.input<typeof schemas.CorrectnessSchema>>>(true);
});

Deno.test("generateConfigTypes() reproduces the committed file byte for byte", async () => {
  const committed = await Deno.readTextFile(CONFIG_TYPES_FILE);
  // A schema change without regenerating fails here: run scripts/generate_config_types.ts.
  assertEquals(await generateConfigTypes(), committed);
});

Deno.test("generateConfigTypes() documents types and properties with the schema", async () => {
  const text = await generateConfigTypes();
  assertStringIncludes(text, "Do not edit");
  assertStringIncludes(text, "scripts/generate_config_types.ts");
  for (const entry of CONFIG_TYPES) {
    // The summary, up to where a long one wraps.
    assertStringIncludes(text, ` * ${entry.doc.slice(0, 40)}`);
    assertStringIncludes(text, ` ${entry.output} `);
  }
  // A property description and a default of the schema.
  assertStringIncludes(text, "Seconds the whole run may take\n   *\n   * @default {120}\n");
  assertStringIncludes(text, "  timeout: number;\n");
  assertStringIncludes(text, "  timeout?: number | undefined;\n");
});

Deno.test("renderTypes() names nested schemas and writes differing input types", async () => {
  const { z } = await import("zod");
  const Leaf = z.strictObject({ size: z.int().default(1).describe("How big") });
  const Same = z.strictObject({ tag: z.enum(["a", "b"]).optional() });
  const Root = z.strictObject({
    leaves: z.array(Leaf),
    same: Same,
    names: z.record(z.string(), z.union([z.string(), z.null()])),
  });
  const text = renderTypes({
    root: Root,
    named: [
      { schema: Root, output: "RootConfig", input: "RootInput", doc: "The root." },
      { schema: Leaf, output: "LeafConfig", input: "LeafInput", doc: "A leaf." },
      { schema: Same, output: "SameConfig", input: "SameInput", doc: "Same both ways." },
    ],
    transformOutputs: new Map(),
    header: "// header",
  });
  assertStringIncludes(text, "export interface RootConfig {\n  leaves: LeafConfig[];\n");
  assertStringIncludes(
    text,
    "export interface RootInput {\n  leaves: LeafInput[];\n  same: SameConfig;",
  );
  assertStringIncludes(text, "  names: Record<string, string | null>;\n");
  assertStringIncludes(
    text,
    "   * How big\n   *\n   * @default {1}\n   */\n  size?: number | undefined;",
  );
  assertEquals(text.includes("SameInput"), false);
});

Deno.test("renderTypes() refuses a transform whose output type is not declared", async () => {
  const { z } = await import("zod");
  const Root = z.strictObject({ count: z.string().transform((text) => text.length) });
  const named = [{ schema: Root, output: "RootConfig", input: "RootInput", doc: "The root." }];
  assertThrows(
    () => renderTypes({ root: Root, named, transformOutputs: new Map(), header: "" }),
    TypeError,
    "Cannot render a transform as its output type is not declared",
  );
  const pipe = Root.shape.count;
  const text = renderTypes({
    root: Root,
    named,
    transformOutputs: new Map([[pipe, z.number()]]),
    header: "",
  });
  assertStringIncludes(text, "export interface RootConfig {\n  count: number;\n}");
  assertStringIncludes(text, "export interface RootInput {\n  count: string;\n}");
});

Deno.test("renderTypes() refuses an unnamed root and a name the root does not reach", async () => {
  const { z } = await import("zod");
  const Root = z.strictObject({ a: z.string() });
  const Other = z.strictObject({ b: z.string() });
  assertThrows(
    () => renderTypes({ root: Root, named: [], transformOutputs: new Map(), header: "" }),
    TypeError,
    "Cannot render types as the root schema has no name",
  );
  assertThrows(
    () =>
      renderTypes({
        root: Root,
        named: [
          { schema: Root, output: "RootConfig", input: "RootInput", doc: "The root." },
          { schema: Other, output: "OtherConfig", input: "OtherInput", doc: "Elsewhere." },
        ],
        transformOutputs: new Map(),
        header: "",
      }),
    TypeError,
    'Cannot name the type "OtherConfig" as the root schema does not reach its schema',
  );
});

Deno.test("WorkflowSchema parses a file into a value of the generated WorkflowConfig", () => {
  const written: types.WorkflowInput = {
    schema_version: 1,
    flow: { name: "demo", version: 2 },
    state: { fields: { topic: { type: "str", required: true }, text: { type: "str" } } },
    nodes: [{ id: "write", prompt: "About {state.topic}", outputs: ["text"] }],
    edges: [{ from: "START", to: "write" }, { from: "write", to: "END" }],
  };
  const parsed: types.WorkflowConfig = schemas.WorkflowSchema.parse(written);
  assertEquals(parsed.schema_version, "1.0");
  assertEquals(parsed.flow.version, "2");
  assertEquals(parsed.config.execution.timeout, 120);
  assertEquals(parsed.state.fields.text?.required, false);
});
