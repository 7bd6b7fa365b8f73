/**
 * What the provider fault suite shares: a one-node workflow on an openai-compatible server,
 * engine deps whose sleep, clock, jitter and timers are injected and recorded, an MLflow tracker
 * that keeps its bundles in memory, and an answer in whichever form the OpenAI integration asked
 * for its structured output.
 *
 * @module
 */
import type { LoadedWorkflow } from "../../../src/config/loaded_workflow.ts";
import { prepareWorkflow } from "../../../src/config/prepare_workflow.ts";
import type { EngineDeps } from "../../../src/engine/engine_types.ts";
import { MlflowTracker } from "../../../src/tracking/mlflow_tracker.ts";
import {
  isRunBundle,
  type SpanRecord,
  type TraceBundle,
} from "../../../src/tracking/trace_bundle.ts";
import {
  chatCompletion,
  type RecordedRequest,
  type ScriptedResponse,
} from "../../_helpers/fake_openai_server.ts";

/** The fixed clock of the suite: 2026-11-27 12:00:00 UTC. */
export const NOW: number = Date.UTC(2026, 10, 27, 12, 0, 0);

/** Settings of the one-node workflow. */
export interface EchoWorkflowOptions {
  /** `config.execution.max_retries`. */
  maxRetries?: number;
  /** The node's own `max_retries`. */
  nodeMaxRetries?: number;
  /** `config.execution.node_timeout`, seconds. */
  nodeTimeout?: number;
  /** `config.execution.timeout`, seconds. */
  runTimeout?: number;
}

/**
 * A one-node workflow (`echo`: message → reply) on an openai-compatible server.
 *
 * @param baseUrl The server's `/v1` URL.
 * @param options Retries and timeouts.
 * @returns The loaded workflow.
 */
export function echoWorkflow(baseUrl: string, options: EchoWorkflowOptions = {}): LoadedWorkflow {
  const prompt = "Repeat exactly: {state.message}";
  return prepareWorkflow({
    schema_version: "1.0",
    flow: { name: "echo_faults" },
    state: {
      fields: { message: { type: "str", required: true }, reply: { type: "str" } },
    },
    nodes: [{
      id: "echo",
      prompt,
      outputs: ["reply"],
      output_schema: { type: "str", description: "The message, unchanged" },
      ...(options.nodeMaxRetries === undefined ? {} : { max_retries: options.nodeMaxRetries }),
    }],
    edges: [{ from: "START", to: "echo" }, { from: "echo", to: "END" }],
    config: {
      llm: { provider: "openai-compatible", model: "gpt-4o-mini", base_url: baseUrl },
      execution: {
        max_retries: options.maxRetries ?? 3,
        ...(options.nodeTimeout === undefined ? {} : { node_timeout: options.nodeTimeout }),
        ...(options.runTimeout === undefined ? {} : { timeout: options.runTimeout }),
      },
    },
  });
}

/** A timer the engine started. */
export interface RecordedTimer {
  /** Its delay. */
  ms: number;
  /** Fires it now (once; not after it was cancelled). */
  fire(): void;
  /** Whether the engine cancelled it. */
  readonly cancelled: boolean;
}

/** Engine deps that record every wait and timer. */
export interface FaultDeps extends EngineDeps {
  /** Every wait handed to `sleep`, in order. */
  readonly sleeps: number[];
  /** Every timer started, in order. */
  readonly timers: RecordedTimer[];
}

/**
 * Engine deps for real loopback requests: the real fetch and `createChatModel`, no keys, a
 * fixed clock, jitter 0.5, an instant sleep that records its waits (and runs `onSleep`), and
 * timers that only fire when the test fires them.
 *
 * @param onSleep Runs at each wait, before it resolves (to fire a timer during a backoff).
 * @returns The deps.
 */
export function faultDeps(onSleep?: (deps: FaultDeps) => void): FaultDeps {
  const sleeps: number[] = [];
  const timers: RecordedTimer[] = [];
  const deps: FaultDeps = {
    sleeps,
    timers,
    env: () => undefined,
    fetch: (input, init) => fetch(input, init),
    readTextFile: () => Promise.reject(new Error("No files in the provider fault suite")),
    writeTextFile: () => Promise.reject(new Error("No files in the provider fault suite")),
    now: () => NOW,
    random: () => 0.5,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      onSleep?.(deps);
      return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    },
    setTimer: (callback, ms) => {
      let cancelled = false;
      let fired = false;
      timers.push({
        ms,
        fire: () => {
          if (cancelled || fired) return;
          fired = true;
          callback();
        },
        get cancelled() {
          return cancelled;
        },
      });
      return () => void (cancelled = true);
    },
  };
  return deps;
}

/**
 * Fires the live timers of a given delay.
 *
 * @param deps The deps that recorded them.
 * @param ms The delay of the timers to fire.
 * @returns How many fired.
 */
export function fireTimers(deps: FaultDeps, ms: number): number {
  const live = deps.timers.filter((timer) => timer.ms === ms && !timer.cancelled);
  for (const timer of live) timer.fire();
  return live.length;
}

/**
 * A tracker whose delivery keeps every bundle in memory.
 *
 * @returns The tracker and the bundles it delivered.
 */
export function memoryTracker(): { tracker: MlflowTracker; bundles: TraceBundle[] } {
  const bundles: TraceBundle[] = [];
  const tracker = new MlflowTracker({
    trackingUri: "sqlite:///faults.db",
    experimentName: "provider_faults",
    mlflow: { artifact_level: "minimal" },
    now: () => NOW,
    async: false,
    preflight: false,
    // Each run with an MLflow run of its own: the faults tests check its status too.
    runPerExecution: true,
    sink: {
      deliver: (bundle) => {
        if (!isRunBundle(bundle)) bundles.push(bundle);
        return Promise.resolve({ experimentId: "1", runId: "r", alreadyPresent: false });
      },
      close: () => Promise.resolve(),
    },
  });
  return { tracker, bundles };
}

/**
 * The spans of a bundle of a given MLflow span type.
 *
 * @param bundle The bundle.
 * @param type `AGENT`, `CHAIN`, `CHAT_MODEL`, ...
 * @returns Those spans, in start order.
 */
export function spansOfType(bundle: TraceBundle, type: string): SpanRecord[] {
  return bundle.trace.spans
    .filter((span) => span.attributes["mlflow.spanType"] === type)
    .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
}

/**
 * Answers a chat-completions request with `{ reply }`, in the form it asked for: JSON content
 * for a `response_format`, else a call of the function it offered.
 *
 * @param reply The reply.
 * @returns A responder for the fake OpenAI server.
 */
export function answerWith(reply: string): (request: RecordedRequest) => ScriptedResponse {
  return (request) => chatCompletion(completionFor(request.body, reply));
}

/**
 * The body of a completion that answers `{ reply }` for a request body.
 *
 * @param body The request body the SDK sent.
 * @param reply The reply.
 * @returns The completion's options.
 */
export function completionFor(
  body: unknown,
  reply: string,
): Parameters<typeof chatCompletion>[0] {
  const request = typeof body === "object" && body !== null ? body as Record<string, unknown> : {};
  if (request["response_format"] !== undefined) return { content: JSON.stringify({ reply }) };
  const tools = Array.isArray(request["tools"]) ? request["tools"] : [];
  const first = tools[0] as { function?: { name?: string } } | undefined;
  return { toolCalls: [{ name: first?.function?.name ?? "answer", arguments: { reply } }] };
}

/**
 * The JSON text of a completion that answers `{ reply }` for a request body (for raw servers).
 *
 * @param body The request body the SDK sent.
 * @param reply The reply.
 * @returns The response body.
 */
export function completionJson(body: unknown, reply: string): string {
  const response = chatCompletion(completionFor(body, reply));
  return JSON.stringify("body" in response ? response.body : {});
}
