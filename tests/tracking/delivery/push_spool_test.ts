import { DeliveryQueue } from "../../../src/tracking/delivery/delivery_queue.ts";
import { checkDestination } from "../../../src/tracking/delivery/preflight.ts";
import {
  parseTrackingUri,
  type TrackingDestination,
} from "../../../src/tracking/tracking_destination.ts";
import { pushSpool } from "../../../src/tracking/delivery/push_spool.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assertEquals, assertStringIncludes } from "../../_helpers/assert.ts";
import { goldenBundle, withTraceId } from "../http/_golden_bundle.ts";
import { withTempDir } from "./_temp_dir.ts";

const hex = (n: number) => n.toString(16).padStart(32, "0");
const sinkFor = (destination: TrackingDestination | string) =>
  new HttpSink({
    trackingUri: typeof destination === "string" ? destination : destination.uri,
    env: () => undefined,
  });

function withSpool(fn: (spool: Spool, dir: string) => Promise<void>): Promise<void> {
  return withTempDir((dir) => fn(new Spool({ dir }), dir));
}

Deno.test("pushSpool() delivers what a down server could not take, exactly once", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  await withSpool(async (spool) => {
    const warnings: string[] = [];
    const delivery = new DeliveryQueue({
      openSink: () => sinkFor(server.url),
      destination: server.url,
      async: true,
      spool,
      warn: (message) => warnings.push(message),
      preflight: () => checkDestination(parseTrackingUri(server.url)),
    });
    const bundle = await goldenBundle(server.url);
    for (const n of [1, 2, 3]) await delivery.submit(withTraceId(bundle, hex(n)));
    await delivery.close();
    assertEquals(warnings.length, 1);
    assertEquals((await spool.list()).length, 3);

    server.listen();
    try {
      const first = await pushSpool({ spool, sinkFor });
      assertEquals(first.delivered.sort(), [1, 2, 3].map((n) => `tr-${hex(n)}`));
      assertEquals([first.total, first.alreadyPresent.length, first.failed.length], [3, 0, 0]);
      assertEquals(await spool.list(), []);
      assertEquals([server.traces.size, server.runs.size], [3, 3]);
      for (const trace of server.traces.values()) assertEquals(trace.spans.length, 5);
      for (const run of server.runs.values()) {
        assertEquals([run.info.status, run.metrics.length], ["FINISHED", 2]);
      }

      const before = server.requests.length;
      const second = await pushSpool({ spool, sinkFor });
      assertEquals([second.total, second.delivered.length], [0, 0]);
      assertEquals(server.requests.length, before);

      await spool.write(withTraceId(bundle, hex(2)));
      const again = await pushSpool({ spool, sinkFor });
      assertEquals(again.alreadyPresent, [`tr-${hex(2)}`]);
      assertEquals(again.delivered, []);
      assertEquals([server.runs.size, await spool.list()], [3, []]);
    } finally {
      await server.stop();
    }
  });
});

Deno.test("pushSpool() completes a bundle that failed with a 500 mid-delivery, without duplicates", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await withSpool(async (spool) => {
      server.fail({ path: "/api/2.0/mlflow/runs/log-batch", bodyHas: "metrics", times: 1 });
      const warnings: string[] = [];
      const delivery = new DeliveryQueue({
        openSink: () => sinkFor(server.url),
        destination: server.url,
        async: false,
        spool,
        warn: (m) => warnings.push(m),
      });
      const outcome = await delivery.submit(await goldenBundle(server.url));
      await delivery.close();
      assertEquals(outcome.state, "spooled");
      assertStringIncludes(warnings[0] ?? "", "answered 500 INTERNAL_ERROR");

      const report = await pushSpool({ spool, sinkFor });
      assertEquals([report.delivered.length, report.alreadyPresent.length, report.failed.length], [
        1,
        0,
        0,
      ]);
      assertEquals(server.runs.size, 1);
      assertEquals(server.requestsTo("/v1/traces").length, 1);
      assertEquals(server.requestsTo("/api/3.0/mlflow/traces", "POST").length, 1);
      const [run] = server.runs.values();
      assertEquals([run?.info.status, run?.metrics.length, run?.params.size], ["FINISHED", 2, 3]);
      assertEquals(await spool.list(), []);
    });
  } finally {
    await server.stop();
  }
});

Deno.test("pushSpool() leaves failed and unreadable bundles in place and reports them", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  await withSpool(async (spool, dir) => {
    const bundle = await goldenBundle(server.url);
    for (const n of [1, 2]) await spool.write(withTraceId(bundle, hex(n)));
    await Deno.writeTextFile(`${dir}/broken.json`, "{");
    const report = await pushSpool({ spool, sinkFor });
    assertEquals([report.total, report.delivered.length, report.failed.length], [3, 0, 3]);
    const broken = report.failed.find((failure) => failure.file.endsWith("broken.json"));
    assertEquals(broken?.traceId, undefined);
    assertStringIncludes(broken?.error ?? "", "is not JSON");
    const down = report.failed.filter((failure) => failure.traceId);
    assertEquals(down.map((failure) => failure.trackingUri), [server.url, server.url]);
    for (const failure of down) assertStringIncludes(failure.error, "is unreachable");
    assertEquals((await spool.list()).length, 3);
  });
});

Deno.test("pushSpool() delivers to the override URI instead of each bundle's own", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await withSpool(async (spool) => {
      await spool.write(await goldenBundle("http://127.0.0.1:9"));
      const asked: string[] = [];
      const report = await pushSpool({
        spool,
        sinkFor: (destination) => (asked.push(destination.uri), sinkFor(destination)),
        override: parseTrackingUri(server.url),
      });
      assertEquals([report.delivered.length, asked], [1, [server.url]]);
      assertEquals(server.traces.size, 1);
    });
  } finally {
    await server.stop();
  }
});

Deno.test("pushSpool() stops before the next bundle when aborted", async () => {
  await withSpool(async (spool) => {
    const bundle = await goldenBundle("http://x");
    for (const n of [1, 2]) await spool.write(withTraceId(bundle, hex(n)));
    const controller = new AbortController();
    controller.abort();
    const report = await pushSpool({ spool, sinkFor, signal: controller.signal });
    assertEquals([report.total, report.remaining, report.delivered.length], [2, 2, 0]);
  });
});

Deno.test("pushSpool() run twice at once delivers each spooled trace exactly once", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await withTempDir(async (dir) => {
      const bundle = await goldenBundle(server.url);
      const writer = new Spool({ dir });
      for (let n = 1; n <= 20; n++) await writer.write(withTraceId(bundle, hex(n)));
      const [first, second] = await Promise.all([
        pushSpool({ spool: new Spool({ dir }), sinkFor }),
        pushSpool({ spool: new Spool({ dir }), sinkFor }),
      ]);
      const delivered = [...first.delivered, ...second.delivered];
      assertEquals(new Set(delivered).size, 20);
      assertEquals(delivered.length, 20);
      assertEquals([...first.failed, ...second.failed], []);
      assertEquals(first.skipped + second.skipped + delivered.length, 40);
      assertEquals([server.traces.size, server.runs.size], [20, 20]);
      assertEquals(server.requestsTo("/v1/traces").length, 20);
      assertEquals(await writer.list(), []);
    });
  } finally {
    await server.stop();
  }
});

Deno.test("pushSpool() takes over a claim whose holder died, and leaves a live one alone", async () => {
  await withTempDir(async (dir) => {
    const bundle = await goldenBundle("http://x");
    let now = 1_000_000;
    const clock = () => now;
    const holder = new Spool({ dir, now: clock });
    await holder.journal(withTraceId(bundle, hex(1)));
    const delivered: string[] = [];
    const sink = {
      deliver: (b: typeof bundle) => {
        delivered.push(b.trace.traceId);
        return Promise.resolve({ experimentId: "1", runId: "r", alreadyPresent: false });
      },
      close: () => Promise.resolve(),
    };
    // The claim is fresh: another process's push leaves it to its holder.
    const live = await pushSpool({ spool: new Spool({ dir, now: clock }), sinkFor: () => sink });
    assertEquals([live.total, delivered], [0, []]);
    // The holder is gone and its lease ran out: the next push delivers the run.
    now = Date.now() + 10 * 60_000;
    const late = await pushSpool({ spool: new Spool({ dir, now: clock }), sinkFor: () => sink });
    assertEquals([late.total, delivered], [1, [`tr-${hex(1)}`]]);
    assertEquals([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("pushSpool() hands the spooled bundles of one destination to deliverMany together, not fresh", async () => {
  await withSpool(async (spool) => {
    const bundle = await goldenBundle("http://x");
    for (const n of [1, 2, 3]) await spool.write(withTraceId(bundle, hex(n)));
    const calls: { count: number; fresh: boolean }[] = [];
    const report = await pushSpool({
      spool,
      concurrency: 1,
      sinkFor: () => ({
        deliver: () => Promise.reject(new Error("deliverMany is expected")),
        deliverMany: (bundles, { fresh }) => {
          calls.push({ count: bundles.length, fresh });
          return Promise.resolve(bundles.map(() => ({
            ok: true as const,
            receipt: { experimentId: "1", runId: undefined, alreadyPresent: false },
          })));
        },
        close: () => Promise.resolve(),
      }),
    });
    assertEquals(calls, [{ count: 3, fresh: false }]);
    assertEquals(report.delivered, [1, 2, 3].map((n) => `tr-${hex(n)}`));
    assertEquals(await spool.list(), []);
  });
});
