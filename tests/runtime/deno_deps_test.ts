import {
  denoCwd,
  denoEngineDeps,
  denoEnvironment,
  secretValues,
} from "../../src/runtime/deno_deps.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("denoEngineDeps() reads the environment only where Deno grants it", () => {
  const name = "RUNTIME_TEST_VARIABLE";
  Deno.env.set(name, "visible");
  try {
    const deps = denoEngineDeps();
    assertEquals(deps.env(name), "visible");
    assertEquals(deps.env("RUNTIME_TEST_UNSET_VARIABLE"), undefined);
  } finally {
    Deno.env.delete(name);
  }
});

Deno.test("denoEngineDeps() uses the injected env and fetch", async () => {
  const deps = denoEngineDeps({
    env: (name) => name === "USER" ? "ada" : undefined,
    fetch: () => Promise.resolve(new Response("fake")),
  });
  assertEquals(deps.env("USER"), "ada");
  assertEquals(await (await deps.fetch("http://127.0.0.1:1/")).text(), "fake");
});

Deno.test("denoEngineDeps() gives tools readFileHead, realPath, lstat and the working directory", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/target.txt`, "x");
  await Deno.symlink(`${dir.path}/target.txt`, `${dir.path}/link.txt`);
  const deps = denoEngineDeps();
  assertEquals(
    await deps.realPath!(`${dir.path}/link.txt`),
    await Deno.realPath(`${dir.path}/target.txt`),
  );
  assertEquals((await deps.lstat!(`${dir.path}/link.txt`)).isSymlink, true);
  assertEquals((await deps.lstat!(`${dir.path}/target.txt`)).isSymlink, false);
  assertEquals(deps.cwd, Deno.cwd());
  assertEquals(denoCwd(), Deno.cwd());
  await deps.writeTextFile(`${dir.path}/written.txt`, "hello");
  assertEquals(await deps.readTextFile(`${dir.path}/written.txt`), "hello");
  const head = await deps.readFileHead!(`${dir.path}/written.txt`, 2);
  assertEquals([new TextDecoder().decode(head.bytes), head.truncated, head.size], ["he", true, 5]);
  const random = deps.random!();
  assert(random >= 0 && random < 1);
});

Deno.test("secretValues() reads the secret names, the given names and secret-looking variables", () => {
  const env: Record<string, string> = {
    OPENAI_API_KEY: "sk-openai",
    MY_TOOL_CREDENTIAL: "cred-1",
    HOME: "/root",
  };
  const values = secretValues((name) => env[name], {
    names: ["MY_TOOL_CREDENTIAL", "UNSET_NAME"],
    environment: () => ({ ...env, GITHUB_TOKEN: "ghp-1", EMPTY_TOKEN: "", PATH: "/bin" }),
  });
  assertEquals(values.sort(), ["cred-1", "ghp-1", "sk-openai"]);
});

Deno.test("secretValues() skips the whole environment when it may not be read", () => {
  const values = secretValues((name) => name === "ANTHROPIC_API_KEY" ? "sk-ant" : undefined, {
    environment: () => undefined,
  });
  assertEquals(values, ["sk-ant"]);
});

Deno.test("denoEnvironment() returns the environment when every variable may be read", () => {
  // The test task runs with --allow-env, so all of the environment is granted.
  const environment = denoEnvironment();
  assert(environment !== undefined && typeof environment === "object");
});
