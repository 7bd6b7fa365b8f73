import { assert, assertEquals } from "../../_helpers/assert.ts";

Deno.test("the pricing modules load no schema library, OpenTelemetry or LangChain", async () => {
  const output = await new Deno.Command("deno", {
    args: ["info", "--json", new URL("./_all_pricing.ts", import.meta.url).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string }[];
  };
  const specifiers = info.modules.map((module) => module.specifier);
  assert(specifiers.some((s) => s.endsWith("bundled_prices.json")));
  const heavy = specifiers.filter((s) => /zod|opentelemetry|langchain|npm:/.test(s));
  assertEquals(heavy, []);
});
