import { WorkflowError } from "../../src/errors.ts";
import { writeFileTool } from "../../src/tools/write_file.ts";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { toolContext } from "./_fakes.ts";
import { tempTree } from "./_temp_tree.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("write_file writes a relative path under the first root and replaces a file", async () => {
  await using tree = await tempTree();
  const context = tree.context({ roots: [tree.root, tree.root2] });
  assertEquals(await writeFileTool.invoke({ path: "sub/out.md", content: "# Tïtle" }, context), {
    path: `${tree.root}/sub/out.md`,
    bytes_written: 8,
  });
  assertEquals(await Deno.readTextFile(`${tree.root}/sub/out.md`), "# Tïtle");
  await writeFileTool.invoke({ path: "notes.txt", content: "replaced" }, context);
  assertEquals(await Deno.readTextFile(`${tree.root}/notes.txt`), "replaced");
  await writeFileTool.invoke({ path: `${tree.root2}/new.txt`, content: "2" }, context);
  assertEquals(await Deno.readTextFile(`${tree.root2}/new.txt`), "2");
});

Deno.test("write_file refuses .. escapes and absolute paths outside the roots", async () => {
  await using tree = await tempTree();
  let writes = 0;
  const context = tree.context({ roots: [tree.root] }, {
    writeTextFile: (path, text) => (writes++, Deno.writeTextFile(path, text)),
  });
  for (
    const path of ["../outside/secret.txt", "../escape.txt", `${tree.outside}/secret.txt`]
  ) {
    const error = await assertRejects(
      () => writeFileTool.invoke({ path, content: "pwned" }, context),
      WorkflowError,
      `Cannot write file "${path}" as it is outside the allowed roots`,
    );
    assertEquals((error as WorkflowError).code, "PERMISSION_DENIED");
  }
  assertEquals(writes, 0);
  assertEquals(await Deno.readTextFile(`${tree.outside}/secret.txt`), "TOP SECRET");
  assert(!(await exists(`${tree.base}/escape.txt`)));
});

Deno.test("write_file refuses a symbolic link, file or directory, that leads out of the roots", async () => {
  await using tree = await tempTree();
  await Deno.symlink(`${tree.outside}/secret.txt`, `${tree.root}/link.txt`);
  await Deno.symlink(tree.outside, `${tree.root}/linked_dir`);
  const context = tree.context({ roots: [tree.root] });
  for (const path of ["link.txt", "linked_dir/secret.txt", "linked_dir/new.txt"]) {
    await assertRejects(
      () => writeFileTool.invoke({ path, content: "pwned" }, context),
      WorkflowError,
      "leads outside the allowed roots through a symbolic link",
    );
  }
  assertEquals(await Deno.readTextFile(`${tree.outside}/secret.txt`), "TOP SECRET");
  assert(!(await exists(`${tree.outside}/new.txt`)));
});

Deno.test("write_file refuses a dangling symbolic link, which would create its target", async () => {
  await using tree = await tempTree();
  await Deno.symlink(`${tree.outside}/created.txt`, `${tree.root}/dangling.txt`);
  await Deno.symlink(`${tree.root}/sub/planned.txt`, `${tree.root}/inner_dangling.txt`);
  const context = tree.context({ roots: [tree.root] });
  for (const path of ["dangling.txt", "inner_dangling.txt"]) {
    const error = await assertRejects(
      () => writeFileTool.invoke({ path, content: "escaped" }, context),
      WorkflowError,
      `Cannot write file "${path}" as it is a symbolic link to a missing file`,
    );
    assertEquals((error as WorkflowError).code, "PERMISSION_DENIED");
  }
  assert(!(await exists(`${tree.outside}/created.txt`)));
  assert(!(await exists(`${tree.root}/sub/planned.txt`)));
});

Deno.test("write_file does not create directories", async () => {
  await using tree = await tempTree();
  for (const realPath of [true, false]) {
    const error = await assertRejects(
      () =>
        writeFileTool.invoke(
          { path: "missing/dir/out.txt", content: "x" },
          tree.context({ roots: [tree.root] }, realPath ? {} : { realPath: undefined }),
        ),
      WorkflowError,
      'Cannot write file "missing/dir/out.txt" as its directory does not exist: write_file does not create directories',
    );
    assertEquals((error as WorkflowError).code, "TOOL_FAILED");
  }
  assert(!(await exists(`${tree.root}/missing`)));
});

Deno.test("write_file refuses content over max_bytes before touching the file system", async () => {
  const context = toolContext({ config: { roots: ["out"], max_bytes: 3 } });
  await assertRejects(
    () => writeFileTool.invoke({ path: "a.txt", content: "€€" }, context),
    WorkflowError,
    'Cannot write file "a.txt" as its content has 6 bytes: max_bytes is 3',
  );
});

Deno.test("write_file writes the normalised path with a fake file system", async () => {
  const files = new Map<string, string>();
  const context = toolContext({
    config: { roots: ["out", "/abs/root"] },
    writeTextFile: (path, text) => Promise.resolve(void files.set(path, text)),
  });
  await writeFileTool.invoke({ path: "./a/./b/../c.txt", content: "1" }, context);
  await writeFileTool.invoke({ path: "/abs/root/d.txt", content: "2" }, context);
  assertEquals([...files], [["out/a/c.txt", "1"], ["/abs/root/d.txt", "2"]]);
});
