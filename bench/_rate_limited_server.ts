/**
 * A loopback OpenAI-compatible chat-completions server that enforces a requests-per-minute
 * limit the way providers do: over one-second windows. At 6000 RPM it answers 100 requests in
 * each second of its clock and refuses the 101st with HTTP 429, `retry-after` (whole seconds),
 * `retry-after-ms` and OpenAI's `x-ratelimit-*` headers, until the next second starts. Refused
 * requests do not count. Answers take `<latency ms>` and fill whatever structured answer the
 * request asks for (a tool call, or JSON content for a `response_format`).
 *
 *   deno run --allow-net=127.0.0.1 bench/_rate_limited_server.ts <rpm> <latency ms>
 *
 * Prints one line, `{"port": <n>}`, once it listens. `GET /stats` returns its counts,
 * `POST /reset` sets them to zero; the process runs until it is killed.
 *
 * @module
 */
import { chatCompletion, openAIError } from "../tests/_helpers/fake_openai_server.ts";

const [rpmArg = "600", latencyArg = "100"] = Deno.args;
const rpm = Number(rpmArg);
const latencyMs = Number(latencyArg);
const WINDOW_MS = 1000;
const perWindow = Math.round(rpm * WINDOW_MS / 60_000);

/** What the server has seen since the last reset. */
interface Stats {
  requests: number;
  answered: number;
  rateLimited: number;
  /** Epoch ms of the first and last request. */
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** The most requests answered in one window. */
  mostInAWindow: number;
}

let stats: Stats = fresh();
let window = -1;
let inWindow = 0;

function fresh(): Stats {
  return {
    requests: 0,
    answered: 0,
    rateLimited: 0,
    firstAt: undefined,
    lastAt: undefined,
    mostInAWindow: 0,
  };
}

/** A value of a JSON Schema property, of the type it asks for. */
function sample(schema: unknown): unknown {
  const type = typeof schema === "object" && schema !== null
    ? (schema as Record<string, unknown>)["type"]
    : undefined;
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  if (type === "array") return [];
  if (type === "object") return fill(schema);
  return "A short answer";
}

function fill(schema: unknown): Record<string, unknown> {
  const properties = typeof schema === "object" && schema !== null
    ? (schema as Record<string, unknown>)["properties"]
    : undefined;
  return Object.fromEntries(
    Object.entries(typeof properties === "object" && properties !== null ? properties : {})
      .map(([name, property]) => [name, sample(property)]),
  );
}

/** The completion that answers a request in the form it asked for. */
function answer(body: Record<string, unknown>) {
  const format = body["response_format"] as
    | { json_schema?: { schema?: unknown } }
    | undefined;
  if (format !== undefined) {
    return chatCompletion({ content: JSON.stringify(fill(format.json_schema?.schema)) });
  }
  const tools = Array.isArray(body["tools"]) ? body["tools"] : [];
  const tool = tools[0] as { function?: { name?: string; parameters?: unknown } } | undefined;
  return chatCompletion({
    toolCalls: [{
      name: tool?.function?.name ?? "answer",
      arguments: fill(tool?.function?.parameters),
    }],
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => {
    Deno.stdout.writeSync(new TextEncoder().encode(`${JSON.stringify({ port })}\n`));
  },
}, async (request) => {
  const path = new URL(request.url).pathname;
  if (path === "/stats") return json(200, stats);
  if (path === "/reset") {
    stats = fresh();
    return json(200, {});
  }
  const body = await request.json().catch(() => ({})) as Record<string, unknown>;
  const now = Date.now();
  stats.requests++;
  stats.firstAt ??= now;
  stats.lastAt = now;
  const current = Math.floor(now / WINDOW_MS);
  if (current !== window) {
    window = current;
    inWindow = 0;
  }
  const resetMs = (current + 1) * WINDOW_MS - now;
  const limits = {
    "x-ratelimit-limit-requests": String(rpm),
    "x-ratelimit-remaining-requests": String(Math.max(0, perWindow - inWindow - 1)),
    "x-ratelimit-reset-requests": `${resetMs}ms`,
  };
  if (inWindow >= perWindow) {
    stats.rateLimited++;
    const refused = openAIError(429, `Rate limit reached for requests: limit ${rpm} RPM`, {
      ...limits,
      "x-ratelimit-remaining-requests": "0",
      "retry-after": String(Math.ceil(resetMs / 1000)),
      "retry-after-ms": String(resetMs),
    });
    return json(
      429,
      "body" in refused ? refused.body : {},
      "headers" in refused ? refused.headers : {},
    );
  }
  inWindow++;
  stats.answered++;
  stats.mostInAWindow = Math.max(stats.mostInAWindow, inWindow);
  await new Promise((resolve) => setTimeout(resolve, latencyMs));
  const completion = answer(body);
  return json(200, "body" in completion ? completion.body : {}, limits);
});

await server.finished;
