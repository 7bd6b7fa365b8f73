/**
 * The rate-limited batch of `bench/RESULTS.md` (target 7): its rows in the targets table and
 * its section, from what `rate_limit.ts` printed.
 *
 * @module
 */
import type { RateLimitJson, RateLimitRun } from "./_results_json.ts";

/** The command, as a reader would type it from the repository root (`deno task bench:rate-limit`). */
export const RATE_LIMIT_COMMAND =
  "deno run --allow-read --allow-write --allow-env --allow-run=deno --allow-net=127.0.0.1 bench/rate_limit.ts";

/** The goal's limit: `rate_limit.ts` enforces it unless told otherwise. */
export const RATE_LIMIT_GOAL_RPM = 600;

/** The records and rate `deno task bench` passes: the goal's limit scaled tenfold, to be quick. */
export const RATE_LIMIT_SCALED_ARGS: readonly string[] = ["1000", "6000"];

/** Largest wall time over the least the limit allows. */
export const RATE_LIMIT_WALL_RATIO = 1.15;
/** Largest share of requests answered 429. */
export const RATE_LIMIT_429_SHARE = 0.02;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const x = (ratio: number) => `${ratio.toFixed(2)}x`;
const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
const verdict = (met: boolean) => met ? "**met**" : "**not met**";

/**
 * The rows and the section of target 7.
 *
 * @param json What `rate_limit.ts` printed, or `undefined` when it did not run.
 * @returns Target rows and the section's lines.
 */
export function rateLimitReport(
  json: RateLimitJson | undefined,
): { rows: string[]; section: string[] } {
  if (json === undefined) {
    return { rows: ["| 7 | rate-limited batch | | missing | **not met** |"], section: [] };
  }
  const limited = json.runs.find((run) => run.limited);
  const unlimited = json.runs.find((run) => !run.limited);
  const share = (run: RateLimitRun) => run.rateLimited / run.requests;
  const ratio = (run: RateLimitRun) => run.wallMs / json.minimumMs;
  const { resume } = json;
  const onceEach = resume.output.missing === 0 && resume.output.duplicates === 0 &&
    resume.output.lines === json.records && resume.mlflow.missing === 0 &&
    resume.mlflow.duplicates === 0 && resume.mlflow.traces === json.records;
  const scale = `${json.records} records × ${json.nodes} nodes at ${json.rpm} RPM`;
  const rows = [
    `| 7 | rate-limited batch (${scale}, concurrency ${json.concurrency}): failed records | 0 | ${
      limited ? limited.failed : "missing"
    } | ${verdict(limited?.failed === 0 && limited.succeeded === json.records)} |`,
    `| 7 | its wall time vs the least the limit allows (${seconds(json.minimumMs)}) | ≤ ${
      x(RATE_LIMIT_WALL_RATIO)
    } | ${limited ? `${x(ratio(limited))} (${seconds(limited.wallMs)})` : "missing"} | ${
      verdict(limited !== undefined && ratio(limited) <= RATE_LIMIT_WALL_RATIO)
    } |`,
    `| 7 | its requests answered 429 | ≤ ${percent(RATE_LIMIT_429_SHARE)} | ${
      limited ? `${percent(share(limited))} (${limited.rateLimited} of ${limited.requests})` : ""
    } | ${verdict(limited !== undefined && share(limited) <= RATE_LIMIT_429_SHARE)} |`,
    `| 7 | the same batch without the rate limit | (reported) | ${
      unlimited
        ? `${unlimited.failed} failed, ${percent(share(unlimited))} answered 429, ${
          x(ratio(unlimited))
        }`
        : "missing"
    } | — |`,
    `| 7 | stopped by SIGTERM at about half, then \`--resume\`d: each record once in the output and in MLflow | once | ${resume.output.lines} result lines, ${resume.mlflow.traces} traces (missing ${
      resume.output.missing + resume.mlflow.missing
    }, twice ${resume.output.duplicates + resume.mlflow.duplicates}) | ${verdict(onceEach)} |`,
  ];
  const section = [
    "## 7. Rate-limited batch",
    "",
    `Command: \`${RATE_LIMIT_COMMAND}${
      json.rpm === RATE_LIMIT_GOAL_RPM ? "" : ` ${json.records} ${json.rpm}`
    }\`. A loopback OpenAI-compatible server in its own process (\`bench/_rate_limited_server.ts\`) enforces ${json.rpm} requests per minute the way providers do, over one-second windows: it answers ${
      Math.round(json.rpm / 60)
    } requests in each second of its clock and refuses the next with HTTP 429, \`retry-after\`, \`retry-after-ms\` and OpenAI's \`x-ratelimit-*\` headers; answers take ${json.latencyMs} ms. ${
      json.rpm === RATE_LIMIT_GOAL_RPM
        ? "That is the goal's limit."
        : `The limit is scaled from the ${RATE_LIMIT_GOAL_RPM} RPM of the goal (the batch would take ${
          seconds(json.minimumMs * json.rpm / RATE_LIMIT_GOAL_RPM)
        } at that rate; \`deno task bench:rate-limit\` runs it) and measured the same way.`
    } The least wall time is ${json.records} records × ${json.nodes} model calls at ${json.rpm} RPM = ${
      seconds(json.minimumMs)
    }. Each batch is one \`cli.ts run\` process (\`--input-file\` of ${json.records} records, \`--concurrency ${json.concurrency}\`, \`--output\`, tracked into a fresh MLflow SQLite file), timed from spawn to exit: start-up and the wait for the last traces' delivery are included. The limited batch's workflow sets \`config.llm.rate_limit: { rpm: ${json.rpm} }\`; the other is the same file without it (adaptive concurrency is on in both).`,
    "",
    "| batch | exit | wall | wall / least | server's first to last request | requests | answered 429 | most answered in a second | records failed | retries (of them after a 429) | lowest concurrency |",
    "| ----- | ---- | ---- | ------------ | ------------------------------ | -------- | ------------ | ------------------------- | -------------- | ----------------------------- | ------------------ |",
    ...json.runs.map((run) =>
      `| ${run.limited ? "rate limit" : "no rate limit"} | ${run.exitCode} | ${
        seconds(run.wallMs)
      } | ${x(ratio(run))} | ${seconds(run.serverSpanMs)} | ${run.requests} | ${run.rateLimited} (${
        percent(share(run))
      }) | ${run.mostInAWindow} | ${run.failed} | ${run.retries} (${run.rateLimitedAbsorbed}) | ${run.lowestConcurrency} |`
    ),
    "",
    ...json.runs.map((run) => `- ${run.name}: \`${run.command}\``),
    "",
    `Stopped and resumed: \`${resume.command}\`. The first SIGTERM stops a batch gently: no new record starts and the runs in flight finish and are delivered (it exited ${resume.stopExitCode} with ${resume.inOutputAfterStop} records in the output, ${resume.inOutputWhenSignalled} when signalled); \`--resume\` (exit ${resume.resumeExitCode}) ran the others. The output then held ${resume.output.lines} result lines (${
      Object.entries(resume.output.statuses).map(([status, n]) => `${n} ${status}`).join(", ")
    }; records missing: ${resume.output.missing}, twice: ${resume.output.duplicates}) and the MLflow file ${resume.mlflow.traces} traces, ${resume.mlflow.ok} of them OK (records missing: ${resume.mlflow.missing}, twice: ${resume.mlflow.duplicates}), counted by the record id in each trace's request. Both processes together took ${
      seconds(resume.wallMs)
    }.`,
    "",
  ];
  return { rows, section };
}
