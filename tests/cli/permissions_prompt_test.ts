/**
 * The flags `permissions` prints must work with or without `--no-prompt`: Deno prompts only on
 * a terminal, so each run here gets one from script(1) (util-linux), with its standard input
 * at end of file. A prompt then shows up in the output and ends the session.
 */
import type { PermissionsReport } from "../../src/cli/permissions_command.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { chatCompletion, startFakeOpenAIServer } from "../_helpers/fake_openai_server.ts";
import { copyExamples, ROOT, runCliProcess, tempDir } from "../runtime/_helpers.ts";

const HAS_SCRIPT = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();
if (!HAS_SCRIPT) {
  // deno-lint-ignore no-console
  console.log("permissions_prompt_test: skipped, script(1) is not installed (util-linux)");
}

/** Runs the CLI on a pseudo-terminal with the given Deno flags; returns all it printed. */
async function runInTerminal(flags: readonly string[], args: readonly string[], cwd: string) {
  const command = [
    "deno",
    "run",
    "--config",
    `${ROOT}deno.json`,
    ...flags,
    `${ROOT}cli.ts`,
    ...args,
  ]
    .map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
  const output = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    cwd,
    clearEnv: true,
    env: {
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      TERM: "dumb",
      ...Object.fromEntries(
        ["HOME", "PATH", "DENO_DIR"].flatMap((name) => {
          const value = Deno.env.get(name);
          return value === undefined ? [] : [[name, value]];
        }),
      ),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, text: decoder.decode(output.stdout) + decoder.decode(output.stderr) };
}

async function printedFlags(args: readonly string[], cwd: string): Promise<string[]> {
  const printed = await runCliProcess(
    ["--allow-read", "--allow-env"],
    ["permissions", ...args, "--json"],
    cwd,
  );
  assertEquals(printed.code, 0, printed.stderr);
  const { flags } = JSON.parse(printed.stdout) as PermissionsReport;
  assertEquals(flags[0], "--no-prompt");
  return flags.slice(1);
}

Deno.test({
  name: "the printed permission flags run without --no-prompt and Deno never prompts",
  ignore: !HAS_SCRIPT,
  async fn() {
    await using dir = await tempDir();
    await copyExamples(dir.path);
    await using server = startFakeOpenAIServer({
      fallback: chatCompletion({
        toolCalls: [{ name: "answer", arguments: { reply: "hello back" } }],
      }),
    });
    await Deno.writeTextFile(
      `${dir.path}/local.yaml`,
      (await Deno.readTextFile(`${ROOT}examples/echo.yaml`)) +
        `config:\n  llm: { provider: openai-compatible, model: local-model, base_url: "${server.baseUrl}" }\n`,
    );
    const runs: [string, string[]][] = [
      // Tracked into SQLite: LangChain, LangGraph, OpenTelemetry and the sink all load.
      ["examples/article_writer.yaml", ["--mock", "-i", "topic=tide pools"]],
      // A live call through the OpenAI integration.
      ["local.yaml", ["-i", "message=hi"]],
    ];
    for (const [file, args] of runs) {
      const flags = await printedFlags([file, ...args.filter((arg) => arg === "--mock")], dir.path);
      const run = await runInTerminal(flags, ["run", file, ...args], dir.path);
      assert(!run.text.includes("Deno requests"), `${file} prompted:\n${run.text}`);
      assertEquals(run.code, 0, run.text);
      assertStringIncludes(run.text, "Finished");
    }
    assert(server.requests.length >= 1);
  },
});
