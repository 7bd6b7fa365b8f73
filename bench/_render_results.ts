/**
 * Renders `bench/RESULTS.md` from the suite's figures: the machine, the verdict on each target,
 * the detail behind each, the raw `deno bench` table, and the log of changes the benchmarks led
 * to (`bench/CHANGES.md`, kept by hand).
 *
 * @module
 */
import type { Summary } from "./_stats.ts";
import type { BenchJson, RatiosJson, SuiteResults } from "./_results_json.ts";
import { rateLimitReport } from "./_render_rate_limit.ts";

/** Commands, as a reader would type them from the repository root. */
export const COMMANDS = {
  suite: "deno run --allow-read --allow-write --allow-env --allow-run=deno " +
    "--allow-sys=systemMemoryInfo,loadavg,osRelease bench/run.ts",
  bench: "deno bench --json --allow-read --allow-write --allow-env --allow-run=deno bench/",
  ratios: "deno run --allow-read --allow-write --allow-env bench/ratios.ts",
  coldStart:
    "deno run --allow-read --allow-write --allow-env --allow-run=deno bench/cold_start.ts 15",
  batch: "deno run --allow-read --allow-write --allow-env --allow-run=deno bench/batch.ts",
  parse: "deno bench --allow-read --allow-write --allow-env --allow-run=deno bench/parse_bench.ts",
};

/** Largest growth of the parse time from 10,000 to 40,000 state fields (linear is 4x). */
export const LINEAR_PARSE_GROWTH = 5;

/** Largest growth of peak memory from 1k to 10k items that still counts as flat. */
export const FLAT_MEMORY_GROWTH = 1.25;
/** Largest growth of the live heap (after a full collection) from 1k to 10k items. */
export const FLAT_HEAP_GROWTH = 1.1;

const ms = (value: number) =>
  Math.abs(value) < 0.1
    ? `${(value * 1000).toFixed(1)} µs`
    : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const pct = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)} %`;
const x = (ratio: number) => `${ratio.toFixed(2)}x`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const verdict = (met: boolean) => met ? "**met**" : "**not met**";

function progress(values: Record<string, number> | undefined): string {
  return ["10%", "50%", "100%"].map((key) => {
    const value = values?.[key];
    return value === undefined ? "—" : mb(value);
  }).join(" / ");
}

/** The tracing rows of the targets table. */
function tracingRows(ratios: RatiosJson): string[] {
  const { variants, nodes, latencyMs } = ratios.tracing;
  const base = variants["untraced"];
  if (!base) return ["| 1 | tracing overhead | ≤ +5 % | missing | **not met** |"];
  const row = (name: string, label: string, goal: boolean) => {
    const v = variants[name];
    if (!v) return [];
    const extra = v.summary.median - base.summary.median;
    return [
      `| 1 | ${label} | ${goal ? "≤ +5 %" : "(reported)"} | ${pct(v.ratio)} (${
        ms(base.summary.median)
      } → ${ms(v.summary.median)}, ${extra >= 0 ? "+" : ""}${ms(extra)} per run) | ${
        goal ? verdict(v.ratio <= 1.05) : "—"
      } |`,
    ];
  };
  return [
    ...row(
      "sync",
      `tracing overhead, sync logging into SQLite (${nodes} nodes, ${latencyMs} ms mock calls)`,
      true,
    ),
    ...row("async", "tracing overhead, async logging into SQLite", true),
    ...row("sync, sink in a worker", "sync logging, sink in a worker (`SqliteWorkerSink`)", true),
    ...row("async, sink in a worker", "async logging, sink in a worker (`SqliteWorkerSink`)", true),
    ...row(
      "traced, bundles dropped (no sink)",
      "the tracer alone (bundles built, then dropped)",
      false,
    ),
  ];
}

/** What the overheads are in milliseconds, and what they would be next to real model calls. */
function absoluteCosts(ratios: RatiosJson, sink: SinkFigures | undefined): string[] {
  const { variants, nodes } = ratios.tracing;
  const base = variants["untraced"]?.summary.median;
  if (base === undefined) return [];
  const extra = (name: string) => (variants[name]?.summary.median ?? Number.NaN) - base;
  const realRun = nodes * 500;
  const share = (ms: number) => `${(ms / realRun * 100).toFixed(1)} %`;
  return [
    `In milliseconds per run: the tracer alone adds ${
      ms(extra("traced, bundles dropped (no sink)"))
    } on the workflow's thread; synchronous logging adds ${
      ms(extra("sync"))
    }, most of it waiting for the sink (${
      sink?.standard === undefined
        ? "see the sink table"
        : `${ms(sink.standard)} per bundle with its 23 artifact files, ${
          ms(sink.small)
        } without them`
    }); asynchronous logging with the sink in a worker adds ${
      ms(extra("async, sink in a worker"))
    }. Next to real model calls of 0.5 s each (a ${
      ms(realRun)
    } run), the same milliseconds would be ${share(extra("sync"))} (sync) and ${
      share(extra("async, sink in a worker"))
    } (async, worker).`,
    "",
  ];
}

function benchAvgMs(bench: BenchJson, name: string): number | undefined {
  const ok = bench.benches.find((b) => b.name === name)?.results[0]?.ok;
  return ok === undefined ? undefined : ok.avg / 1e6;
}

/** Figures of the `workflow parse (state fields)` group (`bench/parse_bench.ts`). */
export interface ParseFigures {
  /** Average time to parse and validate 10,000 state fields. */
  small: number;
  /** Average time to parse and validate 40,000 state fields. */
  large: number;
  /** `large / small`: 4 when the time grows linearly. */
  growth: number;
}

/**
 * Reads the parse figures out of the `deno bench` results.
 *
 * @param bench The results.
 * @returns The figures, or `undefined` when the benchmarks are missing.
 */
export function parseFigures(bench: BenchJson): ParseFigures | undefined {
  const small = benchAvgMs(bench, "safeParseWorkflow(), 10000 state fields");
  const large = benchAvgMs(bench, "safeParseWorkflow(), 40000 state fields");
  if (small === undefined || large === undefined) return undefined;
  return { small, large, growth: large / small };
}

/**
 * The target row and the section of the parse benchmarks.
 *
 * @param bench The `deno bench` results.
 * @returns The row, and the section's lines.
 */
/** Largest overhead of deterministic scoring over the runs themselves (issue 10). */
export const SCORING_OVERHEAD = 1.05;

/**
 * The target row and the section of `evaluate`: deterministic scoring against the runs alone.
 *
 * @param ratios The interleaved ratios.
 * @returns The row and the section.
 */
export function evaluationReport(ratios: RatiosJson): { row: string; section: string[] } {
  const figures = ratios.evaluation;
  const batch = figures?.variants["batch"];
  const evaluation = figures?.variants["evaluation"];
  const row = `| 6 | \`evaluate\` with 6 deterministic checks vs a batch of the same ${
    figures?.records ?? "?"
  } records (${figures?.latencyMs ?? "?"} ms mock calls) | ≤ ${pct(SCORING_OVERHEAD)} | ${
    batch && evaluation
      ? `${pct(evaluation.ratio)} (${ms(batch.summary.median)} → ${ms(evaluation.summary.median)})`
      : "missing"
  } | ${verdict((evaluation?.ratio ?? Infinity) <= SCORING_OVERHEAD)} |`;
  const section = [
    "## 6. Evaluation: deterministic scoring over the runs",
    "",
    `Command: \`${COMMANDS.ratios} evaluation\` (interleaved, 80 rounds; the \`deno bench\` group of \`bench/evaluation_bench.ts\` gives the same two variants one after the other, for reference). The scenario (\`bench/_evaluation_scenario.ts\`) runs the same records of a one-node workflow as a batch (\`runBatch\`) and as an evaluation (\`evaluateWorkflow\`: the dataset checked against the workflow, the runs on the same worker pool, six deterministic checks per record, the aggregates), both untracked at concurrency 4; the ratio is the median of the per-round ratios (p25 ${
      evaluation ? x(evaluation.ratioP25) : "?"
    }, p75 ${evaluation ? x(evaluation.ratioP75) : "?"}).`,
    "",
  ];
  return { row, section };
}

export function parseReport(bench: BenchJson): { row: string; section: string[] } {
  const figures = parseFigures(bench);
  const row =
    `| 5 | parse and validate a workflow of 40,000 state fields, time vs 10,000 (linear: 4x) | ≤ ${
      x(LINEAR_PARSE_GROWTH)
    } | ${
      figures ? `${x(figures.growth)} (${ms(figures.small)} → ${ms(figures.large)})` : "missing"
    } | ${verdict((figures?.growth ?? Infinity) <= LINEAR_PARSE_GROWTH)} |`;
  const section = [
    "## 5. Parsing large workflow files",
    "",
    `Command: \`${COMMANDS.parse}\` (part of \`${COMMANDS.bench}\`). \`safeParseWorkflow()\` is what \`validate\` does once the file is read: YAML, schema and every semantic check. The workflow has one node and 10,000 or 40,000 extra state fields, one \`field_i: {type: str}\` line each (about 1 MB at 40,000). npm:yaml's own duplicate-key check compared every key with every other and took 19 s at 40,000 fields; the keys are now checked in one pass.`,
    "",
    "| benchmark | n | avg | min | p75 |",
    "| --------- | - | --- | --- | --- |",
    ...bench.benches.filter((b) => b.group === "workflow parse (state fields)").map((b) => {
      const ok = b.results[0]?.ok;
      return ok
        ? `| ${b.name} | ${ok.n} | ${ms(ok.avg / 1e6)} | ${ms(ok.min / 1e6)} | ${
          ms(ok.p75 / 1e6)
        } |`
        : `| ${b.name} | failed | | | |`;
    }),
    "",
  ];
  return { row, section };
}

function summaryCells(summary: Summary): string {
  return `${ms(summary.median)} | ${ms(summary.p25)} … ${ms(summary.p75)} | ${ms(summary.mean)}`;
}

/** Figures of the SQLite sink from the `sqlite sink` group. */
export interface SinkFigures {
  /** Average time of one 21-span bundle. */
  small: number;
  /** Average time of one 101-span bundle. */
  large: number;
  /** Average time of one 21-span bundle with 23 artifacts. */
  standard: number | undefined;
  /** Cost of one more span. */
  perSpanMs: number;
  /** Spans per second writing 101-span bundles. */
  spansPerSecond: number;
}

/**
 * Reads the SQLite sink figures of a sink out of the `deno bench` results.
 *
 * @param bench The results.
 * @param sink The sink's name in the benchmark names.
 * @returns The figures, or `undefined` when the benchmarks are missing.
 */
export function sinkFigures(bench: BenchJson, sink: string): SinkFigures | undefined {
  const small = benchAvgMs(bench, `${sink}.deliver(), one bundle of 21 spans`);
  const large = benchAvgMs(bench, `${sink}.deliver(), one bundle of 101 spans`);
  if (small === undefined || large === undefined) return undefined;
  return {
    small,
    large,
    standard: benchAvgMs(bench, `${sink}.deliver(), one bundle of 21 spans + 23 artifact files`),
    perSpanMs: (large - small) / 80,
    spansPerSecond: 101 / (large / 1000),
  };
}

function machineSection(results: SuiteResults): string[] {
  const { machine } = results;
  const load = (l: number[] | undefined) => l ? l.map((v) => v.toFixed(2)).join(", ") : "unknown";
  return [
    "## Machine",
    "",
    `- Date: ${results.started.toISOString()} to ${results.finished.toISOString()} (${
      ((results.finished.getTime() - results.started.getTime()) / 1000).toFixed(0)
    } s for the whole suite)`,
    `- CPU: ${machine.cpu}, ${machine.cores} cores (${machine.arch})`,
    `- Memory: ${
      machine.memoryBytes === undefined
        ? "unknown (grant --allow-sys=systemMemoryInfo)"
        : `${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB`
    }`,
    `- OS: ${machine.os}`,
    `- Deno ${machine.deno}, V8 ${machine.v8}, TypeScript ${machine.typescript}`,
    `- Load average (1, 5, 15 min) before: ${load(machine.loadBefore)}; after: ${
      load(machine.loadAfter)
    }. The machine is shared: other processes run while the suite runs, so ratios are measured` +
    " interleaved (every round runs each variant, the order rotating) and summarised by the" +
    " median of the per-round ratios; the `deno bench` averages (one benchmark after the other)" +
    " are listed for reference only.",
    "",
  ];
}

/**
 * Renders the results as Markdown.
 *
 * @param results Everything the suite measured.
 * @returns The text of `RESULTS.md`.
 */
export function renderResults(results: SuiteResults): string {
  const { ratios, coldStart, batch, bench } = results;
  const sink = sinkFigures(bench, "SqliteSink");
  const workerSink = sinkFigures(bench, "SqliteWorkerSink");
  const validate = coldStart.commands["validate examples/echo.yaml"];
  const empty = coldStart.commands["empty script"];
  const runMock = coldStart.commands["run --mock examples/echo.yaml"];
  const runTracked = coldStart.commands["run --mock examples/echo.yaml, tracked into SQLite"];
  const batch1k = batch.runs.find((r) => r.mode === "engine" && r.items === 1000);
  const batch10k = batch.runs.find((r) => r.mode === "engine" && r.items === 10_000);
  const hand1k = batch.runs.find((r) => r.mode === "hand" && r.items === 1000);
  const engine0 = ratios.engine_0ms.variants["engine"];
  const engine5 = ratios.engine_5ms.variants["engine"];
  const memoryGrowth = batch1k && batch10k ? batch10k.peakRssKb / batch1k.peakRssKb : Number.NaN;
  const heap1k = batch1k?.liveHeapKbAtProgress?.["100%"];
  const heap10k = batch10k?.liveHeapKbAtProgress?.["100%"];
  const heapGrowth = heap1k && heap10k ? heap10k / heap1k : Number.NaN;
  const best = workerSink && sink
    ? (workerSink.spansPerSecond > sink.spansPerSecond ? workerSink : sink)
    : sink ?? workerSink;

  const parse = parseReport(bench);
  const evaluation = evaluationReport(ratios);
  const rateLimit = rateLimitReport(results.rateLimit);
  const lines: string[] = [
    "# Benchmark results",
    "",
    `Written by \`deno task bench\` (\`${COMMANDS.suite}\`). Every figure below comes from that` +
    " one run of the suite; rerun it to refresh them. What the benchmarks led us to change, with" +
    " figures before and after, is at the end.",
    "",
    ...machineSection(results),
    "## Targets",
    "",
    "| # | target | goal | measured | verdict |",
    "| - | ------ | ---- | -------- | ------- |",
    ...tracingRows(ratios),
    `| 1 | SQLite sink, cost of one more span | (reported) | ${
      sink ? `${(sink.perSpanMs * 1000).toFixed(0)} µs (SqliteSink)` : "missing"
    }${
      workerSink ? `, ${(workerSink.perSpanMs * 1000).toFixed(0)} µs (SqliteWorkerSink)` : ""
    } | — |`,
    `| 1 | SQLite sink throughput (101-span bundles) | ≥ 2000 spans/s | ${
      sink ? `${sink.spansPerSecond.toFixed(0)} spans/s (SqliteSink)` : "missing"
    }${
      workerSink ? `, ${workerSink.spansPerSecond.toFixed(0)} spans/s (SqliteWorkerSink)` : ""
    } | ${verdict((best?.spansPerSecond ?? 0) >= 2000)} |`,
    `| 2 | cold start: \`validate\` vs \`deno run\` of an empty script | ≤ 2x | ${
      validate && empty
        ? `${x(validate.ratio)} (${ms(empty.summary.median)} → ${ms(validate.summary.median)})`
        : "missing"
    } | ${verdict((validate?.ratio ?? Infinity) <= 2)} |`,
    `| 2 | \`run --mock\` of examples/echo.yaml end to end | (reported) | ${
      runMock ? `${ms(runMock.summary.median)} untracked` : "missing"
    }${runTracked ? `, ${ms(runTracked.summary.median)} tracked into SQLite` : ""} | — |`,
    `| 3 | batch of 1000, concurrency 50, 3 nodes, 20 ms calls: wall time vs ideal ${
      ms(batch1k?.idealMs ?? Number.NaN)
    } | ≤ 1.3x | ${batch1k ? `${x(batch1k.ratioToIdeal)} (${ms(batch1k.wallMs)})` : "missing"} | ${
      verdict((batch1k?.ratioToIdeal ?? Infinity) <= 1.3)
    } |`,
    `| 3 | peak memory (RSS) flat from 1k to 10k items (growth ≤ ${FLAT_MEMORY_GROWTH}x) | flat | ${
      batch1k && batch10k
        ? `${mb(batch1k.peakRssKb)} → ${mb(batch10k.peakRssKb)} (${x(memoryGrowth)})`
        : "missing"
    } | ${verdict(memoryGrowth <= FLAT_MEMORY_GROWTH)} |`,
    `| 3 | live heap after a full collection, 1k vs 10k items (growth ≤ ${FLAT_HEAP_GROWTH}x: nothing kept per item) | flat | ${
      heap1k !== undefined && heap10k !== undefined
        ? `${mb(heap1k)} → ${mb(heap10k)} (${x(heapGrowth)})`
        : "missing"
    } | ${verdict(heapGrowth <= FLAT_HEAP_GROWTH)} |`,
    `| 4 | engine vs hand-written LangGraph graph, instant mock model | ≤ 1.2x | ${
      engine0 ? x(engine0.ratio) : "missing"
    } | ${verdict((engine0?.ratio ?? Infinity) <= 1.2)} |`,
    `| 4 | engine vs hand-written LangGraph graph, 5 ms mock model | ≤ 1.2x | ${
      engine5 ? x(engine5.ratio) : "missing"
    } | ${verdict((engine5?.ratio ?? Infinity) <= 1.2)} |`,
    parse.row,
    evaluation.row,
    ...rateLimit.rows,
    `| — | \`deno task bench\` runs the whole suite | < 10 min | ${
      ((results.finished.getTime() - results.started.getTime()) / 60_000).toFixed(1)
    } min | ${verdict(results.finished.getTime() - results.started.getTime() < 600_000)} |`,
    "",
  ];

  lines.push(
    "## 1. Tracing overhead and the SQLite sink",
    "",
    `Command: \`${COMMANDS.ratios}\` (interleaved; ${
      ratios.tracing.variants["untraced"]?.summary.n ?? 0
    } rounds, each running every variant ${ratios.tracing.block} times in a row and measuring all but the first, so that the background work an asynchronous run leaves lands on runs of its own kind).`,
    "",
    `The workflow has ${ratios.tracing.nodes} LLM nodes; the mock model waits ${ratios.tracing.latencyMs} ms per call on a real timer (Deno's timers fire about 1 ms late, so a call takes about ${
      ratios.tracing.latencyMs + 1
    } ms). With an instant mock, "overhead" would compare tracing with LangGraph's own bookkeeping, which no real run has; real provider calls take 0.3 to 5 s, so 5 ms is a harsh but realistic floor. Runs are traced at the default \`artifact_level: standard\`: each writes 21 spans and 23 artifact files.`,
    "",
    "`sync` and `async` record through the sink the delivery opens for a `sqlite:///` URI (what `run` does today); the `sink in a worker` variants use `SqliteWorkerSink` instead; `bundles dropped` builds every bundle and throws it away, which isolates the tracer's own cost on the thread that runs the workflow.",
    "",
    "| variant | median | p25 … p75 | mean | median of per-round ratio (p25 … p75) |",
    "| ------- | ------ | --------- | ---- | ------------------------------------- |",
    ...Object.entries(ratios.tracing.variants).map(([name, v]) =>
      `| ${name} | ${summaryCells(v.summary)} | ${x(v.ratio)} (${x(v.ratioP25)} … ${
        x(v.ratioP75)
      }) |`
    ),
    "",
    `Flushing and closing every tracking at the end took ${ms(ratios.tracingCloseMs)}.`,
    "",
    ...absoluteCosts(ratios, sink),
    "",
    `SQLite sink, from \`${COMMANDS.bench}\` (group \`sqlite sink\`): the cost of one more span is the difference between a 101-span and a 21-span bundle, divided by 80; throughput is 101 spans over the time of a 101-span bundle.`,
    "",
    "| sink | 21-span bundle | 101-span bundle | 21 spans + 23 artifacts | one more span | throughput |",
    "| ---- | -------------- | --------------- | ----------------------- | ------------- | ---------- |",
    ...([["SqliteSink", sink], ["SqliteWorkerSink", workerSink]] as const).flatMap((
      [name, figures],
    ) =>
      figures
        ? [
          `| ${name} | ${ms(figures.small)} | ${ms(figures.large)} | ${
            figures.standard === undefined ? "—" : ms(figures.standard)
          } | ${(figures.perSpanMs * 1000).toFixed(0)} µs | ${
            figures.spansPerSecond.toFixed(0)
          } spans/s |`,
        ]
        : []
    ),
    "",
  );

  lines.push(
    "## 2. Cold start",
    "",
    `Command: \`${COMMANDS.coldStart}\` (${coldStart.rounds} interleaved rounds; each spawns every command once; wall time from spawn to exit).`,
    "",
    "| command | median | p25 … p75 | mean | vs empty script (median of per-round ratio) |",
    "| ------- | ------ | --------- | ---- | ------------------------------------------- |",
    ...Object.values(coldStart.commands).map((c) =>
      `| \`${c.command}\` | ${summaryCells(c.summary)} | ${x(c.ratio)} |`
    ),
    "",
    ...(empty
      ? [
        "Cost of each dependency alone (median minus the empty script): " +
        [
          "import commander",
          "import yaml",
          "import zod",
          "import src/config",
          "import validate path",
        ]
          .map((name) => {
            const c = coldStart.commands[name];
            return c
              ? `${name.replace("import ", "")} +${ms(c.summary.median - empty.summary.median)}`
              : "";
          }).filter(Boolean).join(", ") +
        ".",
        "",
        `The 2x target leaves ${
          ms(empty.summary.median)
        } on top of the empty script for everything \`validate\` does. Loading \`yaml\` alone costs more than that here, and \`validate\` needs \`yaml\` and \`zod\` to parse and check a workflow, so the target is out of reach with these dependencies; what the figures show can still be trimmed is in the report to the lead (the command tree loads \`commander\` before anything, and the validate path loads all of \`src/config\`, JSON Schema and Mermaid included).`,
        "",
      ]
      : []),
  );

  lines.push(
    "## 3. Batch",
    "",
    `Command: \`${COMMANDS.batch}\`. Each batch runs in a fresh process (\`bench/_batch_child.ts\`): its items are written to a JSONL file first, then streamed through \`readJsonLines\` into \`runBatch\` (what \`run --input-file items.jsonl --concurrency ${batch.concurrency} --mock --mock-latency ${batch.latencyMs} --no-tracking\` does), each result serialised and dropped. The \`hand\` batch runs the same items through the hand-written LangGraph graph in a pool of ${batch.concurrency}: the floor LangGraph sets. Memory is the process's resident set, sampled every 25 ms with \`Deno.memoryUsage()\` (Deno gives \`/proc/self/status\` only to \`--allow-all\`).`,
    "",
    "| batch | items | wall | ideal | wall / ideal | CPU time | CPU per item | RSS before | peak RSS (at 10 % / 50 % / 100 % of items) | live heap after full GC (10 % / 50 % / 100 %) |",
    "| ----- | ----- | ---- | ----- | ------------ | -------- | ------------ | ---------- | ------------------------------------------ | --------------------------------------------- |",
    ...batch.runs.map((r) =>
      `| ${r.mode} | ${r.items} | ${ms(r.wallMs)} | ${ms(r.idealMs)} | ${x(r.ratioToIdeal)} | ${
        ms(r.cpuMs)
      } | ${ms(r.cpuMs / r.items)} | ${mb(r.rssBeforeKb)} | ${mb(r.peakRssKb)} (${
        progress(r.peakRssKbAtProgress)
      }) | ${progress(r.liveHeapKbAtProgress)} |`
    ),
    "",
    ...(batch1k && hand1k
      ? [
        `The engine's batch took ${
          x(batch1k.wallMs / hand1k.wallMs)
        } the hand-written graph's wall time and ${
          x(batch1k.cpuMs / hand1k.cpuMs)
        } its CPU time. Both are bound by CPU on one thread: to finish in the ideal time, with ${batch.concurrency} items in flight each waiting ${
          ms(batch.nodes * batch.latencyMs)
        } on its model, an item may use at most ${
          ms(batch.nodes * batch.latencyMs / batch.concurrency)
        } of CPU (${
          ms(1.3 * batch.nodes * batch.latencyMs / batch.concurrency)
        } for 1.3x); the engine uses ${
          ms(batch1k.cpuMs / batch1k.items)
        } and the hand-written LangGraph graph ${
          ms(hand1k.cpuMs / hand1k.items)
        }. Where that CPU goes is under "Where the batch time goes" below.`,
        "",
      ]
      : []),
  );

  lines.push(
    "## 4. Engine vs a hand-written LangGraph.js graph",
    "",
    `Command: \`${COMMANDS.ratios}\` (interleaved). The hand-written graph (\`bench/_hand_graph.ts\`) has the same ${ratios.engine_0ms.nodes} nodes, prompts and \`MockChatModel\` calls through \`withStructuredOutput\`, without what the engine adds (typed state checks, templates, spans, budget, retries, timeouts, events).`,
    "",
    "| model latency | variant | median | p25 … p75 | mean | median of per-round ratio (p25 … p75) |",
    "| ------------- | ------- | ------ | --------- | ---- | ------------------------------------- |",
    ...[ratios.engine_0ms, ratios.engine_5ms].flatMap((group) =>
      Object.entries(group.variants).map(([name, v]) =>
        `| ${group.latencyMs} ms | ${name} | ${summaryCells(v.summary)} | ${x(v.ratio)} (${
          x(v.ratioP25)
        } … ${x(v.ratioP75)}) |`
      )
    ),
    "",
  );

  lines.push(...parse.section);
  lines.push(...evaluation.section);
  lines.push(...rateLimit.section);

  lines.push(
    "## `deno bench` (one benchmark after the other)",
    "",
    `Command: \`${COMMANDS.bench}\`. Runtime ${bench.runtime}, CPU ${bench.cpu}.`,
    "",
    "| group | benchmark | n | avg | min | p75 | p99 |",
    "| ----- | --------- | - | --- | --- | --- | --- |",
    ...bench.benches.map((b) => {
      const ok = b.results[0]?.ok;
      if (!ok) return `| ${b.group ?? ""} | ${b.name} | failed | | | | |`;
      return `| ${b.group ?? ""} | ${b.name}${b.baseline ? " (baseline)" : ""} | ${ok.n} | ${
        ms(ok.avg / 1e6)
      } | ${ms(ok.min / 1e6)} | ${ms(ok.p75 / 1e6)} | ${ms(ok.p99 / 1e6)} |`;
    }),
    "",
  );

  if (results.changes.trim() !== "") lines.push(results.changes.trim(), "");
  return lines.join("\n");
}
