/**
 * The bad-input fault suite: a seeded corpus of mutated workflow files (from the examples and
 * the v0.1 fixtures) through `validate`, in-process for every file and in a real subprocess
 * (`--allow-read` only) for a sample. Every file ends in exit 0, or exit 2 with every problem
 * placed at `file:line:col`; never a crash, a stack trace or exit 1.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { main } from "../../src/cli/main.ts";
import { fakeIO, runCli } from "../config/_cli_io.ts";
import { type CorpusFile, readBases, writeCorpus } from "./_fixtures/workflow_corpus.ts";
import { SeededRandom } from "./_fixtures/seeded_random.ts";
import { STRUCTURAL_MUTATIONS } from "./_fixtures/structural_mutations.ts";
import { TEXT_MUTATIONS } from "./_fixtures/text_mutations.ts";

const SEED = 20261127;
const COUNT = 600;
const SUBPROCESS_SAMPLE = 20;

/** What `validate` did with one file. */
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Why an outcome breaks the rules, or `undefined` when it keeps them.
 *
 * @param path The file as passed to `validate`.
 * @param outcome Its exit code and output.
 * @returns The broken rule.
 */
function violation(path: string, outcome: Outcome): string | undefined {
  const { code, stdout, stderr } = outcome;
  if (code !== 0 && code !== 2) return `exit ${code}`;
  if (stderr.trim() !== "") return `wrote to stderr: ${stderr.slice(0, 300)}`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(stdout) || stdout.includes("--verbose")) {
    return "printed a stack trace";
  }
  const lines = stdout.trimEnd().split("\n");
  const summary = lines.pop() ?? "";
  const prefix = `${path}:`;
  for (const line of lines) {
    if (!line.startsWith(prefix)) return `a line without the file: ${line.slice(0, 200)}`;
    const placed = /^(\d+):(\d+): (error|warning): (.*)$/s.exec(line.slice(prefix.length));
    if (!placed) return `a line without line:col: ${line.slice(0, 200)}`;
    const [, row, column, , message] = placed;
    if (Number(row) < 1 || Number(column) < 1) {
      return `a position before 1:1: ${line.slice(0, 200)}`;
    }
    if (!message!.startsWith("Cannot ")) return `an unclear message: ${line.slice(0, 200)}`;
  }
  const errors = lines.filter((line) => /^\d+:\d+: error: /.test(line.slice(prefix.length)));
  if (code === 0) {
    return summary.startsWith(`${path}: valid`) && errors.length === 0
      ? undefined
      : `exit 0 with ${errors.length} errors: ${summary}`;
  }
  const count = /: invalid: (\d+) errors?, /.exec(summary)?.[1];
  if (errors.length === 0) return `exit 2 without a positioned error: ${summary.slice(0, 200)}`;
  return Number(count) === errors.length ? undefined : `summary disagrees: ${summary}`;
}

async function validateInProcess(path: string): Promise<Outcome> {
  const io = fakeIO();
  let code: number;
  try {
    code = await main(["validate", path], io);
  } catch (error) {
    return { code: -1, stdout: io.out.join(""), stderr: `main() threw: ${error}` };
  }
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

/** One file per mutation (a random one of each), up to `size` files. */
function sample(files: readonly CorpusFile[], size: number): CorpusFile[] {
  const random = new SeededRandom(SEED + 1);
  const byMutation = new Map<string, CorpusFile[]>();
  for (const file of files) {
    // Huge files would only slow the subprocess runs: they are checked in-process.
    if (file.mutation.startsWith("huge_list") || file.mutation === "none") continue;
    const first = file.mutation.split("+")[0]!;
    byMutation.set(first, [...(byMutation.get(first) ?? []), file]);
  }
  const picked = [...byMutation.values()].map((group) => random.pick(group));
  while (picked.length > size) picked.splice(random.int(picked.length), 1);
  return picked;
}

async function digest(dir: string, files: readonly CorpusFile[]): Promise<string> {
  const hashes: string[] = [];
  for (const file of files) {
    const bytes = await Deno.readFile(file.path);
    const hash = await crypto.subtle.digest("SHA-256", bytes);
    hashes.push(
      `${file.path.slice(dir.length)} ${btoa(String.fromCharCode(...new Uint8Array(hash)))}`,
    );
  }
  return hashes.join("\n");
}

Deno.test("main() validate ends every mutated workflow in exit 0 or a positioned exit 2", async (t) => {
  const bases = await readBases();
  const dir = await Deno.makeTempDir({ prefix: "validate_corpus_" });
  try {
    const files = await writeCorpus(dir, bases, { seed: SEED, count: COUNT });

    await t.step("the corpus has at least 500 files and exercises every mutation", () => {
      assert(files.length >= 500, `only ${files.length} files`);
      const names = [...Object.keys(STRUCTURAL_MUTATIONS), ...Object.keys(TEXT_MUTATIONS)];
      for (const name of names) {
        const uses = files.filter((file) => file.mutation.split("+").includes(name)).length;
        assert(uses >= 10, `mutation "${name}" used ${uses} times`);
      }
      assert(files.some((file) => file.path.endsWith(".json")), "no JSON files");
      assertEquals(new Set(files.map((file) => file.base)).size, bases.length);
    });

    await t.step("the same seed writes the same files", async () => {
      const [first, second] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
      try {
        const a = await writeCorpus(first, bases, { seed: SEED, count: 60 });
        const b = await writeCorpus(second, bases, { seed: SEED, count: 60 });
        assertEquals(await digest(first, a), await digest(second, b));
      } finally {
        await Deno.remove(first, { recursive: true });
        await Deno.remove(second, { recursive: true });
      }
    });

    await t.step(
      "in-process: every file ends in exit 0 or 2 with positioned messages",
      async () => {
        const failures: string[] = [];
        const codes = new Map<number, number>();
        for (const file of files) {
          const outcome = await validateInProcess(file.path);
          codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
          const broken = violation(file.path, outcome);
          if (broken) failures.push(`${file.path} (${file.mutation}): ${broken}`);
        }
        assertEquals(failures.slice(0, 20), [], `${failures.length} files broke the rules`);
        // The unmutated bases are valid, and most mutations are caught.
        for (const base of files.filter((file) => file.mutation === "none")) {
          assertEquals((await validateInProcess(base.path)).code, 0, base.path);
        }
        assert((codes.get(2) ?? 0) > files.length / 2, `exit codes: ${JSON.stringify([...codes])}`);
      },
    );

    await t.step("subprocess: a sample behaves the same under deno run --allow-read", async () => {
      const picked = sample(files, SUBPROCESS_SAMPLE);
      assertEquals(picked.length, SUBPROCESS_SAMPLE);
      const failures: string[] = [];
      for (let start = 0; start < picked.length; start += 4) {
        await Promise.all(
          picked.slice(start, start + 4).map(async (file) => {
            const run = await runCli(["validate", file.path]);
            const broken = violation(file.path, run);
            if (broken) failures.push(`${file.path} (${file.mutation}): ${broken}`);
            const inProcess = await validateInProcess(file.path);
            if (run.code !== inProcess.code || run.stdout !== inProcess.stdout) {
              failures.push(
                `${file.path}: the subprocess differs from main():\n${run.code} ${
                  run.stdout.slice(0, 400)
                }\n${inProcess.code} ${inProcess.stdout.slice(0, 400)}`,
              );
            }
          }),
        );
      }
      assertEquals(failures, []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
