import { WorkflowError } from "../../src/errors.ts";
import { readFileTool } from "../../src/tools/read_file.ts";
import {
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { denoReadFileHead } from "../../src/runtime/deno_deps.ts";
import { rejectionOf, toolContext } from "./_fakes.ts";
import { tempTree } from "./_temp_tree.ts";

Deno.test("read_file resolves a relative path against the first root", async () => {
  await using tree = await tempTree();
  const config = { roots: [tree.root, tree.root2] };
  assertEquals(await readFileTool.invoke({ path: "notes.txt" }, tree.context(config)), {
    path: `${tree.root}/notes.txt`,
    content: "root notes",
    bytes: 10,
    truncated: false,
  });
  const deep = await readFileTool.invoke({ path: "./sub/../sub/deep.txt" }, tree.context(config));
  assertEquals((deep as { content: string }).content, "deep");
});

Deno.test("read_file reads an absolute path inside any root", async () => {
  await using tree = await tempTree();
  const result = await readFileTool.invoke(
    { path: `${tree.root2}/other.txt` },
    tree.context({ roots: [tree.root, tree.root2] }),
  );
  assertEquals((result as { content: string }).content, "other root");
});

Deno.test("read_file refuses .. escapes and absolute paths outside the roots before reading", async () => {
  await using tree = await tempTree();
  let reads = 0;
  const config = { roots: [tree.root] };
  const counting = (realPath: boolean) =>
    tree.context(config, {
      readTextFile: (path) => (reads++, Deno.readTextFile(path)),
      readFileHead: (path, maxBytes) => (reads++, denoReadFileHead(path, maxBytes)),
      ...(realPath ? {} : { realPath: undefined }),
    });
  for (const withRealPath of [true, false]) {
    for (
      const path of [
        "../outside/secret.txt",
        "sub/../../outside/secret.txt",
        `${tree.outside}/secret.txt`,
        `${tree.root}/../outside/secret.txt`,
        `${tree.root}2/other.txt`,
        "/etc/passwd",
      ]
    ) {
      const error = await assertRejects(
        () => readFileTool.invoke({ path }, counting(withRealPath)),
        WorkflowError,
        `Cannot read file "${path}" as it is outside the allowed roots: allowed roots are "${tree.root}"`,
      );
      assertEquals((error as WorkflowError).code, "PERMISSION_DENIED");
    }
  }
  assertEquals(reads, 0);
});

Deno.test("read_file refuses a symbolic link that leads out of the roots", async () => {
  await using tree = await tempTree();
  await Deno.symlink(`${tree.outside}/secret.txt`, `${tree.root}/link.txt`);
  await Deno.symlink(tree.outside, `${tree.root}/linked_dir`);
  const context = tree.context({ roots: [tree.root] });
  for (const path of ["link.txt", "linked_dir/secret.txt"]) {
    const error = await assertRejects(
      () => readFileTool.invoke({ path }, context),
      WorkflowError,
      `Cannot read file "${path}" as it leads outside the allowed roots through a symbolic link`,
    );
    assertEquals((error as WorkflowError).code, "PERMISSION_DENIED");
  }
});

Deno.test("read_file follows a symbolic link that stays inside the roots", async () => {
  await using tree = await tempTree();
  await Deno.symlink(`${tree.root}/sub/deep.txt`, `${tree.root}/alias.txt`);
  await Deno.symlink(`${tree.root2}/other.txt`, `${tree.root}/cross.txt`);
  const context = tree.context({ roots: [tree.root, tree.root2] });
  const alias = await readFileTool.invoke({ path: "alias.txt" }, context);
  assertEquals(alias, {
    path: `${tree.root}/sub/deep.txt`,
    content: "deep",
    bytes: 4,
    truncated: false,
  });
  const cross = await readFileTool.invoke({ path: "cross.txt" }, context);
  assertEquals((cross as { content: string }).content, "other root");
});

Deno.test("read_file accepts a root that is itself a symbolic link", async () => {
  await using tree = await tempTree();
  await Deno.symlink(tree.root, `${tree.base}/root_link`);
  const result = await readFileTool.invoke(
    { path: "notes.txt" },
    tree.context({ roots: [`${tree.base}/root_link`] }),
  );
  assertEquals((result as { content: string }).content, "root notes");
});

Deno.test("read_file cuts content at max_bytes on a character boundary and flags it", async () => {
  await using tree = await tempTree();
  await Deno.writeTextFile(`${tree.root}/big.txt`, "€€€€");
  const result = await readFileTool.invoke(
    { path: "big.txt" },
    tree.context({ roots: [tree.root], max_bytes: 7 }),
  );
  assertEquals(result, {
    path: `${tree.root}/big.txt`,
    content: "€€",
    bytes: 12,
    truncated: true,
  });
});

Deno.test("read_file reads only max_bytes of a 300 MB file, never the whole of it", async () => {
  await using tree = await tempTree();
  const path = `${tree.root}/huge.txt`;
  await Deno.writeTextFile(path, "€".repeat(50_000));
  await Deno.truncate(path, 300_000_000); // sparse: the rest is holes, not disk
  let bytesRead = 0;
  const context = tree.context({ roots: [tree.root] }, {
    readTextFile: () => Promise.reject(new Error("read_file read the whole file")),
    readFileHead: async (file, maxBytes) => {
      const head = await denoReadFileHead(file, maxBytes);
      bytesRead += head.bytes.byteLength;
      return head;
    },
  });
  const result = await readFileTool.invoke({ path: "huge.txt" }, context) as {
    content: string;
    bytes: number;
    truncated: boolean;
  };
  assertEquals(bytesRead, 100_000);
  assertEquals(result.content, "€".repeat(33_333));
  assertEquals(result.bytes, 300_000_000);
  assertEquals(result.truncated, true);
});

Deno.test("denoReadFileHead() holds at most max_bytes + 1 bytes of a large or endless file", async () => {
  await using tree = await tempTree();
  const path = `${tree.root}/huge.bin`;
  await Deno.writeFile(path, new Uint8Array(0));
  await Deno.truncate(path, 300_000_000);
  const head = await denoReadFileHead(path, 1000);
  assertEquals([head.bytes.byteLength, head.bytes.buffer.byteLength], [1000, 1001]);
  assertEquals([head.truncated, head.size], [true, 300_000_000]);
  const small = await denoReadFileHead(`${tree.root}/notes.txt`, 1000);
  assertEquals([small.bytes.buffer.byteLength, small.truncated, small.size], [11, false, 10]);
  const device = await denoReadFileHead("/dev/zero", 10);
  assertEquals([device.bytes.byteLength, device.truncated, device.size], [10, true, 11]);
});

Deno.test("read_file keeps invalid UTF-8 within max_bytes", async () => {
  await using tree = await tempTree();
  await Deno.writeFile(`${tree.root}/bad.txt`, new Uint8Array([0xff, 0xfe, 0xff, 0x61]));
  const result = await readFileTool.invoke(
    { path: "bad.txt" },
    tree.context({ roots: [tree.root], max_bytes: 3 }),
  );
  assertEquals(result, {
    path: `${tree.root}/bad.txt`,
    content: "\uFFFD",
    bytes: 4,
    truncated: true,
  });
});

Deno.test("read_file reports a missing file as TOOL_FAILED", async () => {
  await using tree = await tempTree();
  for (const realPath of [true, false]) {
    const error = await assertRejects(
      () =>
        readFileTool.invoke(
          { path: "nope.txt" },
          tree.context({ roots: [tree.root] }, realPath ? {} : { realPath: undefined }),
        ),
      WorkflowError,
      'Cannot read file "nope.txt" as it does not exist',
    );
    assertEquals((error as WorkflowError).code, "TOOL_FAILED");
  }
});

Deno.test("read_file checks relative roots lexically with a fake file system", async () => {
  const reads: string[] = [];
  const context = (config: Record<string, unknown>, cwd?: string) =>
    toolContext({
      config,
      ...(cwd === undefined ? {} : { cwd }),
      readTextFile: (path) => (reads.push(path), Promise.resolve(`text of ${path}`)),
    });
  await readFileTool.invoke({ path: "a/../b.txt" }, context({ roots: ["data/"] }));
  await readFileTool.invoke({ path: "x.txt" }, context({ roots: ["."] }));
  await assertRejects(
    () => readFileTool.invoke({ path: "../x.txt" }, context({ roots: ["."] })),
    WorkflowError,
    "is outside the allowed roots",
  );
  await assertRejects(
    () => readFileTool.invoke({ path: "/work/data/x.txt" }, context({ roots: ["data"] })),
    WorkflowError,
    "is outside the allowed roots",
  );
  await readFileTool.invoke({ path: "/work/data/y.txt" }, context({ roots: ["data"] }, "/work"));
  await readFileTool.invoke({ path: "z.txt" }, context({ roots: ["data"] }, "/work"));
  assertEquals(reads, ["data/b.txt", "x.txt", "/work/data/y.txt", "/work/data/z.txt"]);
});

Deno.test("read_file rejects with the signal's reason when aborted", async () => {
  await using tree = await tempTree();
  const controller = new AbortController();
  const reason = new Error("cancelled");
  const context = tree.context({ roots: [tree.root] }, {
    signal: controller.signal,
    realPath: (path) => {
      controller.abort(reason);
      return Deno.realPath(path);
    },
  });
  assertStrictEquals(
    await rejectionOf(readFileTool.invoke({ path: "notes.txt" }, context)),
    reason,
  );
});

Deno.test("read_file refuses a path with a NUL character and a config without roots", async () => {
  await using tree = await tempTree();
  await assertRejects(
    () => readFileTool.invoke({ path: "a\0b" }, tree.context({ roots: [tree.root] })),
    WorkflowError,
    "as its path contains a NUL character",
  );
  const error = await assertRejects(
    () => readFileTool.invoke({ path: "notes.txt" }, tree.context({})),
    WorkflowError,
    'Cannot use tool "read_file" as its config is invalid: roots: Required',
  );
  assertStringIncludes((error as WorkflowError).hint ?? "", "read_file");
});
