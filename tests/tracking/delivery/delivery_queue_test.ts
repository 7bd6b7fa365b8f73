import {
  DeliveryQueue,
  type DeliveryQueueOptions,
} from "../../../src/tracking/delivery/delivery_queue.ts";
import { checkDestination } from "../../../src/tracking/delivery/preflight.ts";
import { parseTrackingUri } from "../../../src/tracking/tracking_destination.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import {
  bundleId,
  type DeliveryReceipt,
  type TraceBundle,
  type TraceSink,
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

/** A queue over a sink (or a sink factory), named after the destination "http://x". */
function queue(
  options: Omit<DeliveryQueueOptions, "openSink" | "destination"> & {
    sink?: TraceSink;
    sinkFactory?: () => TraceSink;
    destination?: string;
  },
): DeliveryQueue {
  const { sink, sinkFactory, destination = "http://x", ...rest } = options;
  return new DeliveryQueue({
    ...rest,
    destination,
    openSink: () => sink ?? sinkFactory!(),
  });
}

Deno.test("DeliveryQueue in sync mode resolves once the bundle is written", async () => {
  await withTempDir(async (dir) => {
    const written: string[] = [];
    const delivery = queue({
      sink: {
        deliver: (b) => Promise.resolve(void written.push(bundleId(b))).then(() => receipt),
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

Deno.test("DeliveryQueue in async mode queues at once and delivers in order, one at a time", async () => {
  await withTempDir(async (dir) => {
    const gated = gatedSink();
    const delivery = queue({
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

Deno.test("DeliveryQueue never throws: a failing sink spools the bundle with one warning", async () => {
  await withTempDir(async (dir) => {
    let calls = 0;
    const warnings: string[] = [];
    const delivery = queue({
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
      `Cannot deliver trace "tr-${
        hex(1)
      }" to "http://x": disk on fire: traces are kept in "${dir}"; run \`cli.ts traces push\` once fixed`,
    ]);
    assertEquals((await new Spool({ dir }).list()).length, 1);
    await delivery.close();
  });
});

Deno.test("DeliveryQueue spools with one warning when the tracking server is down", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    const delivery = queue({
      sinkFactory: () => new HttpSink({ trackingUri: server.url, env: () => undefined }),
      async: false,
      spool: new Spool({ dir }),
      warn: (message) => warnings.push(message),
      preflight: () => checkDestination(parseTrackingUri(server.url)),
      destination: server.url,
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

Deno.test("DeliveryQueue spools without any request when Deno has no net permission for the server", async () => {
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    let opened = 0;
    const delivery = queue({
      sinkFactory: () => {
        opened++;
        return new HttpSink({ trackingUri: "http://mlflow.internal:5000", env: () => undefined });
      },
      async: true,
      spool: new Spool({ dir }),
      warn: (message) => warnings.push(message),
      preflight: () =>
        checkDestination(parseTrackingUri("http://mlflow.internal:5000"), {
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
    const delivery = queue({
      sinkFactory: () => new HttpSink({ trackingUri: server.url, env: () => undefined }),
      destination: server.url,
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

Deno.test("DeliveryQueue.pendingAtMost() waits for the backlog to shrink, never spooling", async () => {
  await withTempDir(async (dir) => {
    const gated = gatedSink();
    const delivery = queue({ sink: gated.sink, spool: new Spool({ dir }), warn: () => {} });
    const bundle = await goldenBundle("http://x");
    for (const n of [1, 2, 3]) await delivery.submit(withTraceId(bundle, hex(n)));
    let woken = false;
    const waiting = delivery.pendingAtMost(1).then(() => woken = true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assertEquals([woken, delivery.pending], [false, 3]);
    gated.open();
    await waiting;
    assert(delivery.pending <= 1);
    await delivery.flush(10_000);
    assertEquals(gated.delivered.length, 3);
    assertEquals(delivery.counts, { delivered: 3, spooled: 0, lost: 0 });
    assertEquals(await new Spool({ dir }).list(), []);
    await delivery.close();
  });
});

Deno.test("DeliveryQueue warns that a trace is lost when even the spool cannot be written", async () => {
  const warnings: string[] = [];
  const delivery = queue({
    sink: { deliver: () => Promise.reject(new Error("down")), close: () => Promise.resolve() },
    async: false,
    spool: {
      dir: "/read-only/spool",
      write: () => Promise.reject(new Deno.errors.NotCapable("Requires write access")),
      journal: () => Promise.reject(new Error("unused in sync mode")),
    },
    warn: (message) => warnings.push(message),
  });
  const outcome = await delivery.submit(await goldenBundle("http://x"));
  assertEquals(outcome.state, "lost");
  // One warning that says both what failed and that the trace is lost, never "kept" first.
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0] ?? "", "down, and trace");
  assertStringIncludes(warnings[0] ?? "", "it is lost; add --allow-write=/read-only/spool");
  assert(!warnings[0]?.includes("traces are kept"));
  assertEquals(delivery.counts, { delivered: 0, spooled: 0, lost: 1 });
  await delivery.close();
});
