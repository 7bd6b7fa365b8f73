import {
  createDelivery,
  flushAllDeliveries,
} from "../../../src/tracking/delivery/create_delivery.ts";
import { checkDestination } from "../../../src/tracking/delivery/preflight.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import type {
  DeliveryReceipt,
  TraceBundle,
  TraceSink,
} from "../../../src/tracking/trace_bundle.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assert, assertEquals, assertStringIncludes } from "../../_helpers/assert.ts";
import { goldenBundle, withTraceId } from "../http/_golden_bundle.ts";
import { withTempDir } from "./_temp_dir.ts";

const receipt: DeliveryReceipt = { experimentId: "1", runId: "r", alreadyPresent: false };

/** A sink whose deliveries wait for `open()` and record their order and concurrency. */
function gatedSink() {
  const delivered: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => open = resolve);
  const sink: TraceSink = {
    async deliver(bundle: TraceBundle) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate;
      inFlight--;
      delivered.push(bundle.trace.traceId);
      return receipt;
    },
    close: () => Promise.resolve(),
  };
  return { sink, delivered, open: () => open(), maxInFlight: () => maxInFlight };
}

const hex = (n: number) => n.toString(16).padStart(32, "0");

Deno.test("createDelivery() in sync mode resolves once the bundle is written", async () => {
  await withTempDir(async (dir) => {
    const written: string[] = [];
    const delivery = createDelivery({
      sink: {
        deliver: (b) => Promise.resolve(void written.push(b.trace.traceId)).then(() => receipt),
        close: () => Promise.resolve(),
      },
      async: false,
      spool: new Spool({ dir }),
      warn: () => {},
    });
    const outcome = await delivery.submit(await goldenBundle("http://x"));
    assertEquals(outcome, { state: "delivered", receipt });
    assertEquals(written, ["tr-aacef014b86e5dbb8364939c5fc5e208"]);
    await delivery.close();
  });
});

Deno.test("createDelivery() in async mode queues at once and delivers in order, one at a time", async () => {
  await withTempDir(async (dir) => {
    const gated = gatedSink();
    const delivery = createDelivery({
      sink: gated.sink,
      async: true,
      spool: new Spool({ dir }),
      warn: () => {},
    });
    const bundle = await goldenBundle("http://x");
    const outcomes = [];
    for (const n of [1, 2, 3]) outcomes.push(await delivery.submit(withTraceId(bundle, hex(n))));
    assertEquals(outcomes, [{ state: "queued" }, { state: "queued" }, { state: "queued" }]);
    assertEquals(gated.delivered, []);
    assertEquals(delivery.pending, 3);
    gated.open();
    await delivery.flush();
    assertEquals(gated.delivered, [1, 2, 3].map((n) => `tr-${hex(n)}`));
    assertEquals(gated.maxInFlight(), 1);
    assertEquals(delivery.pending, 0);
    await delivery.close();
  });
});

Deno.test("createDelivery() never throws: a failing sink spools the bundle with one warning", async () => {
  await withTempDir(async (dir) => {
    let calls = 0;
    const warnings: string[] = [];
    const delivery = createDelivery({
      sink: {
        deliver: () =>
          ++calls === 1 ? Promise.reject(new Error("disk on fire")) : Promise.resolve(receipt),
        close: () => Promise.resolve(),
      },
      async: false,
      spool: new Spool({ dir }),
      warn: (message) => warnings.push(message),
    });
    const bundle = await goldenBundle("http://x");
    const first = await delivery.submit(withTraceId(bundle, hex(1)));
    const second = await delivery.submit(withTraceId(bundle, hex(2)));
    assertEquals(first.state, "spooled");
    assertEquals(second, { state: "delivered", receipt });
    assertEquals(warnings, [
      `disk on fire; trace "tr-${
        hex(1)
      }" is kept in "${dir}"; run \`cli.ts traces push\` once fixed`,
    ]);
    assertEquals((await new Spool({ dir }).list()).length, 1);
    await delivery.close();
  });
});

Deno.test("createDelivery() spools with one warning when the tracking server is down", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    const delivery = createDelivery({
      sinkFactory: () => new HttpSink({ trackingUri: server.url, env: () => undefined }),
      async: false,
      spool: new Spool({ dir }),
      warn: (message) => warnings.push(message),
      preflight: () => checkDestination(server.url),
    });
    const bundle = await goldenBundle(server.url);
    for (const n of [1, 2]) {
      assertEquals((await delivery.submit(withTraceId(bundle, hex(n)))).state, "spooled");
    }
    assertEquals(warnings, [
      `Cannot reach the MLflow tracking server at "${server.url}" within 3 s: traces are kept in "${dir}"; run \`cli.ts traces push\` when it is back`,
    ]);
    assertEquals((await new Spool({ dir }).list()).length, 2);
    assertEquals(server.requests, []);
    await delivery.close();
  });
});

Deno.test("createDelivery() spools without any request when Deno has no net permission for the server", async () => {
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    let opened = 0;
    const delivery = createDelivery({
      sinkFactory: () => {
        opened++;
        return new HttpSink({ trackingUri: "http://mlflow.internal:5000", env: () => undefined });
      },
      async: true,
      spool: new Spool({ dir }),
      warn: (message) => warnings.push(message),
      preflight: () =>
        checkDestination("http://mlflow.internal:5000", {
          queryPermission: (descriptor) =>
            Promise.resolve({ state: descriptor.name === "net" ? "prompt" : "granted" }),
          connect: () => Promise.reject(new Error("must not connect")),
        }),
    });
    assertEquals(await delivery.submit(await goldenBundle("http://mlflow.internal:5000")), {
      state: "queued",
    });
    await delivery.flush();
    assertEquals(opened, 0);
    assertEquals(warnings.length, 1);
    assertStringIncludes(
      warnings[0] ?? "",
      'as Deno has no net permission for "mlflow.internal:5000"',
    );
    assertStringIncludes(
      warnings[0] ?? "",
      "add --allow-net=mlflow.internal:5000 and run `cli.ts traces push`",
    );
    assertEquals((await new Spool({ dir }).list()).length, 1);
    await delivery.close();
  });
});

Deno.test("Delivery.flush() waits a bounded time, then spools everything still pending", async () => {
  const server = await FakeMlflowServer.start();
  server.hold({ path: "/api/2.0/mlflow/experiments/get-by-name" });
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    let timeUp: () => void = () => {};
    const delivery = createDelivery({
      sinkFactory: () => new HttpSink({ trackingUri: server.url, env: () => undefined }),
      async: true,
      spool: new Spool({ dir }),
      warn: (message) => warnings.push(message),
      sleep: () => new Promise((resolve) => timeUp = resolve),
    });
    const bundle = await goldenBundle(server.url);
    for (const n of [1, 2, 3]) await delivery.submit(withTraceId(bundle, hex(n)));
    while (server.held === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const flushed = delivery.flush(2000);
    timeUp();
    await flushed;
    assertEquals(delivery.pending, 0);
    assertEquals(warnings, [
      `Cannot finish delivering 3 traces to "${server.url}" within 2 s: traces are kept in "${dir}"; run \`cli.ts traces push\``,
    ]);
    assertEquals((await new Spool({ dir }).list()).length, 3);
    assertEquals((await delivery.submit(withTraceId(bundle, hex(4)))).state, "queued");
    await delivery.close();
    assertEquals((await new Spool({ dir }).list()).length, 4);
    assertEquals(server.runs.size, 0);
  });
  await server.stop();
});

Deno.test("flushAllDeliveries() flushes every delivery with work pending", async () => {
  await withTempDir(async (dir) => {
    const first = gatedSink();
    const second = gatedSink();
    const a = createDelivery({ sink: first.sink, spool: new Spool({ dir }), warn: () => {} });
    const b = createDelivery({ sink: second.sink, spool: new Spool({ dir }), warn: () => {} });
    const bundle = await goldenBundle("http://x");
    await a.submit(withTraceId(bundle, hex(1)));
    await b.submit(withTraceId(bundle, hex(2)));
    first.open();
    second.open();
    await flushAllDeliveries(10_000);
    assertEquals([a.pending, b.pending], [0, 0]);
    assertEquals([first.delivered.length, second.delivered.length], [1, 1]);
  });
});

Deno.test("createDelivery() warns that a trace is lost when even the spool cannot be written", async () => {
  const warnings: string[] = [];
  const delivery = createDelivery({
    sink: { deliver: () => Promise.reject(new Error("down")), close: () => Promise.resolve() },
    async: false,
    spool: { dir: "/read-only/spool", write: () => Promise.reject(new Error("permission denied")) },
    warn: (message) => warnings.push(message),
  });
  const outcome = await delivery.submit(await goldenBundle("http://x"));
  assert(outcome.state === "spooled" && outcome.spoolFile === "");
  assertEquals(warnings.length, 2);
  assertStringIncludes(warnings[1] ?? "", "the trace is lost; add --allow-write=/read-only/spool");
  await delivery.close();
});
