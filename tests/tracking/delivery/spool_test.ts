import {
  parseBundle,
  serializeBundle,
  Spool,
  type SpoolFiles,
} from "../../../src/tracking/delivery/spool.ts";
import {
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../_helpers/assert.ts";
import { goldenBundle } from "../http/_golden_bundle.ts";
import { withTempDir } from "./_temp_dir.ts";

Deno.test("Spool.write() and read() round-trip a bundle with exact bigint times and NaN metrics", async () => {
  await withTempDir(async (dir) => {
    const spool = new Spool({ dir });
    const bundle = await goldenBundle("http://127.0.0.1:5000");
    bundle.run.metrics.total_cost_usd = NaN;
    bundle.run.metrics.worst = -Infinity;
    const file = await spool.write(bundle);
    assertEquals(file, `${dir}/tr-aacef014b86e5dbb8364939c5fc5e208.json`);
    const text = await Deno.readTextFile(file);
    assertStringIncludes(text, '"startTimeUnixNano":"1795758455794216208"');
    const back = await spool.read(file);
    assertEquals(back, bundle);
    assertEquals(back.trace.spans[0]?.startTimeUnixNano, 1795758455794216208n);
    assertEquals(back.run.metrics.worst, -Infinity);
  });
});

Deno.test("Spool.write() writes a temporary file and renames it into place", async () => {
  const ops: string[] = [];
  const files: SpoolFiles = {
    mkdir: (path) => Promise.resolve(void ops.push(`mkdir ${path}`)),
    writeTextFile: (path) => Promise.resolve(void ops.push(`write ${path}`)),
    rename: (from, to) => Promise.resolve(void ops.push(`rename ${from} ${to}`)),
    readTextFile: () => Promise.reject(new Error("unused")),
    readDir: () => Promise.resolve(["b.json", "a.json", "a.json.1.tmp", "notes.txt"]),
    remove: (path) => Promise.resolve(void ops.push(`remove ${path}`)),
  };
  const spool = new Spool({ dir: "spool", files, randomId: () => "1" });
  await spool.write(await goldenBundle("http://x"));
  const file = "spool/tr-aacef014b86e5dbb8364939c5fc5e208.json";
  assertEquals(ops, ["mkdir spool", `write ${file}.1.tmp`, `rename ${file}.1.tmp ${file}`]);
  assertEquals(await spool.list(), ["spool/a.json", "spool/b.json"]);
});

Deno.test("Spool.list() is empty for a missing directory and remove() deletes a file", async () => {
  await withTempDir(async (dir) => {
    assertEquals(await new Spool({ dir: `${dir}/none` }).list(), []);
    const spool = new Spool({ dir });
    const file = await spool.write(await goldenBundle("http://x"));
    assertEquals(await spool.list(), [file]);
    await spool.remove(file);
    await spool.remove(file);
    assertEquals(await spool.list(), []);
  });
});

Deno.test("parseBundle() rejects files that are not spooled bundles", async () => {
  assertThrows(
    () => parseBundle("{", "x.json"),
    SyntaxError,
    'Cannot read spooled bundle "x.json" as it is not JSON',
  );
  const text = serializeBundle(await goldenBundle("http://x")).replace(
    '"1795758455794216208"',
    "1795758455794216208",
  );
  assertThrows(() => parseBundle(text, "y.json"), SyntaxError, "as it is not a trace bundle");
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/bad.json`, "[]");
    await assertRejects(
      () => new Spool({ dir }).read(`${dir}/bad.json`),
      SyntaxError,
      "not a trace bundle",
    );
  });
});
