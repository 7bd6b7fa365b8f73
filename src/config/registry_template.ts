/**
 * Templates of the MLflow Prompt Registry: `{{variable}}` placeholders (MLflow's
 * `PROMPT_TEMPLATE_VARIABLE_PATTERN`), everything else literal, single braces included. They
 * split into the same segments as our own templates, so one renderer fills both: `{{name}}`
 * reads a node input (then a parallel item, then state), `{{state.x.y}}` reads state only.
 *
 * @module
 */
import {
  parseTemplate,
  placeholderOf,
  type TemplatePlaceholder,
  type TemplateSegment,
} from "./template.ts";

const VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

/**
 * Splits a registry template into literal text and `{{...}}` placeholders. Never throws.
 *
 * @example Usage
 * ```ts
 * import { parseRegistryTemplate } from "./registry_template.ts";
 * const segments = parseRegistryTemplate('Summarize {{ text }} as {"words": {{n}}}');
 * const names = segments.flatMap((s) => s.kind === "placeholder" ? [s.root] : []);
 * if (names.join() !== "text,n") throw new Error();
 * ```
 *
 * @param template The text of the prompt version (`mlflow.prompt.text`).
 * @returns Its segments in order; text between placeholders is kept exactly.
 */
export function parseRegistryTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let last = 0;
  for (const match of template.matchAll(VARIABLE)) {
    const offset = match.index;
    if (offset > last) segments.push({ kind: "text", text: template.slice(last, offset) });
    segments.push(placeholderOf(match[0], match[1] ?? "", offset));
    last = offset + match[0].length;
  }
  if (last < template.length) segments.push({ kind: "text", text: template.slice(last) });
  return segments;
}

/**
 * Lists the `{{...}}` placeholders of a registry template.
 *
 * @param template The text of the prompt version.
 * @returns The placeholders in order of appearance.
 */
export function registryTemplatePlaceholders(template: string): TemplatePlaceholder[] {
  return parseRegistryTemplate(template).filter((segment): segment is TemplatePlaceholder =>
    segment.kind === "placeholder"
  );
}

/**
 * Whether a template uses Jinja2 control flow (`{% ... %}`), which MLflow renders with Jinja2
 * and this toolkit does not.
 *
 * @param template The text of the prompt version.
 * @returns `true` when it has both `{%` and `%}`, MLflow's own test.
 */
export function usesJinjaControlFlow(template: string): boolean {
  return template.includes("{%") && template.includes("%}");
}

/**
 * Writes one of our templates (`{name}`, `{state.x}`, `{{`/`}}` for literal braces) as an
 * MLflow registry template (`{{name}}`, `{{state.x}}`, braces literal), which fills the same
 * names from the same places.
 *
 * @example Usage
 * ```ts
 * import { toRegistryTemplate } from "./registry_template.ts";
 * const converted = toRegistryTemplate('Write about {topic} for {state.audience} as {{"a": 1}}');
 * if (!converted.ok || converted.text !== 'Write about {{topic}} for {{state.audience}} as {"a": 1}') {
 *   throw new Error();
 * }
 * ```
 *
 * @param template Our template.
 * @returns The registry template, or why it cannot be written as one (literal text that MLflow
 * would read as a placeholder).
 */
export function toRegistryTemplate(
  template: string,
): { ok: true; text: string } | { ok: false; problem: string } {
  let text = "";
  for (const segment of parseTemplate(template)) {
    if (segment.kind === "placeholder") {
      const dotted = [segment.explicitState ? "state" : [], segment.root, ...segment.path].flat();
      text += `{{${dotted.join(".")}}}`;
      continue;
    }
    const clash = segment.text.match(VARIABLE)?.[0];
    if (clash !== undefined) {
      return {
        ok: false,
        problem: `its literal text "${clash}" would be a placeholder in MLflow's template syntax`,
      };
    }
    text += segment.text;
  }
  return { ok: true, text };
}
