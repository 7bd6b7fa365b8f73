import { loadPriceTable } from "../../../src/tracking/pricing/price_table.ts";
import { assertEquals, assertStringIncludes } from "../../_helpers/assert.ts";

const SCRIPT = new URL("../../../scripts/update_prices.ts", import.meta.url).href;

async function run(args: string[]) {
  const output = await new Deno.Command("deno", {
    args: ["run", "--no-prompt", "--allow-read", "--allow-write", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("update_prices.ts builds a dated table of priced chat models from catalog files", async () => {
  const dir = await Deno.makeTempDir();
  const catalog = (models: Record<string, unknown>) =>
    JSON.stringify({ schema_version: "1.0", models });
  await Deno.writeTextFile(
    `${dir}/openai.json`,
    catalog({
      "gpt-x": {
        mode: "chat",
        pricing: {
          input_per_million_tokens: 1,
          output_per_million_tokens: 4,
          cache_read_per_million_tokens: 0.5,
          service_tiers: { batch: { input_per_million_tokens: 0.5 } },
        },
      },
      "text-embed": {
        mode: "embedding",
        pricing: { input_per_million_tokens: 0.1, output_per_million_tokens: 0 },
      },
      container: { mode: "chat" },
    }),
  );
  await Deno.writeTextFile(
    `${dir}/anthropic.json`,
    catalog({
      "claude-y-20260101": {
        mode: "chat",
        pricing: {
          input_per_million_tokens: 3,
          output_per_million_tokens: 15,
          cache_write_per_million_tokens: 3.75,
          long_context: [{ threshold_tokens: 200000, input_per_million_tokens: 6 }],
        },
      },
    }),
  );
  await Deno.writeTextFile(
    `${dir}/gemini.json`,
    catalog({
      "gemini-z": {
        mode: "chat",
        pricing: { input_per_million_tokens: 0.1, output_per_million_tokens: 0.4 },
      },
    }),
  );
  const result = await run([dir, "2026-04-24", `${dir}/out.json`]);
  assertEquals(result.code, 0, result.stderr);
  const table = loadPriceTable(JSON.parse(await Deno.readTextFile(`${dir}/out.json`)), {
    base: null,
  });
  assertEquals(table.version, "2026.04.24");
  assertEquals(table.taken, "2026-04-24");
  assertEquals(table.providers, {
    openai: { "gpt-x": { input: 1, output: 4, cacheRead: 0.5 } },
    anthropic: {
      "claude-y-20260101": {
        input: 3,
        output: 15,
        cacheWrite: 3.75,
        longContext: [{ thresholdTokens: 200000, input: 6 }],
      },
    },
    google: { "gemini-z": { input: 0.1, output: 0.4 } },
  });
  const bad = await run([dir, "April"]);
  assertEquals(bad.code, 1);
  assertStringIncludes(
    bad.stderr,
    `Cannot date the price table as "April" is not a YYYY-MM-DD date`,
  );
  await Deno.remove(dir, { recursive: true });
});
