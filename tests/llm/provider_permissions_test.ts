import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { WorkflowError } from "../../src/errors.ts";
import { PROVIDERS } from "../../src/config/schema.ts";
import { providerEnvVars, providerHosts } from "../../src/llm/provider_permissions.ts";

const none = () => undefined;

Deno.test("providerHosts() names each provider's public host", () => {
  assertEquals(providerHosts({ provider: "openai", model: "gpt-4o" }, none), ["api.openai.com"]);
  assertEquals(providerHosts({ provider: "anthropic", model: "claude-sonnet-4-5" }, none), [
    "api.anthropic.com",
  ]);
  assertEquals(providerHosts({ provider: "google", model: "gemini-2.5-flash" }, none), [
    "generativelanguage.googleapis.com",
  ]);
  assertEquals(providerHosts({ provider: "mock", model: "gpt-4o" }, none), []);
});

Deno.test("providerHosts() uses base_url with its port when it is not the default", () => {
  assertEquals(
    providerHosts({
      provider: "openai-compatible",
      model: "m",
      baseUrl: "http://127.0.0.1:8000/v1",
    }, none),
    ["127.0.0.1:8000"],
  );
  assertEquals(
    providerHosts(
      { provider: "openai", model: "m", baseUrl: "https://proxy.example.com/v1" },
      none,
    ),
    ["proxy.example.com"],
  );
  assertEquals(providerHosts({ provider: "openai-compatible", model: "m" }, none), []);
});

Deno.test("providerHosts() finds the Ollama server from base_url, OLLAMA_HOST or the default", () => {
  const ollama = { provider: "ollama", model: "llama3.2" } as const;
  assertEquals(providerHosts(ollama, none), ["localhost:11434"]);
  assertEquals(providerHosts(ollama, (name) => name === "OLLAMA_HOST" ? "gpu-box" : undefined), [
    "gpu-box:11434",
  ]);
  assertEquals(providerHosts(ollama, () => "0.0.0.0:11500"), ["0.0.0.0:11500"]);
  assertEquals(providerHosts(ollama, () => "https://ollama.example.com"), ["ollama.example.com"]);
  assertEquals(providerHosts({ ...ollama, baseUrl: "http://10.1.1.1:9999" }, () => "ignored"), [
    "10.1.1.1:9999",
  ]);
});

Deno.test("providerHosts() rejects an endpoint that is not a URL", () => {
  assertThrows(
    () => providerHosts({ provider: "ollama", model: "m" }, () => "http://bad host"),
    WorkflowError,
    'Cannot reach the model server as OLLAMA_HOST "http://bad host" is not a URL',
  );
});

Deno.test("providerEnvVars() lists the variables each provider reads", () => {
  const table = Object.fromEntries(
    PROVIDERS.map((provider) => [provider, providerEnvVars(provider)]),
  );
  assertEquals(table, {
    openai: ["OPENAI_API_KEY", "OPENAI_BASE_URL"],
    anthropic: ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"],
    google: ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
    ollama: ["OLLAMA_HOST"],
    "openai-compatible": ["OPENAI_COMPATIBLE_API_KEY"],
    mock: [],
  });
});

Deno.test("providerHosts() follows OPENAI_BASE_URL and ANTHROPIC_BASE_URL below a base_url", () => {
  const env = (name: string) =>
    ({
      OPENAI_BASE_URL: "https://openai-proxy.example.com/v1",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9000",
    })[name];
  assertEquals(providerHosts({ provider: "openai", model: "m" }, env), [
    "openai-proxy.example.com",
  ]);
  assertEquals(providerHosts({ provider: "anthropic", model: "m" }, env), ["127.0.0.1:9000"]);
  assertEquals(
    providerHosts({ provider: "openai", model: "m", baseUrl: "https://file.example.com" }, env),
    ["file.example.com"],
  );
});
