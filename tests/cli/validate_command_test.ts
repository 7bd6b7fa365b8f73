import {
  assert,
  assertEquals,
  assertMatch,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { main } from "../../src/cli/main.ts";
import type { ValidateReport } from "../../src/cli/validate_command.ts";
import { fakeIO, moduleGraph, runCli } from "../config/_cli_io.ts";

const BROKEN = `schema_version: "1.0"
flow: {name: broken}
state:
  fields:
    topic: {type: str, required: true}
    notes: {type: str}
nodes:
  - id: research
    prompt: "Research {state.topic}"
    outputs: [notes]
    tols: [serper_search]
edges:
  - {from: START, to: research}
  - {from: research, to: ENDD}
`;

const EXAMPLES = [
  "echo",
  "simple_greeting",
  "article_writer",
  "support_triage",
  "refine_loop",
  "parallel_research",
  "user_profile",
].map((name) => `examples/${name}.yaml`);

Deno.test("validateCommand() prints 'valid' and exits 0 for a valid workflow", async () => {
  const io = fakeIO();
  const code = await main(["validate", "examples/echo.yaml"], io);
  assertStrictEquals(code, 0);
  assertStrictEquals(io.out.join(""), "examples/echo.yaml: valid\n");
  assertEquals(io.err, []);
});

Deno.test("validateCommand() prints every problem as file:line:col and exits 2", async () => {
  const io = fakeIO({ files: { "w.yaml": BROKEN } });
  const code = await main(["validate", "w.yaml"], io);
  assertStrictEquals(code, 2);
  assertStrictEquals(
    io.out.join(""),
    [
      `w.yaml:11:5: error: Cannot accept the key "tols" as "nodes[0]" has no such setting (did you mean 'tools'?) [at nodes[0].tols]`,
      `w.yaml:14:26: error: Cannot lead an edge to "ENDD" as no node has that id (did you mean 'END'?) [at edges[1].to]`,
      "w.yaml: invalid: 2 errors, 0 warnings",
      "",
    ].join("\n"),
  );
});

Deno.test("validateCommand() --json prints a report with positions and suggestions", async () => {
  const io = fakeIO({ files: { "w.yaml": BROKEN } });
  assertStrictEquals(await main(["validate", "--json", "w.yaml"], io), 2);
  const report: ValidateReport = JSON.parse(io.out.join(""));
  assertEquals([report.file, report.valid, report.errors, report.warnings], [
    "w.yaml",
    false,
    2,
    0,
  ]);
  assertEquals(report.diagnostics[0], {
    severity: "error",
    code: "unknown_key",
    message: 'Cannot accept the key "tols" as "nodes[0]" has no such setting',
    path: ["nodes", 0, "tols"],
    suggestion: "did you mean 'tools'?",
    file: "w.yaml",
    line: 11,
    column: 5,
  });
});

Deno.test("validateCommand() exits 0 with warnings and lists them", async () => {
  const text = (await Deno.readTextFile("examples/echo.yaml")) + "optimization: {enabled: true}\n";
  const io = fakeIO({ files: { "w.yaml": text } });
  assertStrictEquals(await main(["validate", "w.yaml"], io), 0);
  const out = io.out.join("");
  assertMatch(out, /^w\.yaml:\d+:1: warning: Cannot optimise prompts/);
  assertStringIncludes(out, "w.yaml: valid (1 warning)\n");
});

Deno.test("validateCommand() reports an unreadable file and exits 2, in text and JSON", async () => {
  const io = fakeIO();
  assertStrictEquals(await main(["validate", "no/such/file.yaml"], io), 2);
  assertStringIncludes(
    io.err.join(""),
    'error: Cannot load the workflow "no/such/file.yaml" as the file cannot be read',
  );
  assertEquals(io.out, [], "an unreadable file is not reported as invalid");
  const json = fakeIO();
  assertStrictEquals(await main(["validate", "--json", "no/such/file.yaml"], json), 2);
  const report: ValidateReport = JSON.parse(json.out.join(""));
  assertEquals([report.valid, report.diagnostics[0]?.code], [false, "file_unreadable"]);
});

Deno.test("validateCommand() colours the severity only when asked to", async () => {
  const io = fakeIO({ files: { "w.yaml": BROKEN }, color: true });
  await main(["validate", "w.yaml"], io);
  assertStringIncludes(io.out.join(""), "w.yaml:11:5: \x1b[31merror\x1b[0m: ");
});

Deno.test("cli.ts validate exits 0 for every example with --allow-read only", async () => {
  for (const file of EXAMPLES) {
    const run = await runCli(["validate", file]);
    assertStrictEquals(run.code, 0, `${file}\n${run.stdout}${run.stderr}`);
    assertStrictEquals(run.stdout, `${file}: valid\n`);
    assertStrictEquals(run.stderr, "");
  }
});

Deno.test("cli.ts validate exits 2 and prints file:line:col and the offending name", async () => {
  const run = await runCli([
    "validate",
    "tests/fixtures/workflows/invalid/unknown_edge_target.yaml",
  ]);
  assertStrictEquals(run.code, 2);
  assertMatch(
    run.stdout,
    /tests\/fixtures\/workflows\/invalid\/unknown_edge_target\.yaml:\d+:\d+: error: .*"reveiw"/,
  );
});

Deno.test("cli.ts validate explains an empty file, a YAML list and a syntax error without a stack", async () => {
  const cases: [string, string][] = [
    ["empty_file.yaml", "Cannot load the workflow as the file is empty"],
    ["top_level_list.yaml", "Cannot load the workflow as the document is a list"],
    ["yaml_syntax_error.yaml", "Cannot read the YAML as it is malformed"],
  ];
  for (const [name, message] of cases) {
    const file = `tests/fixtures/workflows/invalid/${name}`;
    const run = await runCli(["validate", file]);
    assertStrictEquals(run.code, 2, name);
    assertMatch(
      run.stdout,
      new RegExp(`^${file.replaceAll(".", "\\.")}:\\d+:\\d+: error: ${message}`),
    );
    const all = run.stdout + run.stderr;
    assert(!/\n\s+at /.test(all) && !all.includes("Uncaught"), `stack trace for ${name}:\n${all}`);
  }
});

Deno.test("validate_command.ts loads no LangChain, LangGraph or OpenTelemetry module", async () => {
  const modules = await moduleGraph("src/cli/validate_command.ts");
  assert(modules.some((m) => m.startsWith("npm:/yaml@")), "expected yaml in the graph");
  const heavy = modules.filter((m) => /langchain|langgraph|langsmith|opentelemetry/.test(m));
  assertEquals(heavy, []);
});

const TOOL_SETTINGS = `schema_version: "1.0"
flow: {name: tool_settings}
state: {fields: {url: {type: str, required: true}, body: {type: str}}}
nodes:
  - id: fetch
    prompt: "Fetch {state.url}"
    outputs: [body]
    tools: [http_get, {name: read_file, config: {roots: ["."], nope: 1}}]
    llm: {provider: openai, model: gpt-9-ultra}
edges: [{from: START, to: fetch}, {from: fetch, to: END}]
`;

Deno.test("validateCommand() checks tool settings and warns about unpriced models", async () => {
  const io = fakeIO({ files: { "t.yaml": TOOL_SETTINGS } });
  assertStrictEquals(await main(["validate", "t.yaml"], io), 2);
  const out = io.out.join("");
  assertStringIncludes(out, `t.yaml:8:13: error: Cannot configure tool "http_get" of node "fetch"`);
  assertStringIncludes(out, `Unknown key "nope"`);
  assertStringIncludes(out, "[at nodes[0].tools[1].config.nope]");
  assertStringIncludes(out, `warning: Cannot price model "gpt-9-ultra" of provider "openai"`);
  assertStringIncludes(out, "t.yaml: invalid: 2 errors, 1 warning");
});

function llmWorkflow(llm: string): string {
  return `schema_version: "1.0"
flow: {name: endpoints}
state:
  fields:
    topic: {type: str, required: true}
    notes: {type: str}
nodes:
  - id: research
    prompt: "Research {state.topic}"
    outputs: [notes]
edges:
  - {from: START, to: research}
  - {from: research, to: END}
config:
  llm: ${llm}
`;
}

Deno.test("validateCommand() warns when a provider's key would go to a host other than its own", async () => {
  const io = fakeIO({
    files: {
      "proxy.yaml": llmWorkflow(
        "{provider: openai, model: gpt-4o-mini, base_url: 'https://llm.example.com/v1'}",
      ),
      "own.yaml": llmWorkflow(
        "{provider: openai, model: gpt-4o-mini, base_url: 'https://api.openai.com/v1'}",
      ),
    },
  });
  assertStrictEquals(await main(["validate", "proxy.yaml"], io), 0);
  assertStringIncludes(
    io.out.join(""),
    `proxy.yaml:15:57: warning: Cannot keep "OPENAI_API_KEY" with provider "openai" as node "research" sends its requests to "llm.example.com" (set by base_url), not to "api.openai.com": the key goes there with every call (use provider 'openai-compatible' (its key is OPENAI_COMPATIBLE_API_KEY) unless that host is a proxy you trust with this key) [at config.llm.base_url]`,
  );
  const own = fakeIO({
    files: { "own.yaml": llmWorkflow("{provider: openai, model: gpt-4o-mini}") },
  });
  assertStrictEquals(await main(["validate", "own.yaml"], own), 0);
  assertStrictEquals(own.out.join(""), "own.yaml: valid\n");
});

Deno.test("validateCommand() warns when OPENAI_BASE_URL sends the OpenAI key elsewhere", async () => {
  const io = {
    ...fakeIO({ files: { "w.yaml": llmWorkflow("{provider: openai, model: gpt-4o-mini}") } }),
    env: (name: string) => name === "OPENAI_BASE_URL" ? "http://127.0.0.1:8080/v1" : undefined,
  };
  assertStrictEquals(await main(["validate", "w.yaml"], io), 0);
  assertStringIncludes(
    io.out.join(""),
    `sends its requests to "127.0.0.1:8080" (set by OPENAI_BASE_URL), not to "api.openai.com"`,
  );
});

Deno.test("validateCommand() prices an openai-compatible gpt-4o-mini as OpenAI's", async () => {
  const io = fakeIO({
    files: {
      "w.yaml": llmWorkflow(
        "{provider: openai-compatible, model: gpt-4o-mini, base_url: 'http://127.0.0.1:8000/v1'}",
      ),
    },
  });
  assertStrictEquals(await main(["validate", "w.yaml"], io), 0);
  assertStrictEquals(io.out.join(""), "w.yaml: valid\n");
});
