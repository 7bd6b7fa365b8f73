/**
 * Fakes of the Anthropic, Google and Ollama HTTP APIs for the provider tests: a recording fetch
 * with scripted responses, and the response bodies of each API.
 */

/** A fetch that answers from a script and records the requests. */
export interface ScriptedFetch {
  /** The fetch to inject. */
  fetch: typeof fetch;
  /** URLs and parsed JSON bodies of the requests, in order. */
  requests: { url: string; headers: Headers; body: unknown }[];
}

/**
 * A fetch answering each request with the next response of `responses` (a `"hang"` waits until
 * the request's signal aborts, then rejects with its reason).
 *
 * @param responses Responses in order.
 * @returns The fetch and its recorded requests.
 */
export function scriptedFetch(responses: (Response | "hang")[]): ScriptedFetch {
  const requests: ScriptedFetch["requests"] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.text();
    requests.push({
      url: request.url,
      headers: request.headers,
      body: text === "" ? undefined : JSON.parse(text),
    });
    const next = responses.shift();
    if (next === undefined) throw new Error("Scripted fetch: no response left");
    if (next !== "hang") return next;
    const signal = init?.signal;
    return await new Promise<Response>((_, reject) => {
      if (!signal) return;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  };
  return { fetch: fetchFn, requests };
}

/**
 * A JSON response.
 *
 * @param body The JSON body.
 * @param status HTTP status.
 * @param headers Extra headers.
 * @returns The response.
 */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * An Anthropic Messages API response with cache usage.
 *
 * @param text The assistant text.
 * @returns The response body.
 */
export function anthropicMessage(text: string): Record<string, unknown> {
  return {
    id: "msg_fake",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: 20,
      output_tokens: 10,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 50,
    },
  };
}

/**
 * An Anthropic error body.
 *
 * @param type Error type, such as `rate_limit_error`.
 * @param message The message.
 * @returns The response body.
 */
export function anthropicError(type: string, message: string): Record<string, unknown> {
  return { type: "error", error: { type, message } };
}

/** Gemini's usage of a thinking model answering from a cached prompt. */
export const GEMINI_USAGE = {
  promptTokenCount: 200,
  candidatesTokenCount: 20,
  thoughtsTokenCount: 30,
  totalTokenCount: 250,
  cachedContentTokenCount: 150,
};

/** {@linkcode GEMINI_USAGE} as `readTokenUsage` reports it: thinking tokens count as output. */
export const GEMINI_USAGE_READ = {
  input_tokens: 200,
  output_tokens: 50,
  total_tokens: 250,
  cache_read_input_tokens: 150,
};

/**
 * A Gemini `generateContent` response with thinking and cached tokens.
 *
 * @param text The model text.
 * @returns The response body.
 */
export function geminiResponse(text: string): Record<string, unknown> {
  return {
    candidates: [{
      content: { role: "model", parts: [{ text }] },
      finishReason: "STOP",
      index: 0,
    }],
    usageMetadata: GEMINI_USAGE,
    modelVersion: "gemini-2.5-flash-lite",
  };
}

/**
 * Ollama's streamed `/api/chat` answer: newline-delimited JSON chunks.
 *
 * @param text The assistant text.
 * @returns The response.
 */
export function ollamaStream(text: string): Response {
  const base = { model: "llama3.2", created_at: "2026-11-27T00:00:00Z" };
  const lines = [
    { ...base, message: { role: "assistant", content: text }, done: false },
    {
      ...base,
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "stop",
      prompt_eval_count: 26,
      eval_count: 5,
    },
  ];
  return new Response(lines.map((line) => JSON.stringify(line)).join("\n") + "\n", {
    headers: { "content-type": "application/x-ndjson" },
  });
}
