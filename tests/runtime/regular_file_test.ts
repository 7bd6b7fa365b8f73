import { assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import { openRegularFile, readRegularTextFile } from "../../src/runtime/regular_file.ts";
import { MAX_SOURCE_BYTES } from "../../src/config/constants.ts";
import { ROOT, runCli } from "../config/_cli_io.ts";

Deno.test("readRegularTextFile() refuses a directory and a device, and a file over maxBytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ten.txt`, "0123456789");
    assertEquals(await readRegularTextFile(`${dir}/ten.txt`, { maxBytes: 10 }), "0123456789");
    assertEquals(await readRegularTextFile(`${dir}/ten.txt`), "0123456789");
    await assertRejects(
      () => readRegularTextFile(dir),
      TypeError,
      "it is a directory, not a regular file",
    );
    await assertRejects(
      () => readRegularTextFile("/dev/zero", { maxBytes: 10 }),
      TypeError,
      "it is a character device, not a regular file",
    );
    await assertRejects(() => openRegularFile("/dev/zero"), TypeError, "character device");
    await assertRejects(
      () => readRegularTextFile(`${dir}/ten.txt`, { maxBytes: 9 }),
      RangeError,
      "it holds 10 bytes, more than the 9 bytes",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validate and run --input-file refuse /dev/zero, a directory and a file over 4 MiB with exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/big.yaml`, "#".repeat(MAX_SOURCE_BYTES + 1));
    const cases: [string[], string][] = [
      [["validate", "/dev/zero"], "it is a character device, not a regular file"],
      [["validate", dir], "it is a directory, not a regular file"],
      [["validate", `${dir}/big.yaml`], `more than the ${MAX_SOURCE_BYTES} bytes (4 MiB) allowed`],
      [
        [
          "run",
          `${ROOT}examples/echo.yaml`,
          "--mock",
          "--no-tracking",
          "--input-file",
          "/dev/zero",
        ],
        'Cannot read inputs from "/dev/zero" as it is a character device',
      ],
      [
        [
          "run",
          `${ROOT}examples/echo.yaml`,
          "--mock",
          "--no-tracking",
          "--input-file",
          `${dir}/big.yaml`,
        ],
        "more than the 4194304 bytes",
      ],
    ];
    for (const [args, fragment] of cases) {
      const { code, stdout, stderr } = await runCli(args);
      assertEquals(code, 2, `${args.join(" ")}: ${stdout}${stderr}`);
      assertStringIncludes(stdout + stderr, fragment);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
