import { explainFileError, FileAccessError } from "../../src/cli/_file_access.ts";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { copyExamples, ROOT, runCliProcess, tempDir } from "../runtime/_helpers.ts";

Deno.test("explainFileError() says what is missing: the file, the permission or the system's leave", () => {
  const cases: [Error, string, string][] = [
    [new Deno.errors.NotFound("No such file"), "it does not exist", "check the path"],
    [
      new Deno.errors.NotCapable('Requires read access to "w.yaml"'),
      "Deno has no read permission for it: add --allow-read=w.yaml",
      "permissions command",
    ],
    [
      new Deno.errors.PermissionDenied("EACCES"),
      "the operating system does not let this user read it",
      "owner",
    ],
    [new Deno.errors.IsADirectory("EISDIR"), "it is a directory, not a file", "path of a file"],
  ];
  for (const [error, message, hint] of cases) {
    const explained = explainFileError("w.yaml", error);
    assertInstanceOf(explained, FileAccessError);
    assertEquals(explained.message, message);
    assertStringIncludes(explained.hint, hint);
    assertEquals(explained.cause, error);
  }
  const other = new Error("disk on fire");
  assertEquals(explainFileError("w.yaml", other), other);
});

Deno.test("cli.ts validate names a missing file and a missing read permission, not 'invalid'", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  const missing = await runCliProcess(["--allow-read"], ["validate", "nope.yaml"], dir.path);
  assertEquals(missing.code, 2, missing.stderr);
  assertEquals(missing.stdout, "");
  assertStringIncludes(missing.stderr, 'Cannot load the workflow "nope.yaml"');
  assertStringIncludes(missing.stderr, "it does not exist");
  const denied = await runCliProcess(
    ["--no-prompt", "--allow-read=examples/refine_loop.yaml"],
    ["validate", "examples/echo.yaml"],
    dir.path,
  );
  assertEquals(denied.code, 2, denied.stderr);
  assertEquals(denied.stdout, "");
  assertStringIncludes(denied.stderr, "add --allow-read=examples/echo.yaml");
  assert(!denied.stderr.includes("Requires read access"), denied.stderr);
  // A prompt file the flags do not cover: the diagnostic carries the flag.
  const prompt = await runCliProcess(
    ["--no-prompt", "--allow-read=examples/refine_loop.yaml"],
    ["validate", "examples/refine_loop.yaml"],
    dir.path,
  );
  assertEquals(prompt.code, 2, prompt.stderr);
  assertStringIncludes(prompt.stdout, "add --allow-read=examples/prompts/review.txt");
});

Deno.test("cli.ts run names an input file that is missing or not covered by --allow-read", async () => {
  await using dir = await tempDir();
  await copyExamples(dir.path);
  await Deno.writeTextFile(`${dir.path}/in.json`, '{"message": "hi"}');
  await Deno.writeTextFile(`${dir.path}/in.jsonl`, '{"message": "hi"}\n');
  for (const file of ["in.json", "in.jsonl"]) {
    const denied = await runCliProcess(
      ["--no-prompt", `--allow-read=examples,${ROOT}src`, "--allow-env"],
      ["run", "examples/echo.yaml", "--mock", "--input-file", file],
      dir.path,
    );
    assertEquals(denied.code, 2, denied.stderr);
    assertStringIncludes(
      denied.stderr,
      `Cannot read inputs from "${file}" as Deno has no read permission for it: add --allow-read=${file}`,
    );
  }
  const missing = await runCliProcess(
    ["--allow-read", "--allow-env"],
    ["run", "examples/echo.yaml", "--mock", "--input-file", "gone.json"],
    dir.path,
  );
  assertEquals(missing.code, 2, missing.stderr);
  assertStringIncludes(missing.stderr, 'Cannot read inputs from "gone.json" as it does not exist');
});
