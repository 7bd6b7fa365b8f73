import { assertEquals } from "./_helpers/assert.ts";

/** Every `from "..."` of the `@example` blocks of the symbols `mod.ts` exports. */
async function exampleImports(): Promise<{ symbol: string; specifier: string }[]> {
  const { stdout, success, stderr } = await new Deno.Command("deno", {
    args: ["doc", "--json", "mod.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
  const found: { symbol: string; specifier: string }[] = [];
  const walk = (value: unknown, symbol: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, symbol));
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    const name = typeof record.name === "string" ? record.name : symbol;
    if (record.kind === "example" && typeof record.doc === "string") {
      for (const match of record.doc.matchAll(/from "([^"]+)"/g)) {
        found.push({ symbol, specifier: match[1]! });
      }
    }
    for (const child of Object.values(record)) walk(child, name);
  };
  walk(JSON.parse(new TextDecoder().decode(stdout)), "mod.ts");
  return found;
}

Deno.test("The @example of every symbol mod.ts exports imports the package, not an internal path", async () => {
  const internal = (await exampleImports()).filter(({ specifier }) =>
    specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:")
  );
  assertEquals(internal, []);
});
