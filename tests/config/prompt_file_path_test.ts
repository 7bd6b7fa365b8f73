import { assertEquals } from "../_helpers/assert.ts";
import { promptFilePath } from "../../src/config/prompt_file_path.ts";

Deno.test("promptFilePath() joins a relative prompt file to the workflow file's directory", () => {
  assertEquals(promptFilePath("flows/echo.yaml", "prompts/echo.txt"), "flows/prompts/echo.txt");
  assertEquals(promptFilePath("flows/echo.yaml", "./echo.txt"), "flows/./echo.txt");
  assertEquals(promptFilePath("flows\\echo.yaml", "echo.txt"), "flows\\echo.txt");
  assertEquals(promptFilePath("echo.yaml", "prompts/echo.txt"), "prompts/echo.txt");
});

Deno.test("promptFilePath() keeps an absolute prompt file as written", () => {
  assertEquals(promptFilePath("flows/echo.yaml", "/srv/echo.txt"), "/srv/echo.txt");
  assertEquals(promptFilePath("flows/echo.yaml", "C:\\prompts\\echo.txt"), "C:\\prompts\\echo.txt");
});
