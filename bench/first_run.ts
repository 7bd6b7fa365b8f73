/**
 * First run on an empty cache: what `validate`, `schema`, `graph` and `run --mock` download
 * from the npm registry, and how long they take, when Deno's cache (`DENO_DIR`) is empty.
 * Each command runs in a fresh, empty `DENO_DIR`, through a local HTTPS proxy that counts the
 * bytes it relays, so the figures are what the network really carried. Needs the npm registry,
 * so it is not part of `deno task bench`; its figures are in `bench/CHANGES.md`.
 *
 *   deno run --allow-read --allow-write --allow-env --allow-run=deno \
 *     --allow-net=127.0.0.1,registry.npmjs.org:443 bench/first_run.ts [rounds] [checkout...]
 *
 * Each checkout (default: this one) is a directory with `cli.ts` and `deno.json`; give an
 * older one (`git archive <commit> | tar -x -C /tmp/before`) to compare. Prints Markdown.
 *
 * @module
 */

const here = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const [roundsArg, ...rootArgs] = Deno.args;
const rounds = Number(roundsArg ?? 3);
const roots = rootArgs.length > 0 ? rootArgs : [here];

/** The commands measured, as `deno` arguments run from the checkout's root. */
const COMMANDS: ReadonlyArray<readonly [string, string[]]> = [
  ["validate examples/echo.yaml", [
    "run",
    "--allow-read",
    "cli.ts",
    "validate",
    "examples/echo.yaml",
  ]],
  ["schema", ["run", "--allow-read", "cli.ts", "schema"]],
  ["graph examples/support_triage.yaml", [
    "run",
    "--allow-read",
    "cli.ts",
    "graph",
    "examples/support_triage.yaml",
  ]],
  ["run --mock examples/echo.yaml", [
    "run",
    "--allow-read",
    "--allow-env",
    "cli.ts",
    "run",
    "examples/echo.yaml",
    "--mock",
    "-i",
    "message=hello",
    "--no-tracking",
  ]],
];

/** A CONNECT proxy on loopback that counts the bytes it relays from the servers. */
function startCountingProxy(): { port: number; received(): number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let received = 0;
  (async () => {
    for await (const client of listener) {
      relay(client, (bytes) => received += bytes).catch(() => client.close());
    }
  })();
  return {
    port: listener.addr.port,
    received: () => received,
    close: () => listener.close(),
  };
}

async function relay(client: Deno.Conn, count: (bytes: number) => void): Promise<void> {
  const head = await readHead(client);
  const target = /^CONNECT ([^\s:]+):(\d+) /.exec(head);
  if (!target) {
    client.close();
    return;
  }
  const server = await Deno.connect({ hostname: target[1]!, port: Number(target[2]) });
  await client.write(new TextEncoder().encode("HTTP/1.1 200 Connection Established\r\n\r\n"));
  const up = client.readable.pipeTo(server.writable).catch(() => {});
  const down = server.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        count(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  ).pipeTo(client.writable).catch(() => {});
  await Promise.all([up, down]);
}

/** Reads the request head of a CONNECT (it is small and sent alone). */
async function readHead(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const read = await conn.read(buffer);
    if (read === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, read));
  }
  return text;
}

async function directorySize(path: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(path)) {
    const full = `${path}/${entry.name}`;
    if (entry.isDirectory) total += await directorySize(full);
    else if (entry.isFile) total += (await Deno.stat(full)).size;
  }
  return total;
}

async function npmPackages(denoDir: string): Promise<string[]> {
  const registry = `${denoDir}/npm/registry.npmjs.org`;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(registry)) {
      if (!entry.isDirectory) continue;
      if (!entry.name.startsWith("@")) names.push(entry.name);
      else {
        for await (const scoped of Deno.readDir(`${registry}/${entry.name}`)) {
          names.push(`${entry.name}/${scoped.name}`);
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

interface Measure {
  seconds: number;
  downloadedBytes: number;
  cacheBytes: number;
  packages: string[];
  code: number;
}

async function measure(root: string, args: string[], proxyPort: number, received: () => number) {
  const denoDir = await Deno.makeTempDir({ prefix: "first_run_deno_dir_" });
  try {
    const before = received();
    const started = performance.now();
    const { code } = await new Deno.Command("deno", {
      args,
      cwd: root,
      env: {
        DENO_DIR: denoDir,
        HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
        NO_PROXY: "",
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
      },
      stdout: "null",
      stderr: "null",
    }).output();
    const seconds = (performance.now() - started) / 1000;
    // Let the proxy count the last bytes of closing connections.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return {
      seconds,
      downloadedBytes: received() - before,
      cacheBytes: await directorySize(denoDir),
      packages: await npmPackages(denoDir),
      code,
    } satisfies Measure;
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const proxy = startCountingProxy();
const lines = [
  `Empty DENO_DIR per run, ${rounds} interleaved rounds, medians; Deno ${Deno.version.deno}; ${
    new Date().toISOString()
  }.`,
  "",
  "| checkout | command | wall time | downloaded | cache after | npm packages | exit |",
  "| -------- | ------- | --------- | ---------- | ----------- | ------------ | ---- |",
];
try {
  // Rounds are interleaved (each round runs every command in every checkout), so that the load
  // of other processes on a shared machine falls on all of them alike.
  const results = new Map<string, Measure[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of COMMANDS) {
      for (const root of roots) {
        const key = `${root}\u0000${name}`;
        const list = results.get(key) ?? [];
        list.push(await measure(root, args, proxy.port, proxy.received));
        results.set(key, list);
      }
    }
  }
  for (const root of roots) {
    for (const [name] of COMMANDS) {
      const list = results.get(`${root}\u0000${name}`)!;
      const packages = list[0]!.packages;
      const codes = [...new Set(list.map((result) => result.code))].join(", ");
      lines.push(
        `| ${root} | \`${name}\` | ${median(list.map((r) => r.seconds)).toFixed(2)} s | ${
          mb(median(list.map((r) => r.downloadedBytes)))
        } | ${mb(median(list.map((r) => r.cacheBytes)))} | ${packages.length}${
          packages.length <= 5 ? ` (${packages.join(", ")})` : ""
        } | ${codes} |`,
      );
    }
  }
} finally {
  proxy.close();
}
await Deno.stdout.write(new TextEncoder().encode(lines.join("\n") + "\n"));
