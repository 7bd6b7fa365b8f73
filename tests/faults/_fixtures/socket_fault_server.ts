/**
 * A raw TCP server on 127.0.0.1 that answers each HTTP connection the way a script says: close
 * the socket before any response, close it mid-response (headers and half the body), or answer
 * in full. `Deno.serve` cannot cut a response off, so this speaks HTTP/1.1 by hand: one request
 * per connection, `Connection: close` on every answer.
 *
 * @module
 */

/** A response body, or a function of the request's JSON body that returns one. */
export type SocketBody = string | ((request: unknown) => string);

/** What to do with one connection. */
export type SocketFault =
  /** Read the request, then close without a byte of response. */
  | { kind: "close_before_response" }
  /** Send the status line, headers and half the body, then close. */
  | { kind: "close_mid_body"; body: SocketBody }
  /** Answer in full. */
  | { kind: "respond"; status?: number; body: SocketBody };

/** A running server. */
export interface SocketFaultServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Request bodies received, parsed as JSON where possible, one per connection. */
  readonly requests: unknown[];
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts the server.
 *
 * @param script One fault per connection, in order; the last repeats when they run out.
 * @returns The server.
 */
export function startSocketFaultServer(script: readonly SocketFault[]): SocketFaultServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: unknown[] = [];
  const open = new Set<Deno.Conn>();
  let index = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      const fault = script[Math.min(index++, script.length - 1)];
      handle(conn, fault, requests).finally(() => open.delete(conn));
    }
  })().catch(() => {});
  const close = async () => {
    try {
      listener.close();
    } catch {
      // Already closed.
    }
    for (const conn of open) closeQuietly(conn);
    await serving;
  };
  return {
    baseUrl: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function handle(
  conn: Deno.Conn,
  fault: SocketFault | undefined,
  requests: unknown[],
): Promise<void> {
  try {
    const body = await readRequest(conn);
    if (body === undefined) return;
    const request = parseJson(body);
    requests.push(request);
    if (!fault || fault.kind === "close_before_response") return;
    const status = fault.kind === "respond" ? fault.status ?? 200 : 200;
    const text = typeof fault.body === "string" ? fault.body : fault.body(request);
    const bytes = new TextEncoder().encode(text);
    const head = `HTTP/1.1 ${status} ${status === 200 ? "OK" : "Error"}\r\n` +
      `content-type: application/json\r\ncontent-length: ${bytes.length}\r\n` +
      `connection: close\r\n\r\n`;
    await writeAll(conn, new TextEncoder().encode(head));
    await writeAll(conn, fault.kind === "respond" ? bytes : bytes.subarray(0, bytes.length >> 1));
  } catch {
    // The client went away: nothing to answer.
  } finally {
    closeQuietly(conn);
  }
}

/** Reads one request (headers, then `content-length` bytes of body); its body as text. */
async function readRequest(conn: Deno.Conn): Promise<string | undefined> {
  const decoder = new TextDecoder();
  let buffer = new Uint8Array(0);
  const chunk = new Uint8Array(64 * 1024);
  let headerEnd = -1;
  let length = 0;
  for (;;) {
    if (headerEnd >= 0 && buffer.length >= headerEnd + 4 + length) {
      return decoder.decode(buffer.subarray(headerEnd + 4, headerEnd + 4 + length));
    }
    const read = await conn.read(chunk);
    if (read === null) return undefined;
    const next = new Uint8Array(buffer.length + read);
    next.set(buffer);
    next.set(chunk.subarray(0, read), buffer.length);
    buffer = next;
    if (headerEnd < 0) {
      headerEnd = decoder.decode(buffer).indexOf("\r\n\r\n");
      if (headerEnd >= 0) {
        const head = decoder.decode(buffer.subarray(0, headerEnd));
        length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      }
    }
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
