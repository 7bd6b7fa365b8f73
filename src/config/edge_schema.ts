/**
 * The `edges` section of a workflow file: plain edges, conditional routes, loops and
 * parallel fan-outs.
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly
 * the type of the schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { END } from "./constants.ts";

import type { RouteCondition } from "./workflow_types.ts";

export type { RouteCondition };

/**
 * A route condition: an expression, or the default route. v0.1 files wrote the default route
 * as `{logic: "default"}`; it becomes `"default"` so that nothing downstream sees two forms.
 */
export const RouteConditionSchema: z.ZodPipe<
  z.ZodUnion<
    readonly [z.ZodLiteral<"default">, z.ZodObject<{ logic: z.ZodString }, z.core.$strict>]
  >,
  z.ZodTransform<RouteCondition, RouteCondition>
> = exactSchema(
  z.union([
    z.literal("default"),
    z.strictObject({ logic: z.string().min(1).describe("Expression, e.g. state.score >= 8") }),
  ]).transform((condition): RouteCondition =>
    typeof condition === "object" && condition.logic.trim() === "default" ? "default" : condition
  ),
);

/** One route of a conditional edge. */
export const RouteSchema: z.ZodObject<{
  condition: typeof RouteConditionSchema;
  to: z.ZodString;
}, z.core.$strict> = exactSchema(z.strictObject({
  condition: RouteConditionSchema.describe('{logic: "<expression>"}, or "default"'),
  to: z.string().min(1).describe("The node (or END) to go to when the condition holds"),
}));

/**
 * A loop: the nodes from `back_to` (the source node itself by default) to the source node
 * repeat, one round after another, until a bool field is true or `max_iterations` rounds have
 * run; then the run goes on to `exit_to`.
 */
export const LoopSchema: z.ZodObject<{
  condition_field: z.ZodString;
  max_iterations: z.ZodDefault<z.ZodInt>;
  exit_to: z.ZodDefault<z.ZodString>;
  back_to: z.ZodOptional<z.ZodString>;
}, z.core.$strict> = exactSchema(z.strictObject({
  condition_field: z.string().min(1).describe("Bool state field that ends the loop when true"),
  max_iterations: z.int().min(1).max(100).default(10).describe(
    "Most rounds of the loop, 1 to 100; the run goes on to exit_to after the last",
  ),
  exit_to: z.string().min(1).default(END).describe("The node (or END) to go to after the loop"),
  back_to: z.string().min(1).optional().describe(
    "The node each new round starts at: an earlier node that leads to this one (default: this node alone repeats)",
  ),
}));

/** A fan-out: one concurrent run of the target per item, results collected in item order. */
export const ParallelSchema: z.ZodObject<{
  items_field: z.ZodString;
  target_node: z.ZodString;
  collect_field: z.ZodString;
}, z.core.$strict> = exactSchema(z.strictObject({
  items_field: z.string().min(1).describe("List state field to fan out over"),
  target_node: z.string().min(1).describe("The node run once per item"),
  collect_field: z.string().min(1).describe("List state field the results are appended to"),
}));

/** The four ways an edge can lead on, exactly one per edge. */
export const EDGE_KINDS = ["to", "routes", "loop", "parallel"] as const;

/** An edge: from a node (or START) by exactly one of `to`, `routes`, `loop`, `parallel`. */
export const EdgeSchema: z.ZodObject<{
  from: z.ZodString;
  to: z.ZodOptional<z.ZodString>;
  routes: z.ZodOptional<z.ZodArray<typeof RouteSchema>>;
  loop: z.ZodOptional<typeof LoopSchema>;
  parallel: z.ZodOptional<typeof ParallelSchema>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    from: z.string().min(1).describe("A node id, or START"),
    to: z.string().min(1).optional().describe("A node id, or END"),
    routes: z.array(RouteSchema).min(1).optional().describe(
      "Conditional routes; the first true condition wins, with exactly one default",
    ),
    loop: LoopSchema.optional().describe(
      "Repeat the node, or the nodes from back_to to it, until a bool field is true",
    ),
    parallel: ParallelSchema.optional().describe("Run a node once per item of a list"),
  }).superRefine((edge, ctx) => {
    const kinds = EDGE_KINDS.filter((kind) => edge[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: kinds.length === 0 ? [] : [kinds[1] ?? "to"],
        message: kinds.length === 0
          ? `Cannot follow the edge from "${edge.from}" as it has no target: add one of ${
            EDGE_KINDS.map((k) => `'${k}'`).join(", ")
          }`
          : `Cannot combine ${kinds.map((k) => `'${k}'`).join(" and ")} in one edge: keep one`,
        params: { kind: "edge_kind" },
      });
    }
  }),
);
