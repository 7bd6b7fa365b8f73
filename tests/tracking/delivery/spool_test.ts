import {
  parseBundle,
  serializeBundle,
  Spool,
  type SpoolFiles,
} from "../../../src/tracking/delivery/spool.ts";
import { isRunBundle } from "../../../src/tracking/trace_bundle.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../_helpers/assert.ts";
import { goldenBundle, withTraceId } from "../http/_golden_bundle.ts";
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
    assert(!isRunBundle(back));
    assertEquals(back.trace.spans[0]?.startTimeUnixNano, 1795758455794216208n);
    assertEquals(back.run?.metrics.worst, -Infinity);
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
    modifiedAt: () => Promise.resolve(0),
    touch: () => Promise.resolve(),
  };
  const spool = new Spool({ dir: "spool", files, randomId: () => "1", now: () => 1 });
  await spool.write(await goldenBundle("http://x"));
  const file = "spool/tr-aacef014b86e5dbb8364939c5fc5e208.json";
  assertEquals(ops, ["mkdir spool", `write ${file}.1.tmp`, `rename ${file}.1.tmp ${file}`]);
  assertEquals(await spool.list(), ["spool/a.json", "spool/b.json"]);
  // A temporary file whose writer is gone is cleaned up only when stale.
  assertEquals(ops.filter((op) => op.startsWith("remove")), []);
});

Deno.test("Spool.list() removes stale temporary files and offers stale claims", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/tr-1.json.x.tmp`, "");
    await Deno.writeTextFile(`${dir}/tr-2.json.claim-dead`, "{}");
    const fresh = new Spool({ dir });
    assertEquals(await fresh.list(), []);
    const later = new Spool({ dir, now: () => Date.now() + 2 * 60_000 });
    assertEquals(await later.list(), [`${dir}/tr-2.json.claim-dead`]);
    assertEquals([...Deno.readDirSync(dir)].map((entry) => entry.name), ["tr-2.json.claim-dead"]);
  });
});

Deno.test("Spool.write() leaves no temporary file behind when the disk is full", async () => {
  const removed: string[] = [];
  const files: SpoolFiles = {
    mkdir: () => Promise.resolve(),
    writeTextFile: () => Promise.reject(new Error("No space left on device (os error 28)")),
    rename: () => Promise.reject(new Error("unused")),
    readTextFile: () => Promise.reject(new Error("unused")),
    readDir: () => Promise.resolve([]),
    remove: (path) => Promise.resolve(void removed.push(path)),
    modifiedAt: () => Promise.resolve(undefined),
    touch: () => Promise.resolve(),
  };
  const spool = new Spool({ dir: "spool", files, randomId: () => "1" });
  await assertRejects(
    async () =>
      await spool.write(withTraceId(await goldenBundle("http://x"), "0".repeat(31) + "1")),
    Error,
    "No space left",
  );
  assertEquals(removed, ["spool/tr-00000000000000000000000000000001.json.1.tmp"]);
});

Deno.test("Spool.journal() claims a file that a concurrent claim() cannot take, and release() gives it back", async () => {
  await withTempDir(async (dir) => {
    const spool = new Spool({ dir });
    const bundle = await goldenBundle("http://ada:secret@127.0.0.1:5000");
    const claim = await spool.journal(bundle);
    assertEquals(await new Spool({ dir }).list(), []);
    assertEquals(await new Spool({ dir }).claim(claim.file), undefined);
    const text = await Deno.readTextFile(claim.file);
    assertEquals(text.includes("secret"), false, "a credential reached the spool");
    const entry = await claim.release();
    assertEquals(await spool.list(), [entry]);
    const again = await new Spool({ dir }).claim(entry);
    assert(again !== undefined);
    assertEquals(await new Spool({ dir }).claim(entry), undefined);
    await again.done();
    assertEquals(await spool.list(), []);
  });
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
