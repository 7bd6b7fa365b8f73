import { z } from "zod";
import { defineTool } from "../../src/tools/define_tool.ts";
import { httpGetTool } from "../../src/tools/http_get.ts";
import { readFileTool } from "../../src/tools/read_file.ts";
import { serperSearchTool } from "../../src/tools/serper_search.ts";
import { writeFileTool } from "../../src/tools/write_file.ts";
import { toolContractSuite } from "./_tool_contract.ts";

toolContractSuite(serperSearchTool, { args: { query: "tide pools" }, config: {} });
toolContractSuite(httpGetTool, {
  args: { url: "https://example.com/" },
  config: { allowed_hosts: ["example.com"] },
});
toolContractSuite(readFileTool, { args: { path: "a.txt" }, config: { roots: ["data"] } });
toolContractSuite(writeFileTool, {
  args: { path: "a.txt", content: "x" },
  config: { roots: ["out"] },
});
toolContractSuite(
  defineTool({
    name: "word_count",
    description: "Counts the words of a text",
    parameters: z.object({ text: z.string().describe("The text") }),
    invoke: ({ text }) => Promise.resolve({ words: text.split(/\s+/).filter(Boolean).length }),
  }),
  { args: { text: "one two" }, config: {} },
);
