import { WorkflowError } from "../../src/errors.ts";
import { serperSearchTool } from "../../src/tools/serper_search.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { abortMidFetch, everythingIn, fakeFetch, toolContext } from "./_fakes.ts";

const KEY = "sk-serper-0123456789abcdef";
const env = (name: string) => name === "SERPER_API_KEY" ? KEY : undefined;

const ORGANIC = Array.from({ length: 8 }, (_, i) => ({
  title: `Title ${i}`,
  link: `https://site${i}.example/page`,
  snippet: `Snippet ${i}`,
  position: i + 1,
  sitelinks: [{ title: "extra", link: "https://x.example" }],
}));

Deno.test("serper_search posts the query with the key header and returns compact results", async () => {
  const fetch = fakeFetch(() => Response.json({ organic: ORGANIC, searchParameters: {} }));
  const result = await serperSearchTool.invoke(
    { query: "tide pools", num_results: 3 },
    toolContext({ env, fetch, config: { country: "US", language: "en" } }),
  );
  assertEquals(fetch.requests.length, 1);
  const request = fetch.requests[0]!;
  assertEquals(request.url, "https://google.serper.dev/search");
  assertEquals(request.init?.method, "POST");
  const headers = new Headers(request.init?.headers);
  assertEquals(headers.get("x-api-key"), KEY);
  assertEquals(headers.get("content-type"), "application/json");
  assertEquals(JSON.parse(String(request.init?.body)), {
    q: "tide pools",
    num: 3,
    gl: "us",
    hl: "en",
  });
  assertEquals(result, {
    query: "tide pools",
    results: [0, 1, 2].map((i) => ({
      title: `Title ${i}`,
      link: `https://site${i}.example/page`,
      snippet: `Snippet ${i}`,
    })),
  });
});

Deno.test("serper_search asks for 5 results by default and tolerates missing fields", async () => {
  const fetch = fakeFetch(() => Response.json({ organic: [{ link: "https://a.example" }] }));
  const result = await serperSearchTool.invoke({ query: "q" }, toolContext({ env, fetch }));
  assertEquals(JSON.parse(String(fetch.requests[0]?.init?.body)).num, 5);
  assertEquals(result, {
    query: "q",
    results: [{ title: "", link: "https://a.example", snippet: "" }],
  });
  const empty = await serperSearchTool.invoke(
    { query: "q" },
    toolContext({ env, fetch: fakeFetch(() => Response.json({})) }),
  );
  assertEquals(empty, { query: "q", results: [] });
});

Deno.test("serper_search fails with MISSING_CREDENTIALS before any request", async () => {
  for (const value of [undefined, "", "  "]) {
    const fetch = fakeFetch(() => Response.json({ organic: [] }));
    const error = await assertRejects(
      () =>
        serperSearchTool.invoke(
          { query: "q" },
          toolContext({ env: () => value, fetch }),
        ),
      WorkflowError,
      'Cannot search with "serper_search" as SERPER_API_KEY is not set',
    );
    assertEquals((error as WorkflowError).code, "MISSING_CREDENTIALS");
    assertStringIncludes((error as WorkflowError).hint ?? "", "--mock");
    assertEquals(fetch.requests.length, 0);
  }
});

Deno.test("serper_search reports an HTTP error with its status and never the key", async () => {
  const fetch = fakeFetch(() =>
    Response.json({ message: `Unauthorized key ${KEY}`, statusCode: 403 }, { status: 403 })
  );
  const error = await assertRejects(
    () => serperSearchTool.invoke({ query: "q" }, toolContext({ env, fetch })),
    WorkflowError,
    'Cannot search with "serper_search" as google.serper.dev answered HTTP 403',
  );
  assertEquals((error as WorkflowError).code, "TOOL_FAILED");
  assertStringIncludes(error.message, "Unauthorized key [REDACTED]");
  assert(!everythingIn(error).includes(KEY), "the key leaked into the error");
});

Deno.test("serper_search reports a network failure without the key", async () => {
  const fetch = fakeFetch(() => {
    throw new TypeError(`connection reset while sending ${KEY}`);
  });
  const error = await assertRejects(
    () => serperSearchTool.invoke({ query: "q" }, toolContext({ env, fetch })),
    WorkflowError,
    "as the request to google.serper.dev failed: connection reset",
  );
  assert(!everythingIn(error).includes(KEY), "the key leaked into the error");
});

Deno.test("serper_search reports an answer that is not JSON or has the wrong shape", async () => {
  await assertRejects(
    () =>
      serperSearchTool.invoke(
        { query: "q" },
        toolContext({ env, fetch: fakeFetch(() => new Response("<html>")) }),
      ),
    WorkflowError,
    "answered with something other than JSON: <html>",
  );
  await assertRejects(
    () =>
      serperSearchTool.invoke(
        { query: "q" },
        toolContext({ env, fetch: fakeFetch(() => Response.json({ organic: "nope" })) }),
      ),
    WorkflowError,
    "has an unexpected shape",
  );
});

Deno.test("serper_search passes the signal on and rejects with its reason on abort", async () => {
  const { thrown, reason, fetch, signal } = await abortMidFetch((signal, fetch) =>
    serperSearchTool.invoke({ query: "q" }, toolContext({ env, fetch, signal }))
  );
  assertStrictEquals(fetch.requests[0]?.init?.signal, signal);
  assertStrictEquals(thrown, reason);
});

Deno.test("serper_search refuses an empty query and too many results before any request", async () => {
  const fetch = fakeFetch(() => Response.json({}));
  await assertRejects(
    () => serperSearchTool.invoke({ query: "  " }, toolContext({ env, fetch })),
    WorkflowError,
    "its arguments are invalid: query:",
  );
  await assertRejects(
    () => serperSearchTool.invoke({ query: "q", num_results: 50 }, toolContext({ env, fetch })),
    WorkflowError,
    "num_results:",
  );
  assertEquals(fetch.requests.length, 0);
});
