/**
 * A Mermaid flowchart of a workflow: its nodes and all four kinds of edge.
 *
 * @module
 */
import { END, START } from "./constants.ts";
import type { EdgeConfig, WorkflowConfig } from "./schema.ts";

/** Options of {@linkcode workflowToMermaid}. */
export interface WorkflowToMermaidOptions {
  /**
   * Direction of the flowchart: top-down or left-right.
   *
   * @default {"TD"}
   */
  direction?: "TD" | "LR";
}

/**
 * Draws a workflow as a Mermaid flowchart. START and END are rounded terminals; a plain edge
 * is an arrow; a route is an arrow labelled with its condition (the default route dotted); a
 * loop is a labelled arrow back to where each round starts (its own node, or `back_to`), with
 * its field and most rounds, plus its exit; a
 * parallel fan-out is a thick arrow to a target drawn as a subroutine.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, workflowToMermaid } from "@configurable-agents/core";
 * const { config } = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: echo}
 * state: {fields: {message: {type: str, required: true}, reply: {type: str}}}
 * nodes: [{id: echo, prompt: "Repeat: {state.message}", outputs: [reply]}]
 * edges: [{from: START, to: echo}, {from: echo, to: END}]
 * `);
 * const chart = workflowToMermaid(config, { direction: "LR" });
 * if (!chart.startsWith("flowchart LR") || !chart.includes("__start__ --> n_echo")) {
 *   throw new Error(chart);
 * }
 * ```
 *
 * @param config A parsed workflow.
 * @param options The direction.
 * @returns The Mermaid source, ending with a newline.
 */
export function workflowToMermaid(
  config: WorkflowConfig,
  options: WorkflowToMermaidOptions = {},
): string {
  const { direction = "TD" } = options;
  const targets = new Set(config.edges.flatMap((edge) => edge.parallel?.target_node ?? []));
  const lines = [
    `flowchart ${direction}`,
    `  %% ${escapeComment(config.flow.name)} (${config.flow.version ?? "unversioned"})`,
    `  __start__([${label(START)}])`,
  ];
  for (const node of config.nodes) {
    lines.push(
      targets.has(node.id)
        ? `  ${nodeId(node.id)}[[${label(`${node.id} (per item)`)}]]`
        : `  ${nodeId(node.id)}[${label(node.id)}]`,
    );
  }
  lines.push(`  __end__([${label(END)}])`);
  for (const edge of config.edges) lines.push(...edgeLines(edge));
  return lines.join("\n") + "\n";
}

function edgeLines(edge: EdgeConfig): string[] {
  const from = nodeId(edge.from);
  if (edge.to !== undefined) return [`  ${from} --> ${nodeId(edge.to)}`];
  if (edge.routes) {
    return edge.routes.map((route) =>
      route.condition === "default"
        ? `  ${from} -.->|${label("default")}| ${nodeId(route.to)}`
        : `  ${from} -->|${label(route.condition.logic)}| ${nodeId(route.to)}`
    );
  }
  if (edge.loop) {
    const { condition_field: field, max_iterations: max, exit_to: exit, back_to } = edge.loop;
    const back = nodeId(back_to ?? edge.from);
    return [
      `  ${from} -->|${label(`loop until ${field} (max ${max})`)}| ${back}`,
      `  ${from} -->|${label(`${field} or ${max} rounds`)}| ${nodeId(exit)}`,
    ];
  }
  if (edge.parallel) {
    const { items_field: items, target_node: target, collect_field: collect } = edge.parallel;
    return [
      `  ${from} ==>|${label(`for each item of ${items}, collect into ${collect}`)}| ${
        nodeId(target)
      }`,
    ];
  }
  return [];
}

/** Mermaid id of a node; prefixed so that no node id can clash with a Mermaid keyword. */
function nodeId(name: string): string {
  if (name === START) return "__start__";
  if (name === END) return "__end__";
  return `n_${name}`;
}

/** A quoted Mermaid label with quotes and angle brackets as entity codes. */
function label(text: string): string {
  const escaped = text.replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;");
  return `"${escaped}"`;
}

function escapeComment(text: string): string {
  return text.replaceAll(/[\r\n]+/g, " ");
}
