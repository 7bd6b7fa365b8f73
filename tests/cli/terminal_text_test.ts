import { escapeControlCharacters } from "../../src/cli/_terminal_text.ts";
import { renderError } from "../../src/cli/render_error.ts";
import { main } from "../../src/cli/main.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { ROOT, tempDir, testIO } from "../runtime/_helpers.ts";

/** What a hostile name or model answer may hold: set the title, clear the screen. */
const HOSTILE = "\x1b]0;TITLE\x07\x1b[2J";
const SHOWN = "\\u001b]0;TITLE\\u0007\\u001b[2J";
/** A raw control character other than tab and line feed (DEL and C1 included). */
// deno-lint-ignore no-control-regex -- the test looks for control characters
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

Deno.test("escapeControlCharacters() escapes controls and keeps text, tabs, line feeds and the CLI's styles", () => {
  assertEquals(escapeControlCharacters(`a${HOSTILE}b`), `a${SHOWN}b`);
  assertEquals(
    escapeControlCharacters("tab\there\nnext\r\nlast\rover"),
    "tab\there\nnext\nlast\\u000dover",
  );
  assertEquals(escapeControlCharacters("\x7f\x9b\u202eevil"), "\\u007f\\u009b\\u202eevil");
  assertEquals(escapeControlCharacters("✓ naïve 日本"), "✓ naïve 日本");
  // The CLI's own colours, and the line erase only where a progress line starts.
  assertEquals(escapeControlCharacters("\x1b[31merror\x1b[0m"), "\x1b[31merror\x1b[0m");
  assertEquals(escapeControlCharacters("\r\x1b[2K  ✓ a\n"), "\r\x1b[2K  ✓ a\n");
  assertEquals(escapeControlCharacters("x\r\x1b[2Ky"), "x\\u000d\\u001b[2Ky");
  assertEquals(escapeControlCharacters("\x1b[8mhidden"), "\\u001b[8mhidden");
  // JSON keeps its meaning: the escapes are the same characters.
  const value = { text: `${HOSTILE}\x9b\u202e\x7f` };
  assertEquals(JSON.parse(escapeControlCharacters(JSON.stringify(value))), value);
});

async function hostileWorkflow(dir: string): Promise<string> {
  const text = (await Deno.readTextFile(`${ROOT}examples/echo.yaml`))
    .replace("name: echo", `name: ${JSON.stringify(`echo${HOSTILE}`)}`);
  await Deno.writeTextFile(`${dir}/hostile.yaml`, text);
  return `${dir}/hostile.yaml`;
}

Deno.test("run escapes control characters in the state, the progress lines and errors, not in --json", async () => {
  await using dir = await tempDir();
  const file = await hostileWorkflow(dir.path);
  const io = testIO({ cwd: dir.path });
  assertEquals(await main(["run", file, "--mock", "-i", `message=${HOSTILE}`], io), 0, io.err());
  assertStringIncludes(io.out(), `message: ${SHOWN}`);
  assertStringIncludes(io.err(), `echo${SHOWN} (1 node)`);
  assert(!RAW_CONTROL.test(io.out() + io.err()), JSON.stringify(io.out() + io.err()));

  const json = testIO({ cwd: dir.path });
  assertEquals(await main(["run", file, "--mock", "--json", "-i", `message=${HOSTILE}`], json), 0);
  assertEquals(JSON.parse(json.out()).state.message, HOSTILE);

  const failed = testIO({ cwd: dir.path });
  assertEquals(await main(["run", file, "--mock", "-i", `nope${HOSTILE}=1`], failed), 2);
  assert(!RAW_CONTROL.test(failed.err()), JSON.stringify(failed.err()));
});

Deno.test("validate, traces and report escape control characters in names and messages", async () => {
  await using dir = await tempDir();
  const file = await hostileWorkflow(dir.path);
  await Deno.writeTextFile(
    `${dir.path}/bad.yaml`,
    (await Deno.readTextFile(file)).replace(
      "  name:",
      `  ${JSON.stringify(`nme${HOSTILE}`)}: x\n  name:`,
    ),
  );
  const validate = testIO({ cwd: dir.path });
  assertEquals(await main(["validate", `${dir.path}/bad.yaml`], validate), 2);
  assertStringIncludes(validate.out(), SHOWN);
  assert(!RAW_CONTROL.test(validate.out()), JSON.stringify(validate.out()));

  const db = `sqlite:///${dir.path}/mlflow.db`;
  const run = testIO({ cwd: dir.path });
  const args = ["run", file, "--mock", "--json", "-i", `message=${HOSTILE}`];
  assertEquals(await main([...args, "--tracking-uri", db], run), 0, run.err());
  const { traceId } = JSON.parse(run.out()).metadata;
  for (
    const command of [
      ["traces", "list", "--tracking-uri", db],
      ["traces", "show", traceId, "--tracking-uri", db],
      ["report", "costs", "--tracking-uri", db],
    ]
  ) {
    const io = testIO({ cwd: dir.path });
    assertEquals(await main(command, io), 0, io.err());
    assertStringIncludes(io.out(), SHOWN, command.join(" "));
    assert(!RAW_CONTROL.test(io.out() + io.err()), JSON.stringify(io.out()));
  }
});

Deno.test("renderError() drops the colours Deno puts in the messages it quotes", () => {
  const error = new TypeError(
    'Requires read access to "x.ts"\n    at \x1b[0m\x1b[36mfile:///w.ts\x1b[0m:\x1b[0m\x1b[33m9\x1b[0m',
  );
  const text = renderError(error, { verbose: false, color: false });
  assert(!text.includes("\x1b"), JSON.stringify(text));
  assertStringIncludes(text, "at file:///w.ts:9");
});
