import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { loadWorkflow, safeLoadWorkflow } from "../../src/config/load_workflow.ts";
import { WorkflowError } from "../../src/errors.ts";
import { VALID } from "./_workflows.ts";
import { MAX_SOURCE_BYTES } from "../../src/config/constants.ts";

const WITH_FILE = VALID.replace(
  'prompt: "Research {state.topic}"',
  "prompt_file: prompts/research.md",
);

/** A reader over an in-memory tree that records what was read. */
function reader(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    readTextFile(path: string): Promise<string> {
      reads.push(path);
      const text = files[path];
      return text === undefined
        ? Promise.reject(new Deno.errors.NotFound(`No such file: ${path}`))
        : Promise.resolve(text);
    },
  };
}

Deno.test("loadWorkflow() reads each prompt_file relative to the workflow file", async () => {
  const fs = reader({
    "flows/w.yaml": WITH_FILE,
    "flows/prompts/research.md": "Look into {state.topic}",
  });
  const workflow = await loadWorkflow("flows/w.yaml", fs);
  assertEquals(fs.reads, ["flows/w.yaml", "flows/prompts/research.md"]);
  assertEquals(workflow.prompts, { research: "Look into {state.topic}" });
  assertStrictEquals(workflow.file, "flows/w.yaml");
});

Deno.test("loadWorkflow() keeps an absolute prompt_file path as it is", async () => {
  const text = WITH_FILE.replace("prompts/research.md", "/srv/prompts/research.md");
  const fs = reader({ "w.yaml": text, "/srv/prompts/research.md": "About {state.topic}" });
  await loadWorkflow("w.yaml", fs);
  assertEquals(fs.reads, ["w.yaml", "/srv/prompts/research.md"]);
});

Deno.test("loadWorkflow() fails with CONFIG_LOAD_FAILED when the workflow file cannot be read", async () => {
  const error = await assertRejects(
    () => loadWorkflow("missing.yaml", reader({})),
    WorkflowError,
    'Cannot load the workflow "missing.yaml" as the file cannot be read: No such file: missing.yaml',
  );
  assertInstanceOf(error, WorkflowError);
  assertStrictEquals(error.code, "CONFIG_LOAD_FAILED");
  assertStrictEquals(error.phase, "load");
  assertInstanceOf(error.cause, Deno.errors.NotFound);
});

Deno.test("safeLoadWorkflow() reports an unreadable prompt file at its prompt_file", async () => {
  const result = await safeLoadWorkflow("dir/w.yaml", reader({ "dir/w.yaml": WITH_FILE }));
  assert(!result.ok);
  const [d] = result.diagnostics;
  assertEquals([d?.code, d?.file, d?.line, d?.column], [
    "prompt_file_unreadable",
    "dir/w.yaml",
    10,
    18,
  ]);
  assertStringIncludes(
    d?.message ?? "",
    'Cannot read the prompt file "prompts/research.md" of node "research" as "dir/prompts/research.md" cannot be read',
  );
});

Deno.test("safeLoadWorkflow() places a placeholder problem inside the prompt file", async () => {
  const fs = reader({
    "w.yaml": WITH_FILE,
    "prompts/research.md": "# Task\n\nResearch {state.topc} well\n",
  });
  const result = await safeLoadWorkflow("w.yaml", fs);
  assert(!result.ok);
  const [d] = result.diagnostics;
  assertEquals([d?.code, d?.file, d?.line, d?.column], [
    "unknown_placeholder",
    "prompts/research.md",
    3,
    10,
  ]);
  assertStrictEquals(d?.suggestion, "did you mean 'topic'?");
});

Deno.test("loadWorkflow() throws CONFIG_INVALID with the diagnostics of a bad file", async () => {
  const fs = reader({ "w.yaml": VALID.replace("outputs: [notes]", "outputs: [nots]") });
  const error = await assertRejects(
    () => loadWorkflow("w.yaml", fs),
    WorkflowError,
    "as it has 1 error",
  );
  assertInstanceOf(error, WorkflowError);
  assertStrictEquals(error.code, "CONFIG_INVALID");
  assertEquals(error.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`), [
    "w.yaml:11:15 unknown_output",
  ]);
});

Deno.test("loadWorkflow() stops before reading when its signal is aborted", async () => {
  const fs = reader({ "w.yaml": VALID });
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assertRejects(
    () => loadWorkflow("w.yaml", { ...fs, signal: controller.signal }),
    Error,
    "stop",
  );
  assertEquals(fs.reads, []);
});

Deno.test("loadWorkflow() asks its reader for at most MAX_SOURCE_BYTES of each file", async () => {
  const limits: (number | undefined)[] = [];
  const files: Record<string, string> = {
    "flows/w.yaml": WITH_FILE,
    "flows/prompts/research.md": "Look into {state.topic}",
  };
  await loadWorkflow("flows/w.yaml", {
    readTextFile: (path, options) => {
      limits.push(options?.maxBytes);
      return Promise.resolve(files[path] ?? "");
    },
  });
  assertEquals(limits, [MAX_SOURCE_BYTES, MAX_SOURCE_BYTES]);
});
