import { parseWorkflow, safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import {
  applyRegistryPrompts,
  fromRegistryTemplate,
  type RegistryPromptLookup,
  registryPromptUris,
} from "../../src/config/registry_prompts.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../_helpers/assert.ts";

const FLOW = (prompt: string) => `
schema_version: "1.0"
flow: { name: summary }
state:
  fields:
    text: { type: str, required: true }
    items: { type: "list[str]", default: [] }
    notes: { type: "list[str]" }
    summary: { type: str }
nodes:
  - id: summarize
    prompt: "${prompt}"
    inputs: { words: "{state.text}" }
    outputs: [summary]
  - id: note
    prompt: "prompts:/noter/1"
    outputs: [notes]
edges:
  - { from: START, to: summarize }
  - { from: summarize, to: note }
  - { from: note, to: END }
`;

function found(template: string, version = 2, type: "text" | "chat" = "text") {
  return { status: "found", name: "summarizer", version, template, type } as const;
}

function lookups(
  summarizer: RegistryPromptLookup,
  uri = "prompts:/summarizer@production",
): Map<string, RegistryPromptLookup> {
  return new Map<string, RegistryPromptLookup>([
    [uri, summarizer],
    ["prompts:/noter/1", { ...found("Note {{ state.summary }}", 1), name: "noter" }],
  ]);
}

Deno.test("fromRegistryTemplate() writes {{var}} as {var} and doubles literal braces", () => {
  assertEquals(
    fromRegistryTemplate('Sum {{ text }} as {"n": {{state.user.name}}} {x}'),
    'Sum {text} as {{"n": {state.user.name}}} {{x}}',
  );
  // MLflow's variables are dotted names: "items.0" is not one, so it stays literal text.
  assertEquals(fromRegistryTemplate("{{items.0}}"), "{{{{items.0}}}}");
});

Deno.test("registryPromptUris() lists each URI once in node order", () => {
  const workflow = parseWorkflow(FLOW("prompts:/summarizer@production"));
  assertEquals(registryPromptUris(workflow), [
    "prompts:/summarizer@production",
    "prompts:/noter/1",
  ]);
});

Deno.test("applyRegistryPrompts() puts the templates in place and names the versions used", () => {
  const workflow = parseWorkflow(FLOW("prompts:/summarizer@production"));
  const applied = applyRegistryPrompts(
    workflow,
    lookups(found("Summarize {{words}} from {{text}} {{ items }}")),
  );
  assertEquals(applied.prompts.summarize, "Summarize {words} from {text} {items}");
  assertEquals(applied.prompts.note, "Note {state.summary}");
  assertEquals(applied.registryPrompts, {
    summarize: { uri: "prompts:/summarizer@production", name: "summarizer", version: 2 },
    note: { uri: "prompts:/noter/1", name: "noter", version: 1 },
  });
  assertEquals(workflow.registryPrompts, undefined, "the workflow itself is unchanged");
});

Deno.test("applyRegistryPrompts() names the version and the placeholder nothing fills", () => {
  const workflow = parseWorkflow(FLOW("prompts:/summarizer@production"));
  const error = assertThrows(
    () => applyRegistryPrompts(workflow, lookups(found("Summarize {{txt}} in {{n}} words"))),
    WorkflowError,
  ) as WorkflowError;
  assertEquals(error.code, "CONFIG_INVALID");
  const messages = error.diagnostics.map((d) => d.message);
  assertEquals(messages, [
    'Cannot fill {{txt}} in prompt "summarizer" version 2 (prompts:/summarizer@production) of node "summarize" as "txt" is not an input or a state field',
    'Cannot fill {{n}} in prompt "summarizer" version 2 (prompts:/summarizer@production) of node "summarize" as "n" is not an input or a state field',
  ]);
  assertEquals(error.diagnostics[0]?.suggestion, "did you mean 'text'?");
  assertEquals(error.diagnostics[0]?.path, ["nodes", 0, "prompt"]);
});

Deno.test("applyRegistryPrompts() refuses missing prompts, chat prompts and unresolved URIs", () => {
  const workflow = parseWorkflow(FLOW("prompts:/summarizer@production"));
  const missing = assertThrows(() =>
    applyRegistryPrompts(
      workflow,
      lookups({ status: "missing", message: 'Cannot load prompt "x" as it has no alias' }),
    ), WorkflowError) as WorkflowError;
  assertEquals([missing.code, missing.message], [
    "PROMPT_NOT_FOUND",
    'Cannot load prompt "x" as it has no alias',
  ]);
  const chat = assertThrows(
    () => applyRegistryPrompts(workflow, lookups(found('[{"role": "user"}]', 2, "chat"))),
    WorkflowError,
    "it is a chat prompt",
  ) as WorkflowError;
  assertEquals(chat.code, "CONFIG_INVALID");
  assertThrows(
    () => applyRegistryPrompts(workflow, lookups(found("{% if x %}y{% endif %}"))),
    WorkflowError,
    "Jinja2 control flow",
  );
  const unresolved = assertThrows(
    () => applyRegistryPrompts(workflow, new Map()),
    WorkflowError,
    '"prompts:/summarizer@production" was not looked up',
  ) as WorkflowError;
  assertEquals(unresolved.code, "TRACKING_UNAVAILABLE");
});

Deno.test("validation reports a malformed prompt URI at its line, and registry lookups as given", () => {
  const bad = safeParseWorkflow(FLOW("prompts:/summarizer"), { file: "flow.yaml" });
  assert(!bad.ok);
  const [problem] = bad.diagnostics;
  assertEquals([problem?.code, problem?.line], ["invalid_prompt_uri", 12]);
  assertStringIncludes(problem?.message ?? "", "it names no version or alias");
  const unchecked = safeParseWorkflow(FLOW("prompts:/summarizer@production"), {
    file: "flow.yaml",
    registryPrompts: lookups({ status: "unchecked", message: "Cannot check it here" }),
  });
  assert(unchecked.ok);
  assertEquals(
    unchecked.workflow.warnings.map((w) => [w.code, w.line, w.message]),
    [["prompt_unchecked", 12, "Cannot check it here"]],
  );
});
