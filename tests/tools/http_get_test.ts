import { WorkflowError } from "../../src/errors.ts";
import { httpGetTool } from "../../src/tools/http_get.ts";
import type { ToolContext } from "../../src/tools/tool.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { abortMidFetch, fakeFetch, hangingFetch, toolContext } from "./_fakes.ts";

function context(config: Record<string, unknown>, overrides: Partial<ToolContext> = {}) {
  return toolContext({ config, ...overrides });
}

/** Calls http_get with a fetch and a config, `allowed_hosts: ["example.com"]` by default. */
function get(
  url: string,
  fetch: typeof globalThis.fetch,
  config: Record<string, unknown> = { allowed_hosts: ["example.com"] },
): Promise<unknown> {
  return httpGetTool.invoke({ url }, context(config, { fetch }));
}

const ok = () => new Response("hello", { headers: { "content-type": "text/plain" } });

Deno.test("http_get fetches an allowed URL with GET and manual redirects", async () => {
  const fetch = fakeFetch(ok);
  const result = await get("https://example.com/page?x=1", fetch);
  assertEquals(result, {
    url: "https://example.com/page?x=1",
    status: 200,
    content_type: "text/plain",
    body: "hello",
    truncated: false,
  });
  assertEquals(fetch.requests.length, 1);
  assertEquals(fetch.requests[0]?.url, "https://example.com/page?x=1");
  assertEquals(fetch.requests[0]?.init?.method, "GET");
  assertEquals(fetch.requests[0]?.init?.redirect, "manual");
});

Deno.test("http_get refuses a host that is not allowed before any request", async () => {
  const fetch = fakeFetch(ok);
  for (
    const url of [
      "https://evil.com/",
      "https://notexample.com/",
      "https://example.com.evil.com/",
      "https://sub.example.com/",
    ]
  ) {
    const error = await assertRejects(
      () => get(url, fetch),
      WorkflowError,
      'is not in allowed_hosts: allowed are "example.com"',
    );
    assertEquals((error as WorkflowError).code, "PERMISSION_DENIED");
  }
  assertEquals(fetch.requests.length, 0);
});

Deno.test("http_get matches ports: a bare host allows any, host:port only that one", async () => {
  const fetch = fakeFetch(ok);
  const bare = context({ allowed_hosts: ["example.com"] }, { fetch });
  await httpGetTool.invoke({ url: "http://example.com:8080/" }, bare);
  const pinned = context({ allowed_hosts: ["api.example.com:8443"] }, { fetch });
  await httpGetTool.invoke({ url: "https://api.example.com:8443/v1" }, pinned);
  await assertRejects(
    () => httpGetTool.invoke({ url: "https://api.example.com/v1" }, pinned),
    WorkflowError,
    'host "api.example.com" is not in allowed_hosts',
  );
  const https = context({ allowed_hosts: ["secure.example:443"] }, { fetch });
  await httpGetTool.invoke({ url: "https://secure.example/" }, https);
  await assertRejects(
    () => httpGetTool.invoke({ url: "http://secure.example/" }, https),
    WorkflowError,
    "is not in allowed_hosts",
  );
  assertEquals(fetch.requests.length, 3);
});

Deno.test("http_get lets *.domain allow subdomains only, not the domain or look-alikes", async () => {
  const fetch = fakeFetch(ok);
  const ctx = context({ allowed_hosts: ["*.wikipedia.org"] }, { fetch });
  await httpGetTool.invoke({ url: "https://en.wikipedia.org/wiki/Tide_pool" }, ctx);
  await httpGetTool.invoke({ url: "https://a.b.wikipedia.org/" }, ctx);
  for (const url of ["https://wikipedia.org/", "https://evilwikipedia.org/"]) {
    await assertRejects(() => httpGetTool.invoke({ url }, ctx), WorkflowError, "allowed_hosts");
  }
  assertEquals(fetch.requests.map((r) => new URL(r.url).hostname), [
    "en.wikipedia.org",
    "a.b.wikipedia.org",
  ]);
});

Deno.test("http_get compares hosts case-insensitively and canonically", async () => {
  const fetch = fakeFetch(ok);
  await get("https://EXAMPLE.com/", fetch, { allowed_hosts: ["Example.COM"] });
  await get("https://bücher.example/", fetch, { allowed_hosts: ["BÜCHER.example"] });
  assertEquals(fetch.requests.length, 2);
});

Deno.test("http_get follows a redirect to an allowed host, relative locations included", async () => {
  const fetch = fakeFetch((url) => {
    if (url === "https://example.com/old") {
      return new Response(null, { status: 301, headers: { location: "/new" } });
    }
    if (url === "https://example.com/new") {
      return new Response(null, {
        status: 302,
        headers: { location: "https://cdn.example.com/final" },
      });
    }
    return new Response("final");
  });
  const result = await get("https://example.com/old", fetch, {
    allowed_hosts: ["example.com", "*.example.com"],
  }) as { url: string; body: string };
  assertEquals(fetch.requests.map((r) => r.url), [
    "https://example.com/old",
    "https://example.com/new",
    "https://cdn.example.com/final",
  ]);
  assert(fetch.requests.every((r) => r.init?.redirect === "manual"));
  assertEquals(result.url, "https://cdn.example.com/final");
  assertEquals(result.body, "final");
});

Deno.test("http_get refuses a redirect to a host that is not allowed without fetching it", async () => {
  const fetch = fakeFetch(() =>
    new Response(null, { status: 307, headers: { location: "http://169.254.169.254/latest" } })
  );
  const error = await assertRejects(
    () => get("https://example.com/go", fetch),
    WorkflowError,
    'Cannot follow the redirect from "https://example.com/go" to "http://169.254.169.254/latest" as host "169.254.169.254" is not in allowed_hosts',
  );
  assertEquals((error as WorkflowError).code, "PERMISSION_DENIED");
  assertEquals(fetch.requests.length, 1);
});

Deno.test("http_get refuses a redirect to another scheme", async () => {
  const fetch = fakeFetch(() =>
    new Response(null, { status: 302, headers: { location: "file:///etc/passwd" } })
  );
  await assertRejects(
    () => get("https://example.com/", fetch),
    WorkflowError,
    "as only http and https are allowed",
  );
  assertEquals(fetch.requests.length, 1);
});

Deno.test("http_get gives up after 5 redirects", async () => {
  let n = 0;
  const fetch = fakeFetch(() =>
    new Response(null, { status: 302, headers: { location: `/hop${++n}` } })
  );
  await assertRejects(
    () => get("https://example.com/", fetch),
    WorkflowError,
    "as it redirected more than 5 times",
  );
  assertEquals(fetch.requests.length, 6);
});

Deno.test("http_get refuses URLs that are not absolute http or https", async () => {
  const fetch = fakeFetch(ok);
  for (const url of ["example.com/page", "ftp://example.com/", "file:///etc/passwd"]) {
    await assertRejects(
      () => get(url, fetch),
      WorkflowError,
      `Cannot fetch "${url}" as it is not an absolute http or https URL`,
    );
  }
  assertEquals(fetch.requests.length, 0);
});

Deno.test("http_get cuts the body at max_bytes on a character boundary and flags it", async () => {
  const text = "ab€cd".repeat(10); // € is 3 bytes in UTF-8
  const stream = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 4) controller.enqueue(bytes.subarray(i, i + 4));
        controller.close();
      },
    });
  const fetch = fakeFetch(() =>
    new Response(stream(), { headers: { "content-type": "text/plain; charset=utf-8" } })
  );
  const cut = await get("https://example.com/", fetch, {
    allowed_hosts: ["example.com"],
    max_bytes: 4,
  }) as { body: string; truncated: boolean };
  assertEquals(cut, { ...cut, body: "ab", truncated: true });
  const whole = await get("https://example.com/", fetch, {
    allowed_hosts: ["example.com"],
    max_bytes: 70,
  }) as { body: string; truncated: boolean };
  assertEquals([whole.body, whole.truncated], [text, false]);
  const exact = await get("https://example.com/", fetch, {
    allowed_hosts: ["example.com"],
    max_bytes: 5,
  }) as { body: string; truncated: boolean };
  assertEquals([exact.body, exact.truncated], ["ab€", true]);
});

Deno.test("http_get decodes the body with the declared charset", async () => {
  const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in ISO-8859-1
  const fetch = fakeFetch(() =>
    new Response(latin1, { headers: { "content-type": "text/plain; charset=ISO-8859-1" } })
  );
  const result = await get("https://example.com/", fetch) as { body: string };
  assertEquals(result.body, "café");
});

Deno.test("http_get returns an HTTP error status as a result", async () => {
  const fetch = fakeFetch(() => new Response("missing", { status: 404 }));
  const result = await get("https://example.com/x", fetch) as { status: number; body: string };
  assertEquals([result.status, result.body], [404, "missing"]);
});

Deno.test("http_get fails as TOOL_FAILED when timeout_seconds passes", async () => {
  const fetch = hangingFetch();
  const error = await assertRejects(
    () =>
      get("https://example.com/slow", fetch, {
        allowed_hosts: ["example.com"],
        timeout_seconds: 0.01,
      }),
    WorkflowError,
    'Cannot fetch "https://example.com/slow" as it took longer than timeout_seconds (0.01)',
  );
  assertEquals((error as WorkflowError).code, "TOOL_FAILED");
});

Deno.test("http_get rejects with the signal's reason when the caller aborts", async () => {
  const { thrown, reason } = await abortMidFetch((signal, fetch) =>
    httpGetTool.invoke(
      { url: "https://example.com/slow" },
      context({ allowed_hosts: ["example.com"] }, { fetch, signal }),
    )
  );
  assertStrictEquals(thrown, reason);
});

Deno.test("http_get reports a network failure and an invalid config", async () => {
  const fetch = fakeFetch(() => {
    throw new TypeError("dns error");
  });
  await assertRejects(
    () => get("https://user:pw@example.com/a?token=t", fetch),
    WorkflowError,
    'Cannot fetch "https://example.com/a" as the request failed: dns error',
  );
  const error = await assertRejects(
    () => httpGetTool.invoke({ url: "https://example.com/" }, context({})),
    WorkflowError,
    'Cannot use tool "http_get" as its config is invalid: allowed_hosts: Required',
  );
  assertEquals((error as WorkflowError).code, "CONFIG_INVALID");
});

Deno.test("http_get with the real fetch refuses a loopback redirect to a host not allowed", async () => {
  const seen: string[] = [];
  let port = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    seen.push(url.pathname);
    if (url.pathname === "/hop") {
      return new Response(null, { status: 302, headers: { location: "/final" } });
    }
    if (url.pathname === "/away") {
      return new Response(null, {
        status: 302,
        headers: { location: `http://localhost:${port}/secret` },
      });
    }
    return new Response(`at ${url.pathname}`, { headers: { "content-type": "text/plain" } });
  });
  port = server.addr.port;
  try {
    const config = { allowed_hosts: [`127.0.0.1:${port}`] };
    const base = `http://127.0.0.1:${port}`;
    const followed = await httpGetTool.invoke(
      { url: `${base}/hop` },
      toolContext({ config, fetch }),
    ) as { url: string; body: string };
    assertEquals([followed.url, followed.body], [`${base}/final`, "at /final"]);
    const error = await assertRejects(
      () => httpGetTool.invoke({ url: `${base}/away` }, toolContext({ config, fetch })),
      WorkflowError,
      `to "http://localhost:${port}/secret" as host "localhost:${port}" is not in allowed_hosts`,
    );
    assertStringIncludes((error as WorkflowError).hint ?? "", "allowed_hosts");
    assertEquals(seen, ["/hop", "/final", "/away"]);
  } finally {
    await server.shutdown();
  }
});
