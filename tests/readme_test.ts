import { assert, assertEquals, assertMatch } from "./_helpers/assert.ts";
import { copyExamples, ROOT, tempDir } from "./runtime/_helpers.ts";

/** The TypeScript blocks of the README, in order. */
async function readmeSnippets(): Promise<string[]> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

Deno.test("README: the library snippet runs as written and prints a trace id, not undefined", async () => {
  const snippets = await readmeSnippets();
  assertEquals(snippets.length, 1);
  await using dir = await tempDir();
  await copyExamples(dir.path);
  // The published specifier is this checkout's mod.ts; everything else is as in the README.
  const code = snippets[0]!.replaceAll(
    `"jsr:@configurable-agents/core"`,
    JSON.stringify(new URL("../mod.ts", import.meta.url).href),
  );
  await Deno.writeTextFile(`${dir.path}/snippet.ts`, code);
  const command = new Deno.Command("deno", {
    args: [
      "run",
      "--config",
      `${ROOT}deno.json`,
      "--no-prompt",
      "--allow-read",
      "--allow-env",
      "--allow-write=mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool",
      "snippet.ts",
    ],
    cwd: dir.path,
    stdout: "piped",
    stderr: "piped",
  });
  const { code: exit, stdout, stderr } = await command.output();
  const out = new TextDecoder().decode(stdout);
  assertEquals(exit, 0, new TextDecoder().decode(stderr));
  assert(!out.includes("undefined"), out);
  assertMatch(out, /^Mock reply .* [\d.e-]+ tr-[0-9a-f]{32}\n$/);
});
