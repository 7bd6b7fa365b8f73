/**
 * Semantic checks of templates (SPEC section 3, item 3): every placeholder in a prompt,
 * prompt file, input and run name resolves to a state field, an input, or the item of a
 * parallel fan-out, and dotted paths exist in the declared types.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { NodeConfig } from "./schema.ts";
import { type CheckContext, positionInText, type PromptSource } from "./_check_context.ts";
import { type FieldType, followPath, type PathResult } from "./_field_types.ts";
import { RUN_NAME_PLACEHOLDERS } from "./run_name.ts";
import { singlePlaceholder, type TemplatePlaceholder, templatePlaceholders } from "./template.ts";
import { quoteList, suggestName } from "./suggest.ts";
import { ownValue } from "./_own_property.ts";
import { isPromptUri, parsePromptUri } from "./prompt_uri.ts";
import { registryTemplatePlaceholders, usesJinjaControlFlow } from "./registry_template.ts";

/** Names a template of a node may use. */
interface Scope {
  readonly node: NodeConfig;
  /** Whether `{name}` may name an input (prompts yes, inputs themselves no). */
  readonly withInputs: boolean;
  /** The type of `{item}` when the node is a parallel target (`null`: unknown type). */
  readonly item: FieldType | null | undefined;
}

/**
 * Checks the placeholders of every prompt, prompt file, input and the run name.
 *
 * @param ctx The validation pass.
 */
export function checkTemplates(ctx: CheckContext): void {
  if (ctx.hasState()) {
    ctx.view.nodes.forEach((node, index) => {
      if (!node) return;
      const item = itemType(ctx, node);
      for (const [name, template] of Object.entries(node.inputs ?? {})) {
        const path = ["nodes", index, "inputs", name];
        checkTemplate(ctx, template, { node, withInputs: false, item }, (ph) => ({
          path,
          position: ctx.sourceMap.locateInValue(path, ph.offset, ph.raw.length),
        }), `input "${name}" of node "${node.id}"`);
      }
      const prompt = ctx.prompts.get(index);
      if (prompt) checkPrompt(ctx, index, node, prompt, item);
    });
  }
  checkRunName(ctx);
}

function checkPrompt(
  ctx: CheckContext,
  index: number,
  node: NodeConfig,
  prompt: PromptSource,
  item: FieldType | null | undefined,
): void {
  const fromFile = node.prompt === undefined;
  if (!fromFile && isPromptUri(prompt.text)) {
    checkRegistryPrompt(ctx, index, node, prompt.text.trim(), item);
    return;
  }
  const path = ["nodes", index, fromFile ? "prompt_file" : "prompt"];
  checkTemplate(
    ctx,
    prompt.text,
    { node, withInputs: true, item },
    (ph) =>
      fromFile
        ? { path, position: positionInText(prompt.text, ph.offset), file: prompt.file }
        : { path, position: ctx.sourceMap.locateInValue(path, ph.offset, ph.raw.length) },
    `the prompt of node "${node.id}"`,
  );
}

/**
 * A prompt that names the registry: the URI's form, then (when the caller looked it up) that
 * it exists, is a text prompt, and that every `{{placeholder}}` of its template is filled.
 */
function checkRegistryPrompt(
  ctx: CheckContext,
  index: number,
  node: NodeConfig,
  uri: string,
  item: FieldType | null | undefined,
): void {
  const path = ["nodes", index, "prompt"];
  const position = ctx.sourceMap.locate(path);
  try {
    parsePromptUri(uri);
  } catch (error) {
    ctx.error("invalid_prompt_uri", (error as SyntaxError).message, path, { position });
    return;
  }
  const lookup = ctx.hooks.registryPrompts?.get(uri);
  if (lookup === undefined) return;
  if (lookup.status === "missing") {
    ctx.error("unknown_prompt", lookup.message, path, { position });
    return;
  }
  if (lookup.status === "unchecked") {
    ctx.warning("prompt_unchecked", lookup.message, path, { position });
    return;
  }
  const label = `prompt "${lookup.name}" version ${lookup.version} (${uri})`;
  const rule = lookup.type === "chat"
    ? "it is a chat prompt (a list of messages) and a node takes a text prompt"
    : usesJinjaControlFlow(lookup.template)
    ? "it uses Jinja2 control flow ({% ... %}), which only MLflow's Python client renders"
    : undefined;
  if (rule) {
    ctx.error("unusable_prompt", `Cannot use ${label} in node "${node.id}" as ${rule}`, path, {
      position,
    });
    return;
  }
  checkTemplate(
    ctx,
    lookup.template,
    { node, withInputs: true, item },
    () => ({ path, position }),
    `${label} of node "${node.id}"`,
    registryTemplatePlaceholders,
  );
}

type Placement = (placeholder: TemplatePlaceholder) => {
  path: JsonPath;
  position: ReturnType<typeof positionInText> | undefined;
  file?: string | undefined;
};

function checkTemplate(
  ctx: CheckContext,
  template: string,
  scope: Scope,
  place: Placement,
  what: string,
  placeholders: (template: string) => TemplatePlaceholder[] = templatePlaceholders,
): void {
  for (const placeholder of placeholders(template)) {
    const result = resolve(ctx, placeholder, scope);
    if (result.ok) continue;
    const { path, position, file } = place(placeholder);
    ctx.error(
      "unknown_placeholder",
      `Cannot fill ${placeholder.raw.trim()} in ${what} as ${result.message}`,
      path,
      {
        position,
        file,
        suggestion: result.suggestion,
      },
    );
  }
}

function resolve(ctx: CheckContext, placeholder: TemplatePlaceholder, scope: Scope): PathResult {
  const { root, path, explicitState } = placeholder;
  const fields = ctx.fieldNames();
  if (explicitState) {
    const type = ctx.fieldType(root);
    if (!ctx.hasField(root)) {
      return {
        ok: false,
        message: `"${root}" is not a state field`,
        suggestion: suggestName(root, fields, "state fields"),
      };
    }
    return type ? followPath(type, path, `state.${root}`) : { ok: true, type: undefined };
  }
  const inputs = scope.withInputs ? scope.node.inputs ?? {} : {};
  const input = ownValue(inputs, root);
  if (input !== undefined) {
    if (!path.length) return { ok: true, type: undefined };
    const single = singlePlaceholder(input);
    if (!single) {
      return { ok: false, message: `input "${root}" is text and has no sub-field "${path[0]}"` };
    }
    const inner = resolve(ctx, single, { ...scope, withInputs: false });
    if (!inner.ok || !inner.type) return inner;
    return followPath(inner.type, path, root);
  }
  if (ctx.hasField(root)) {
    const type = ctx.fieldType(root);
    return type ? followPath(type, path, root) : { ok: true, type: undefined };
  }
  if (scope.item !== undefined && root === "item") {
    return scope.item ? followPath(scope.item, path, "item") : { ok: true, type: undefined };
  }
  if (scope.item !== undefined && root === "item_index" && !path.length) {
    return { ok: true, type: undefined };
  }
  const names = [
    ...Object.keys(inputs),
    ...fields,
    ...(scope.item !== undefined ? ["item", "item_index"] : []),
  ];
  const itemHint = root === "item" || root === "item_index"
    ? " ({item} and {item_index} exist only in the target of a parallel edge)"
    : "";
  return {
    ok: false,
    message: `"${root}" is not ${scope.withInputs ? "an input or " : ""}a state field${itemHint}`,
    suggestion: suggestName(root, names, "names"),
  };
}

/** The type of `{item}` in a parallel target: `null` when unknown, `undefined` elsewhere. */
function itemType(ctx: CheckContext, node: NodeConfig): FieldType | null | undefined {
  const edge = ctx.parallelEdgeOf(node.id);
  if (!edge) return undefined;
  const items = ctx.fieldType(edge.parallel.items_field);
  if (!items || items.type.kind !== "list" || !items.type.element) return null;
  return { type: items.type.element, schema: items.schema };
}

function checkRunName(ctx: CheckContext): void {
  const runName = ctx.view.mlflow?.run_name;
  if (runName === undefined) return;
  const path = ["config", "observability", "mlflow", "run_name"];
  for (const placeholder of templatePlaceholders(runName)) {
    const name = [placeholder.explicitState ? "state" : "", placeholder.root, ...placeholder.path]
      .filter(Boolean).join(".");
    if (
      !placeholder.explicitState && !placeholder.path.length &&
      RUN_NAME_PLACEHOLDERS.includes(placeholder.root)
    ) {
      continue;
    }
    ctx.error(
      "unknown_placeholder",
      `Cannot fill ${placeholder.raw.trim()} in the run name as "${name}" is not one of ${
        quoteList(RUN_NAME_PLACEHOLDERS)
      }`,
      path,
      {
        position: ctx.sourceMap.locateInValue(path, placeholder.offset, placeholder.raw.length),
        suggestion: suggestName(placeholder.root, RUN_NAME_PLACEHOLDERS, "placeholders"),
      },
    );
  }
}
