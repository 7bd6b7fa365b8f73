/**
 * A loopback HTTP server that speaks OpenAI's chat-completions format: it answers with scripted
 * responses, in order, and records every request. Point a real `ChatOpenAI` at `baseUrl`.
 *
 * Use: `await using server = startFakeOpenAIServer({ responses: [chatCompletion({ content:
 * "Hi" })] })`, build the model with `baseUrl: server.baseUrl`, call it, then read
 * `server.requests` (method, path, headers and the JSON body the SDK sent).
 *
 * Requests with `"stream": true` get the same scripted completion as server-sent events.
 *
 * @module
 */

/** One request the server received. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path, such as `/v1/chat/completions`. */
  path: string;
  /** Headers, names lower-cased. */
  headers: Record<string, string>;
  /** The JSON body (`undefined` when there was none or it was not JSON). */
  body: unknown;
}

/** What the server answers one request with. */
export type ScriptedResponse =
  | {
    /** HTTP status; 200 when absent. */
    status?: number;
    /** Extra response headers, such as `retry-after`. */
    headers?: Record<string, string>;
    /** JSON body. */
    body?: unknown;
  }
  | {
    /** Never answer: hold the request until the server closes. */
    hang: true;
  };

/** A scripted response, or a function of the request that returns one. */
export type Responder = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

/** Options of {@linkcode startFakeOpenAIServer}. */
export interface FakeOpenAIServerOptions {
  /** Responses for the first requests, in order. */
  responses?: Responder[];
  /** Response once the scripted ones are used up; default a 400 naming the problem. */
  fallback?: Responder;
}

/** A running fake server. */
export interface FakeOpenAIServer extends AsyncDisposable {
  /** Base URL for the OpenAI SDK, ending in `/v1`. */
  readonly baseUrl: string;
  /** `host:port` of the server. */
  readonly host: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Appends scripted responses. */
  push(...responses: Responder[]): void;
  /** Stops the server, releasing hung requests. */
  close(): Promise<void>;
}

/** A tool call in a scripted completion. */
export interface ScriptedToolCall {
  /** Call id; generated when absent. */
  id?: string;
  /** Tool name. */
  name: string;
  /** Arguments (serialised to JSON). */
  arguments: unknown;
}

/** Fields of a scripted completion. */
export interface CompletionOptions {
  /** Assistant text (`null` with tool calls). */
  content?: string | null;
  /** Tool calls of the assistant. */
  toolCalls?: ScriptedToolCall[];
  /** Token usage. */
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
  /** Model name echoed back. */
  model?: string;
}

/**
 * Starts the server on 127.0.0.1 with a free port.
 *
 * @param options Scripted responses and the fallback.
 * @returns The running server; close it (or `await using` it) at the end of the test.
 */
export function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): FakeOpenAIServer {
  const queue: Responder[] = [...(options.responses ?? [])];
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  const fallback: Responder = options.fallback ??
    openAIError(400, "Fake server: no scripted response left for this request");

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: closing.signal, onListen: () => {} },
    async (request) => {
      const recorded = await record(request);
      requests.push(recorded);
      const responder = queue.shift() ?? fallback;
      const scripted = typeof responder === "function" ? responder(recorded) : responder;
      if ("hang" in scripted) {
        await hangUntil(closing.signal);
        return new Response(null, { status: 504 });
      }
      return respond(scripted, recorded);
    },
  );
  const host = `127.0.0.1:${server.addr.port}`;
  const close = async (): Promise<void> => {
    if (!closing.signal.aborted) closing.abort();
    await server.finished;
  };
  return {
    baseUrl: `http://${host}/v1`,
    host,
    requests,
    push: (...responses) => queue.push(...responses),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * A chat-completions response body.
 *
 * @param options Text, tool calls, usage and model.
 * @returns The JSON body of a `ScriptedResponse`.
 */
export function chatCompletion(options: CompletionOptions = {}): ScriptedResponse {
  const toolCalls = options.toolCalls ?? [];
  const usage = options.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
  return {
    body: {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: 1_764_201_600,
      model: options.model ?? "gpt-4o-mini-2024-07-18",
      choices: [{
        index: 0,
        finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
        message: {
          role: "assistant",
          content: options.content === undefined
            ? (toolCalls.length > 0 ? null : "")
            : options.content,
          ...(toolCalls.length > 0
            ? {
              tool_calls: toolCalls.map((call, index) => ({
                id: call.id ?? `call_fake_${index + 1}`,
                type: "function",
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              })),
            }
            : {}),
        },
      }],
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
    },
  };
}

/**
 * An OpenAI error response.
 *
 * @param status HTTP status.
 * @param message The error message.
 * @param headers Extra headers, such as `{ "retry-after": "2" }`.
 * @returns The scripted response.
 */
export function openAIError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): ScriptedResponse {
  const type = status === 429
    ? "rate_limit_exceeded"
    : status >= 500
    ? "server_error"
    : "invalid_request_error";
  return { status, headers, body: { error: { message, type, param: null, code: type } } };
}

async function record(request: Request): Promise<RecordedRequest> {
  const text = await request.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => headers[name.toLowerCase()] = value);
  return { method: request.method, path: new URL(request.url).pathname, headers, body };
}

function respond(
  scripted: Exclude<ScriptedResponse, { hang: true }>,
  request: RecordedRequest,
): Response {
  const status = scripted.status ?? 200;
  const streaming = status === 200 && isRecord(request.body) && request.body["stream"] === true;
  if (streaming) {
    return new Response(toEventStream(scripted.body), {
      status,
      headers: { "content-type": "text/event-stream", ...scripted.headers },
    });
  }
  return new Response(JSON.stringify(scripted.body ?? {}), {
    status,
    headers: { "content-type": "application/json", ...scripted.headers },
  });
}

/** A completion as server-sent events: one delta chunk, one usage chunk, then `[DONE]`. */
function toEventStream(body: unknown): string {
  const completion = isRecord(body) ? body : {};
  const choice = Array.isArray(completion["choices"]) && isRecord(completion["choices"][0])
    ? completion["choices"][0]
    : {};
  const message = isRecord(choice["message"]) ? choice["message"] : {};
  const toolCalls = Array.isArray(message["tool_calls"]) ? message["tool_calls"] : [];
  const base = {
    id: completion["id"],
    object: "chat.completion.chunk",
    created: completion["created"],
    model: completion["model"],
  };
  const delta = {
    role: "assistant",
    content: message["content"] ?? null,
    ...(toolCalls.length > 0
      ? { tool_calls: toolCalls.map((call, index) => ({ index, ...(isRecord(call) ? call : {}) })) }
      : {}),
  };
  const events = [
    { ...base, choices: [{ index: 0, delta, finish_reason: null }] },
    {
      ...base,
      choices: [{ index: 0, delta: {}, finish_reason: choice["finish_reason"] ?? "stop" }],
    },
    { ...base, choices: [], usage: completion["usage"] },
  ];
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("") + "data: [DONE]\n\n";
}

function hangUntil(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
