/**
 * Prompt templates: `{state.x.y}` reads state, `{name}` reads a node input (then state),
 * `{{` and `}}` are literal braces, and brace text that is not a placeholder (a JSON example,
 * say) is kept as written.
 *
 * @module
 */

/** Literal text of a template. */
export interface TemplateText {
  /** Discriminant. */
  readonly kind: "text";
  /** The text, with `{{`/`}}` already turned into single braces. */
  readonly text: string;
}

/** A `{...}` placeholder of a template. */
export interface TemplatePlaceholder {
  /** Discriminant. */
  readonly kind: "placeholder";
  /** The placeholder as written, braces included. */
  readonly raw: string;
  /** `true` for `{state.x}`: it reads state and is never shadowed by an input name. */
  readonly explicitState: boolean;
  /** The first name after `state.` (or the name itself for `{name}`). */
  readonly root: string;
  /** Further segments: `{state.a.b.0}` has root `a` and path `["b", "0"]`. */
  readonly path: readonly string[];
  /** 0-based offset of the opening brace in the template. */
  readonly offset: number;
}

/** One piece of a parsed template. */
export type TemplateSegment = TemplateText | TemplatePlaceholder;

const PLACEHOLDER = /^\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}/;

/**
 * Splits a template into literal text and placeholders. Never throws: text that is not a
 * placeholder is literal.
 *
 * @example Usage
 * ```ts
 * import { parseTemplate } from "./template.ts";
 * const segments = parseTemplate('Topic: {state.topic}; JSON: {"a": 1}; {{x}}');
 * if (segments.filter((s) => s.kind === "placeholder").length !== 1) throw new Error();
 * ```
 *
 * @param template The template text.
 * @returns Its segments in order; adjacent text is merged.
 */
export function parseTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    if ((char === "{" || char === "}") && template[i + 1] === char) {
      text += char;
      i += 2;
      continue;
    }
    if (char === "{") {
      const match = PLACEHOLDER.exec(template.slice(i));
      if (match && match[1] !== undefined) {
        if (text) segments.push({ kind: "text", text });
        text = "";
        segments.push(placeholderOf(match[0], match[1], i));
        i += match[0].length;
        continue;
      }
    }
    text += char;
    i++;
  }
  if (text) segments.push({ kind: "text", text });
  return segments;
}

/**
 * Lists the placeholders of a template.
 *
 * @param template The template text.
 * @returns The placeholders in order of appearance.
 */
export function templatePlaceholders(template: string): TemplatePlaceholder[] {
  return parseTemplate(template).filter((s): s is TemplatePlaceholder => s.kind === "placeholder");
}

/**
 * Returns the placeholder when the whole template (ignoring surrounding whitespace) is one
 * placeholder, so the value it names can keep its type.
 *
 * @param template The template text.
 * @returns The single placeholder, or `undefined`.
 */
export function singlePlaceholder(template: string): TemplatePlaceholder | undefined {
  const segments = parseTemplate(template.trim());
  const only = segments[0];
  return segments.length === 1 && only?.kind === "placeholder" ? only : undefined;
}

/**
 * Builds the placeholder for a dotted name: `state.a.b` reads state only (root `a`, path
 * `["b"]`), any other name reads an input first.
 *
 * @param raw The placeholder as written, braces included.
 * @param dotted The dotted name inside the braces.
 * @param offset 0-based offset of the opening brace in the template.
 * @returns The placeholder.
 */
export function placeholderOf(raw: string, dotted: string, offset: number): TemplatePlaceholder {
  const parts = dotted.split(".");
  const explicitState = parts[0] === "state" && parts.length > 1;
  const names = explicitState ? parts.slice(1) : parts;
  return {
    kind: "placeholder",
    raw,
    explicitState,
    root: names[0] ?? "",
    path: names.slice(1),
    offset,
  };
}
