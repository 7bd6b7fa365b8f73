import { assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import {
  parseTemplate,
  singlePlaceholder,
  templatePlaceholders,
} from "../../src/config/template.ts";

Deno.test("parseTemplate() splits text and placeholders", () => {
  assertEquals(parseTemplate("Hi {name}, about {state.topic.title}!"), [
    { kind: "text", text: "Hi " },
    { kind: "placeholder", raw: "{name}", explicitState: false, root: "name", path: [], offset: 3 },
    { kind: "text", text: ", about " },
    {
      kind: "placeholder",
      raw: "{state.topic.title}",
      explicitState: true,
      root: "topic",
      path: ["title"],
      offset: 17,
    },
    { kind: "text", text: "!" },
  ]);
});

Deno.test("parseTemplate() keeps doubled braces and JSON examples as text", () => {
  assertEquals(parseTemplate('{{literal}} and {"a": 1}'), [
    { kind: "text", text: '{literal} and {"a": 1}' },
  ]);
  assertStrictEquals(templatePlaceholders('Return JSON like {"score": 3} for {state.x}').length, 1);
});

Deno.test("templatePlaceholders() reads a bare {state} as a name, not state access", () => {
  const [placeholder] = templatePlaceholders("{state}");
  assertStrictEquals(placeholder?.explicitState, false);
  assertStrictEquals(placeholder?.root, "state");
});

Deno.test("singlePlaceholder() finds a template that is one placeholder", () => {
  assertStrictEquals(singlePlaceholder("  {state.items} ")?.root, "items");
  assertStrictEquals(singlePlaceholder("{a} {b}"), undefined);
  assertStrictEquals(singlePlaceholder("text"), undefined);
});
