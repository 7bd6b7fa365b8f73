import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertThrows,
} from "../_helpers/assert.ts";
import { formatOf, parseDataset } from "../../src/evaluation/parse_dataset.ts";
import { checkDataset } from "../../src/evaluation/check_dataset.ts";
import { parseWorkflow } from "../../src/config/parse_workflow.ts";

const QA = parseWorkflow(`
schema_version: "1.0"
flow: {name: qa}
state: {fields: {question: {type: str, required: true}, n: {type: int}, answer: {type: str}}}
nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
edges: [{from: START, to: answer}, {from: answer, to: END}]
`);

Deno.test("parseDataset() reads JSONL records with their lines and reports each bad line without dropping the others", async () => {
  const text = [
    '{"inputs": {"question": "2+2?"}, "expectations": {"answer": "4"}, "tags": {"topic": "maths"}}',
    "",
    "{not json",
    '{"inputs": "oops"}',
    '{"inputs": {"question": "3+3?"}, "expectation": {"answer": "6"}}',
    '{"inputs": {"question": "4+4?"}, "tags": {"n": 1}}',
    '["a list"]',
    '{"inputs": {"question": "5+5?"}}',
  ].join("\n");
  const dataset = await parseDataset(text, { file: "dir/qa.jsonl" });
  assertEquals(dataset.name, "qa.jsonl");
  assertEquals(dataset.source, "dir/qa.jsonl");
  assertEquals(dataset.records.map((record) => record.line), [1, 8]);
  assertEquals(dataset.records[0]?.expectations, { answer: "4" });
  assertEquals(dataset.records[0]?.tags, { topic: "maths" });
  assertEquals(dataset.records[1]?.expectations, {});
  assertEquals(dataset.problems.map((problem) => [problem.line, problem.code]), [
    [3, "record_json"],
    [4, "record_inputs"],
    [5, "record_unknown_key"],
    [6, "record_tags"],
    [7, "record_not_object"],
  ]);
  assertMatch(dataset.problems[0]?.message ?? "", /^Cannot read line 3 as it is not valid JSON/);
  assertEquals(dataset.problems[2]?.suggestion, "did you mean 'expectations'?");
  for (const problem of dataset.problems) assertEquals(problem.file, "dir/qa.jsonl");
});

Deno.test("parseDataset() gives each record of a YAML or JSON list the line where it starts", async () => {
  const yaml = [
    "# two records",
    "- inputs: {question: 2+2?}",
    "  expectations: {answer: '4'}",
    "",
    "- inputs:",
    "    question: 3+3?",
    "  expectatoins: {answer: '6'}",
    "- inputs: [not, an, object]",
    "- inputs: {question: 4+4?}",
  ].join("\n");
  const fromYaml = await parseDataset(yaml, { file: "qa.yaml" });
  assertEquals(fromYaml.records.map((record) => record.line), [2, 9]);
  assertEquals(fromYaml.problems.map((problem) => [problem.line, problem.code]), [
    [7, "record_unknown_key"],
    [8, "record_inputs"],
  ]);
  const json = '[\n  {"inputs": {"question": "2+2?"}},\n\n  {"inputs": 3}\n]\n';
  const fromJson = await parseDataset(json, { file: "qa.json" });
  assertEquals(fromJson.records.map((record) => record.line), [2]);
  assertEquals(fromJson.problems.map((problem) => problem.line), [4]);
});

Deno.test("parseDataset() reports a document that is not a list, or not YAML, as one problem", async () => {
  const mapping = await parseDataset("inputs: {question: x}\n", { file: "qa.yml" });
  assertEquals(mapping.records, []);
  assertEquals(mapping.problems.map((problem) => problem.code), ["dataset_not_list"]);
  const broken = await parseDataset("- inputs: {question: [x\n", { file: "qa.yaml" });
  assertEquals(broken.records, []);
  assertEquals(broken.problems.length, 1);
  assert(broken.problems[0]?.line !== undefined);
});

Deno.test("parseDataset() gives an 8-hex digest that key order does not change and content does", async () => {
  const a = await parseDataset('{"inputs": {"q": "x", "n": 1}, "expectations": {"a": 1}}\n', {
    file: "a.jsonl",
  });
  const b = await parseDataset('{"expectations": {"a": 1}, "inputs": {"n": 1, "q": "x"}}\n', {
    file: "b.jsonl",
  });
  const c = await parseDataset('{"inputs": {"q": "x", "n": 1}, "expectations": {"a": 2}}\n', {
    file: "c.jsonl",
  });
  assertMatch(a.digest, /^[0-9a-f]{8}$/);
  assertEquals(a.digest, b.digest);
  assertNotEquals(a.digest, c.digest);
});

Deno.test("formatOf() tells the format by extension and rejects others", () => {
  assertEquals(formatOf("x.JSONL"), "jsonl");
  assertEquals(formatOf("x.ndjson"), "jsonl");
  assertEquals(formatOf("x.json"), "json");
  assertEquals(formatOf("x.yml"), "yaml");
  assertThrows(
    () => formatOf("x.csv"),
    TypeError,
    'Cannot read the dataset "x.csv" as its format is unknown',
  );
});

Deno.test("checkDataset() keeps the records the workflow accepts and reports the others with their lines", async () => {
  const dataset = await parseDataset(
    [
      '{"inputs": {"question": "2+2?"}}',
      '{"inputs": {"questoin": "3+3?"}}',
      '{"inputs": {"question": "4+4?", "n": "many"}}',
      "{bad",
      '{"inputs": {"question": "5+5?", "n": 5}}',
    ].join("\n"),
    { file: "qa.jsonl" },
  );
  const checked = checkDataset(dataset, QA);
  assertEquals(checked.records.map((record) => record.line), [1, 5]);
  assertEquals(checked.problems.map((problem) => [problem.line, problem.code]), [
    [2, "record_inputs_invalid"],
    [3, "record_inputs_invalid"],
    [4, "record_json"],
  ]);
  assertMatch(
    checked.problems[0]?.message ?? "",
    /^Cannot run the record at line 2 as the workflow rejects its inputs: .*"questoin"/,
  );
  assertEquals(checked.problems[0]?.suggestion, "did you mean 'question'?");
  assertEquals(checked.problems[0]?.file, "qa.jsonl");
});
