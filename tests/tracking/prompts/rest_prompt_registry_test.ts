/**
 * The REST prompt registry against what MLflow's own client sent to a real server and what the
 * server answered (`golden-wire-prompt.jsonl`): the same calls and bodies, and the golden
 * answers read.
 */
import { RestPromptRegistry } from "../../../src/tracking/prompts/rest_prompt_registry.ts";
import { MlflowRegistryClient } from "../../../src/tracking/http/mlflow_registry_client.ts";
import { WorkflowError } from "../../../src/errors.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { readMlflowFixture } from "../_helpers.ts";

interface WireEntry {
  method: string;
  path: string;
  body?: unknown;
  response: { status: number; body: unknown };
}

const WIRE: WireEntry[] = readMlflowFixture("golden-wire-prompt.jsonl").trim().split("\n")
  .map((line) => JSON.parse(line));
/** The registry part of the capture (the trace export after it is the tracker's business). */
const REGISTRY_WIRE = WIRE.filter((entry) =>
  entry.path.includes("/registered-models/") ||
  entry.path.includes("/model-versions/")
);

/**
 * A fetch that answers each request with the golden answer of the next golden request with the
 * same method, path and query (and the same JSON body), and fails on anything MLflow's client
 * did not send.
 */
function replayFetch(seen: WireEntry[]): typeof fetch {
  let cursor = 0;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? "GET";
    const path = url.pathname + url.search;
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    const index = REGISTRY_WIRE.findIndex((entry, i) =>
      i >= cursor && entry.method === method && entry.path === path
    );
    const entry = REGISTRY_WIRE[index];
    if (!entry) throw new Error(`MLflow's client never sent ${method} ${path} at this point`);
    assertEquals(body, entry.body, `body of ${method} ${path}`);
    cursor = index + 1;
    seen.push({ method, path, body, response: entry.response });
    return await Promise.resolve(
      Response.json(entry.response.body, { status: entry.response.status }),
    );
  };
}

Deno.test("RestPromptRegistry sends what MLflow's client sends and reads what the server answers", async () => {
  const seen: WireEntry[] = [];
  const registry = new RestPromptRegistry("http://127.0.0.1:5000", {
    fetch: replayFetch(seen),
    env: () => undefined,
  });
  const first = await registry.register("summarizer", {
    template: "Summarize {{text}} in {{n}} words.",
    message: "first",
    tags: { team: "docs" },
  });
  assertEquals([first.created, first.version.version], [true, 1]);
  const second = await registry.register("summarizer", {
    template: "Summarize this text in {{n}} words: {{text}}",
    message: "second",
  });
  assertEquals([second.created, second.version.version], [true, 2]);
  await registry.setAlias("summarizer", "production", 2);
  const loaded = await registry.load({ name: "summarizer", alias: "production" });
  assertEquals(loaded, {
    name: "summarizer",
    version: 2,
    template: "Summarize this text in {{n}} words: {{text}}",
    type: "text",
    message: "second",
    tags: {},
    aliases: ["production"],
    createdAt: 1796587866536,
  });
  // Every write of the capture, in order, except the experiment link MLflow's client adds from
  // a background thread when an experiment is active.
  const writes = (entries: WireEntry[]) =>
    entries.filter((e) => e.method === "POST").map((e) => [e.path, e.body]);
  assertEquals(
    writes(seen),
    writes(REGISTRY_WIRE.filter((e) => !e.path.endsWith("/registered-models/set-tag"))),
  );
});

Deno.test("RestPromptRegistry makes no version when the latest has the same text", async () => {
  await using server = await startServer();
  const registry = new RestPromptRegistry(server.url, { env: () => undefined });
  await registry.register("p", { template: "same", tags: { owner: "a" } });
  const again = await registry.register("p", { template: "same", tags: { owner: "b" } });
  assertEquals([again.created, again.version.version], [false, 1]);
  assertEquals(server.requestsTo("/api/2.0/mlflow/model-versions/create").length, 1);
  // The prompt's tags are set either way, as register_prompt does.
  assertEquals((await registry.list())[0]?.tags, { owner: "b" });
});

Deno.test("RestPromptRegistry refuses a registered model that is not a prompt", async () => {
  await using server = await startServer();
  const client = new MlflowRegistryClient({ baseUrl: server.url, env: () => undefined });
  await client.createRegisteredModel({ name: "classifier", tags: [] });
  const registry = new RestPromptRegistry(server.url, { env: () => undefined });
  const error = await assertRejects(
    () => registry.register("classifier", { template: "x" }),
    WorkflowError,
  );
  assertEquals(error.code, "CONFIG_INVALID");
  assertStringIncludes(error.message, "is a registered model, not a prompt");
  assertEquals(server.requestsTo("/api/2.0/mlflow/model-versions/create").length, 0);
  assertEquals(await registry.list(), []);
});

Deno.test("RestPromptRegistry names an empty registry and an unreachable server", async () => {
  await using server = await startServer();
  const registry = new RestPromptRegistry(server.url, { env: () => undefined });
  const missing = await assertRejects(
    () => registry.load({ name: "x", alias: "production" }),
    WorkflowError,
  );
  assertStringIncludes(missing.message, `no prompts are registered at ${server.url}`);
  await server.stop();
  const down = await assertRejects(() => registry.list(), WorkflowError);
  assertEquals(down.code, "TRACKING_UNAVAILABLE");
  assertStringIncludes(down.message, "is unreachable");
  assert(!down.message.includes("undefined"));
});

async function startServer(): Promise<FakeMlflowServer & AsyncDisposable> {
  const server = await FakeMlflowServer.start();
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.stop() });
}
