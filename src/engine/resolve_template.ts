/**
 * Resolves prompt and input templates (SPEC section 4) against a node's scope: its resolved
 * inputs, the parallel item it runs for, and the workflow state.
 *
 * @module
 */
import { parseTemplate, singlePlaceholder, type TemplatePlaceholder } from "../config/template.ts";
import { closestName, quoteList } from "../config/suggest.ts";

/** What a template can read. */
export interface TemplateScope {
  /** The workflow state; `{state.x}` always reads it. */
  readonly state: Readonly<Record<string, unknown>>;
  /** The node's resolved inputs; `{name}` reads them before anything else. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /**
   * Variables of a parallel run (`item`, `item_index`); `{name}` reads them after the inputs
   * and before the state.
   */
  readonly locals?: Readonly<Record<string, unknown>>;
}

/** A placeholder that names nothing in its scope. */
export class TemplateReferenceError extends ReferenceError {
  /** The placeholder as written, braces included. */
  readonly placeholder: string;
  /** The closest existing name, when one is close. */
  readonly suggestion: string | undefined;
  /** The names that exist where the lookup failed. */
  readonly available: readonly string[];

  /**
   * Creates the error.
   *
   * @param message What is missing, with the suggestion and the available names.
   * @param details The placeholder, the suggestion and the available names.
   */
  constructor(
    message: string,
    details: { placeholder: string; suggestion: string | undefined; available: string[] },
  ) {
    super(message);
    this.name = "TemplateReferenceError";
    this.placeholder = details.placeholder;
    this.suggestion = details.suggestion;
    this.available = details.available;
  }
}

/**
 * Renders a template to text: strings insert as they are, other values as compact JSON,
 * `{{`/`}}` become single braces and brace text that is not a placeholder stays as written.
 *
 * @example Usage
 * ```ts
 * import { resolveTemplate } from "./resolve_template.ts";
 * const text = resolveTemplate('Write about {topic} as {"tags": {state.tags}}', {
 *   state: { topic: "state topic", tags: ["a", "b"] },
 *   inputs: { topic: "tide pools" },
 * });
 * if (text !== 'Write about tide pools as {"tags": ["a","b"]}') throw new Error(text);
 * ```
 *
 * @param template The template text.
 * @param scope The inputs, parallel variables and state it reads.
 * @returns The rendered text.
 * @throws {TemplateReferenceError} When a placeholder names nothing in the scope.
 */
export function resolveTemplate(template: string, scope: TemplateScope): string {
  return parseTemplate(template).map((segment) =>
    segment.kind === "text" ? segment.text : renderValue(lookup(segment, scope))
  ).join("");
}

/**
 * Resolves one `inputs` value: a template that is a single placeholder keeps the type of the
 * value it names; anything else renders to text.
 *
 * @param template The input template.
 * @param scope The parallel variables and state it reads (inputs do not read each other).
 * @returns The value.
 * @throws {TemplateReferenceError} When a placeholder names nothing in the scope.
 */
export function resolveTemplateValue(template: string, scope: TemplateScope): unknown {
  const only = singlePlaceholder(template);
  return only ? structuredClone(lookup(only, scope)) : resolveTemplate(template, scope);
}

/**
 * Resolves every input of a node, in the order written.
 *
 * @param inputs The node's `inputs`: local name to template.
 * @param scope The parallel variables and state the templates read.
 * @returns The resolved inputs by local name.
 * @throws {TemplateReferenceError} When a placeholder names nothing in the scope.
 */
export function resolveInputs(
  inputs: Readonly<Record<string, string>> | undefined,
  scope: TemplateScope,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  const inputScope: TemplateScope = { state: scope.state, locals: scope.locals ?? {} };
  for (const [name, template] of Object.entries(inputs ?? {})) {
    resolved[name] = resolveTemplateValue(template, inputScope);
  }
  return resolved;
}

function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value ?? null);
}

function lookup(placeholder: TemplatePlaceholder, scope: TemplateScope): unknown {
  const { root } = placeholder;
  const sources = placeholder.explicitState
    ? [scope.state]
    : [scope.inputs ?? {}, scope.locals ?? {}, scope.state];
  const source = sources.find((candidate) => Object.hasOwn(candidate, root));
  if (!source) throw missingRoot(placeholder, sources);
  let value: unknown = source[root];
  const walked = [root];
  for (const key of placeholder.path) {
    const next = step(value, key);
    if (!next.found) throw missingKey(placeholder, walked, key, value);
    value = next.value;
    walked.push(key);
  }
  return value;
}

function step(value: unknown, key: string): { found: boolean; value?: unknown } {
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(key) ? Number(key) : -1;
    return index >= 0 && index < value.length ? { found: true, value: value[index] } : {
      found: false,
    };
  }
  if (value !== null && typeof value === "object" && Object.hasOwn(value, key)) {
    return { found: true, value: (value as Record<string, unknown>)[key] };
  }
  return { found: false };
}

function missingRoot(
  placeholder: TemplatePlaceholder,
  sources: readonly Readonly<Record<string, unknown>>[],
): TemplateReferenceError {
  const available = [...new Set(sources.flatMap((source) => Object.keys(source)))];
  const suggestion = closestName(placeholder.root, available);
  const rule = placeholder.explicitState
    ? `the state has no field "${placeholder.root}"`
    : `no input, parallel item or state field is named "${placeholder.root}"`;
  const hint = suggestion ? `did you mean '${suggestion}'? ` : "";
  return new TemplateReferenceError(
    `Cannot resolve "${placeholder.raw}" as ${rule}: ${hint}available names are ${
      quoteList(available)
    }`,
    { placeholder: placeholder.raw, suggestion, available },
  );
}

function missingKey(
  placeholder: TemplatePlaceholder,
  walked: readonly string[],
  key: string,
  value: unknown,
): TemplateReferenceError {
  const available = Array.isArray(value)
    ? value.map((_, index) => String(index))
    : value !== null && typeof value === "object"
    ? Object.keys(value)
    : [];
  const suggestion = closestName(key, available);
  const hint = suggestion ? `did you mean '${suggestion}'? ` : "";
  return new TemplateReferenceError(
    `Cannot resolve "${placeholder.raw}" as "${walked.join(".")}" has no key "${key}": ${hint}${
      available.length > 0 ? `available keys are ${quoteList(available)}` : "it is not an object"
    }`,
    { placeholder: placeholder.raw, suggestion, available },
  );
}
