import { Client, RunTree } from "langsmith";
import { assertEquals, assertInstanceOf, assertStrictEquals } from "../_helpers/assert.ts";
import { ensureLangsmithOffline } from "../../src/llm/ensure_langsmith_offline.ts";

Deno.test("ensureLangsmithOffline() installs one shared LangSmith client and keeps it", () => {
  ensureLangsmithOffline();
  const first = RunTree.getSharedClient();
  ensureLangsmithOffline();
  assertInstanceOf(first, Client);
  assertStrictEquals(RunTree.getSharedClient(), first);
});

Deno.test("ensureLangsmithOffline() lets a runnable and the mock model run with only --allow-read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llm_langsmith_" });
  try {
    const script = `${dir}/run.ts`;
    const offline = new URL("../../src/llm/ensure_langsmith_offline.ts", import.meta.url).href;
    const mock = new URL("../../src/llm/mock_chat_model.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      [
        'import { RunnableLambda } from "@langchain/core/runnables";',
        `import { ensureLangsmithOffline } from "${offline}";`,
        `import { MockChatModel } from "${mock}";`,
        "ensureLangsmithOffline();",
        "console.log(await RunnableLambda.from((x: number) => x + 1).invoke(1));",
        'console.log((await new MockChatModel().invoke("Write about tide pools")).content);',
      ].join("\n"),
    );
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const output = await new Deno.Command("deno", {
      args: ["run", "--quiet", "--config", config, "--allow-read", "--no-prompt", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assertEquals(output.code, 0, stderr);
    assertEquals(
      new TextDecoder().decode(output.stdout),
      "2\nMock answer about tide pools.\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
