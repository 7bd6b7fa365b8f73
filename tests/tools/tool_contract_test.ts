import { z } from "zod";
import {
  defineTool,
  httpGetTool,
  readFileTool,
  serperSearchTool,
  writeFileTool,
} from "../../src/tools/mod.ts";
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
