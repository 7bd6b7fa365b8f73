import {
  resolveInputs,
  resolveTemplate,
  resolveTemplateValue,
  TemplateReferenceError,
} from "../../src/engine/resolve_template.ts";
import { assertEquals, assertStringIncludes, assertThrows } from "../_helpers/assert.ts";

const state = {
  topic: "tide pools",
  count: 3,
  tags: ["a", "b"],
  meta: { author: { name: "Ada" }, year: 2026 },
  summary: null,
};

Deno.test("resolveTemplate() reads {state.x.y} from state", () => {
  assertEquals(
    resolveTemplate("By {state.meta.author.name} in {state.meta.year}", { state }),
    "By Ada in 2026",
  );
});

Deno.test("resolveTemplate() reads {name} from inputs first, then state", () => {
  const scope = { state, inputs: { topic: "sea stars" } };
  assertEquals(resolveTemplate("{topic} / {count}", scope), "sea stars / 3");
});

Deno.test("resolveTemplate() never lets an input shadow {state.x}", () => {
  const scope = { state, inputs: { topic: "sea stars" } };
  assertEquals(resolveTemplate("{topic} vs {state.topic}", scope), "sea stars vs tide pools");
});

Deno.test("resolveTemplate() reads {item} and {item_index} of a parallel run", () => {
  const scope = { state, locals: { item: { title: "x" }, item_index: 2 } };
  assertEquals(resolveTemplate("#{item_index}: {item.title} {item}", scope), '#2: x {"title":"x"}');
});

Deno.test("resolveTemplate() turns {{ and }} into literal braces", () => {
  assertEquals(resolveTemplate("{{topic}} is {topic}", { state }), "{topic} is tide pools");
});

Deno.test("resolveTemplate() keeps a JSON example as written", () => {
  const template = 'Answer like {"score": 1, "tags": ["x"]} about {topic}';
  assertEquals(
    resolveTemplate(template, { state }),
    'Answer like {"score": 1, "tags": ["x"]} about tide pools',
  );
});

Deno.test("resolveTemplate() inserts strings as is and other values as compact JSON", () => {
  assertEquals(
    resolveTemplate("{topic}|{count}|{tags}|{meta}|{summary}", { state }),
    'tide pools|3|["a","b"]|{"author":{"name":"Ada"},"year":2026}|null',
  );
});

Deno.test("resolveTemplate() names a missing variable with did-you-mean and the names", () => {
  const error = assertThrows(
    () => resolveTemplate("About {topik}", { state, inputs: { extra: 1 } }),
    TemplateReferenceError,
    'Cannot resolve "{topik}" as no input, parallel item or state field is named "topik"',
  );
  assertStringIncludes(error.message, "did you mean 'topic'?");
  assertStringIncludes(error.message, "'extra', 'topic', 'count'");
  assertEquals((error as TemplateReferenceError).suggestion, "topic");
});

Deno.test("resolveTemplate() does not read inputs for {state.x}", () => {
  assertThrows(
    () => resolveTemplate("{state.extra}", { state, inputs: { extra: 1 } }),
    TemplateReferenceError,
    'the state has no field "extra"',
  );
});

Deno.test("resolveTemplate() names a missing nested key and the keys there", () => {
  assertThrows(
    () => resolveTemplate("{state.meta.autor}", { state }),
    TemplateReferenceError,
    `"meta" has no key "autor": did you mean 'author'? available keys are 'author', 'year'`,
  );
});

Deno.test("resolveTemplateValue() keeps the type of a single placeholder", () => {
  assertEquals(resolveTemplateValue("{state.tags}", { state }), ["a", "b"]);
  assertEquals(resolveTemplateValue(" {count} ", { state }), 3);
  assertEquals(resolveTemplateValue("{count} items", { state }), "3 items");
});

Deno.test("resolveTemplateValue() copies the value so a node cannot change the state", () => {
  const value = resolveTemplateValue("{tags}", { state }) as string[];
  value.push("c");
  assertEquals(state.tags, ["a", "b"]);
});

Deno.test("resolveInputs() resolves each input from state and the parallel item", () => {
  const inputs = resolveInputs(
    { text: "{state.topic}", all: "{tags}", label: "Item {item_index}", n: "{count}" },
    { state, locals: { item_index: 4 } },
  );
  assertEquals(inputs, { text: "tide pools", all: ["a", "b"], label: "Item 4", n: 3 });
});
