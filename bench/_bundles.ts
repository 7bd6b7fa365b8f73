/**
 * Trace bundles for sink benchmarks: one recorded from a real mock run of the benchmark
 * workflow, and copies of it under fresh trace ids (a sink writes a trace id only once).
 *
 * @module
 */
import { compileWorkflow } from "../src/engine/compile_workflow.ts";
import { MlflowTracker } from "../src/tracking/mlflow_tracker.ts";
import type { TraceBundle } from "../src/tracking/trace_bundle.ts";
import { isRunBundle, TRACE_ID_TAG, type TraceSink } from "../src/tracking/trace_bundle.ts";
import { benchDeps, linearWorkflow } from "./_fixtures.ts";

/**
 * Records one mock run of the `nodes`-node benchmark workflow and returns its bundle (one root
 * span, one CHAIN and one CHAT_MODEL span per node) with an MLflow run of its own, as
 * `run_per_execution` records it (the heaviest bundle a sink writes, and the shape the
 * figures in RESULTS.md were measured with).
 *
 * @param nodes Number of nodes of the workflow.
 * @param artifactLevel `artifact_level` of the bundle.
 * @returns The bundle.
 */
export async function recordBundle(
  nodes: number,
  artifactLevel: "minimal" | "standard" | "full",
): Promise<TraceBundle> {
  const bundles: TraceBundle[] = [];
  const tracker = new MlflowTracker({
    trackingUri: "sqlite:///bench.db",
    experimentName: "bench",
    mlflow: { artifact_level: artifactLevel },
    async: false,
    preflight: false,
    runPerExecution: true,
    sink: collectingSink(bundles),
  });
  const compiled = compileWorkflow(linearWorkflow(nodes), benchDeps(0));
  await compiled.run({ topic: "tide pools" }, { mock: true, tracer: tracker });
  await tracker.close();
  const [bundle] = bundles;
  if (bundle === undefined) throw new Error("Cannot record a bundle as the run recorded none");
  return bundle;
}

/**
 * A sink that only keeps what it is given (or nothing, without a list): a tracker over it does
 * all its own work and delivers nowhere.
 *
 * @param bundles Receives each bundle, when given.
 * @returns The sink.
 */
export function collectingSink(bundles?: TraceBundle[]): TraceSink {
  return {
    deliver: (bundle) => {
      if (!isRunBundle(bundle)) bundles?.push(bundle);
      return Promise.resolve({ experimentId: "1", runId: "r", alreadyPresent: false });
    },
    close: () => Promise.resolve(),
  };
}

let counter = 0;

/**
 * A copy of a bundle under a new, unique trace id.
 *
 * @param bundle The bundle.
 * @returns The copy.
 */
export function withFreshTraceId(bundle: TraceBundle): TraceBundle {
  const copy = structuredClone(bundle);
  const hex = (++counter).toString(16).padStart(8, "0") +
    crypto.randomUUID().replaceAll("-", "").slice(8);
  const traceId = `tr-${hex}`;
  copy.trace.traceId = traceId;
  for (const span of copy.trace.spans) {
    span.traceId = hex;
    span.attributes["mlflow.traceRequestId"] = traceId;
  }
  if (copy.run) copy.run.tags[TRACE_ID_TAG] = traceId;
  return copy;
}
