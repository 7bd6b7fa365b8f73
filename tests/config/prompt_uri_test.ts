import {
  aliasProblem,
  formatPromptUri,
  isPromptUri,
  parsePromptUri,
} from "../../src/config/prompt_uri.ts";
import {
  parseRegistryTemplate,
  registryTemplatePlaceholders,
  usesJinjaControlFlow,
} from "../../src/config/registry_template.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";

Deno.test("parsePromptUri() reads versions, aliases and latest in any case", () => {
  assertEquals(parsePromptUri("prompts:/summarizer/2"), { name: "summarizer", version: 2 });
  assertEquals(parsePromptUri(" prompts:/a.b-c_d@production "), {
    name: "a.b-c_d",
    alias: "production",
  });
  assertEquals(parsePromptUri("prompts:/x@LATEST"), { name: "x", alias: "latest" });
  assertEquals(formatPromptUri(parsePromptUri("prompts:/x@prod")), "prompts:/x@prod");
  assertEquals(isPromptUri("prompts:/x/1"), true);
  assertEquals(isPromptUri("Say {name}"), false);
});

Deno.test("parsePromptUri() names what is wrong with a malformed URI", () => {
  const cases: [string, string][] = [
    ["models:/x/1", 'it does not start with "prompts:/"'],
    ["prompts:/x", "it names no version or alias"],
    ["prompts:/x/0", 'the version "0" is not a whole number of 1 or more'],
    ["prompts:/x/latest", 'the version "latest" is not a whole number'],
    ["prompts:/a b/1", 'the name "a b" has characters'],
    ["prompts:/x@", "the alias is empty"],
    ["prompts:/x@prod.1", 'the alias "prod.1" has characters'],
    ["prompts:/@prod", "the name is empty"],
  ];
  for (const [uri, fragment] of cases) {
    assertThrows(() => parsePromptUri(uri), SyntaxError, fragment);
  }
});

Deno.test("aliasProblem() reserves latest and version-like aliases only for setting", () => {
  assertEquals(aliasProblem("latest", "read"), undefined);
  assertEquals(aliasProblem("Latest", "set")?.includes("reserved"), true);
  assertEquals(aliasProblem("v3", "set")?.includes("reads as a version"), true);
  assertEquals(aliasProblem("production", "set"), undefined);
});

Deno.test("parseRegistryTemplate() finds {{variables}} and keeps single braces literal", () => {
  const segments = parseRegistryTemplate('Say {{ greeting }} to {{state.user.name}} as {"a": 1}');
  assertEquals(segments.map((s) => s.kind === "text" ? s.text : s.raw), [
    "Say ",
    "{{ greeting }}",
    " to ",
    "{{state.user.name}}",
    ' as {"a": 1}',
  ]);
  const [greeting, user] = registryTemplatePlaceholders("{{greeting}} {{state.user.name}}");
  assertEquals([greeting?.root, greeting?.explicitState], ["greeting", false]);
  assertEquals([user?.root, user?.path, user?.explicitState], ["user", ["name"], true]);
  assertEquals(registryTemplatePlaceholders("{single} {{ 1bad }} {{}}"), []);
  assertEquals(usesJinjaControlFlow("{% if x %}y{% endif %}"), true);
  assertEquals(usesJinjaControlFlow("{{x}}"), false);
});
