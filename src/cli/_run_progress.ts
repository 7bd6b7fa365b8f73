/**
 * The per-node progress of `run` on standard error: on a terminal a live line per node
 * ("running…", then replaced by its outcome); elsewhere only the outcomes.
 *
 * @module
 */
import type { EngineEvent } from "../engine/engine_types.ts";
import { formatCost, formatDuration, formatTokens, type Paint } from "./_run_format.ts";

/** Options of {@linkcode RunProgress}. */
export interface RunProgressOptions {
  /** Writes to standard error. */
  write: (text: string) => void;
  /** Styling. */
  paint: Paint;
  /** Show "running…" lines and replace them in place (a terminal). */
  live: boolean;
  /** Width of the node column (the longest node id). */
  labelWidth: number;
}

/** Renders engine events as progress lines. */
export class RunProgress {
  readonly #options: RunProgressOptions;
  /** The node whose "running…" line is open (written without its newline). */
  #open: string | undefined;

  /** @param options Output, styling, live mode and column width. */
  constructor(options: RunProgressOptions) {
    this.#options = options;
  }

  /**
   * Shows one event.
   *
   * @param event The engine's event.
   */
  onEvent(event: EngineEvent): void {
    const { paint: p, live } = this.#options;
    switch (event.type) {
      case "run_started":
        this.line(
          `${p.bold(event.workflowName)} ${
            p.dim(`(${event.nodeCount} ${event.nodeCount === 1 ? "node" : "nodes"})`)
          }`,
        );
        return;
      case "node_started": {
        if (!live) return;
        this.#close();
        const key = keyOf(event);
        const round = roundOf(event);
        this.#options.write(
          `  ${p.dim("…")} ${this.#label(event)} ${
            p.dim(round ? `${round} · running…` : "running…")
          }`,
        );
        this.#open = key;
        return;
      }
      case "node_finished":
        this.#replace(
          event,
          `  ${p.green("✓")} ${this.#label(event)} ${
            p.dim(
              [
                ...(roundOf(event) ? [roundOf(event)] : []),
                formatDuration(event.durationMs),
                formatTokens(event.usage.total_tokens),
                formatCost(event.costUsd),
              ].join(" · "),
            )
          }`,
        );
        return;
      case "node_failed":
        this.#replace(
          event,
          `  ${p.red("✗")} ${this.#label(event)} ${p.red("failed:")} ${event.error.message}`,
        );
        return;
      case "llm_retry": {
        const reason = event.kind === "rate_limit"
          ? "rate limited"
          : event.status === undefined
          ? event.kind.replace("_", " ")
          : `HTTP ${event.status}`;
        this.line(
          `  ${p.yellow("↻")} ${this.#label(event)} ${
            p.yellow(
              `${reason} on attempt ${event.attempt}: retrying in ${formatDuration(event.delayMs)}`,
            )
          }`,
        );
        return;
      }
      case "loop_ended": {
        const rounds = `${event.rounds} ${event.rounds === 1 ? "round" : "rounds"}`;
        this.line(
          event.stoppedBy === "condition"
            ? `  ${p.dim("↻")} ${
              p.dim(`loop back to ${event.backTo} ended: ${event.conditionField} after ${rounds}`)
            }`
            : `  ${p.yellow("↻")} ${
              p.yellow(
                `loop back to ${event.backTo} stopped by max_iterations after ${rounds}: ${event.conditionField} is not true`,
              )
            }`,
        );
        return;
      }
      case "run_finished":
        this.#close();
        return;
    }
  }

  /**
   * Writes a whole line, ending an open "running…" line first.
   *
   * @param text The line, without its newline.
   */
  line(text: string): void {
    this.#close();
    this.#options.write(`${text}\n`);
  }

  /** Ends an open "running…" line (before other output). */
  finish(): void {
    this.#close();
  }

  #replace(event: NodeEvent, text: string): void {
    if (this.#open === keyOf(event)) {
      this.#open = undefined;
      this.#options.write(`\r\x1b[2K${text}\n`);
    } else {
      this.line(text);
    }
  }

  #close(): void {
    if (this.#open === undefined) return;
    this.#open = undefined;
    this.#options.write("\n");
  }

  #label(event: NodeEvent): string {
    const label = event.itemIndex === undefined
      ? event.nodeId
      : `${event.nodeId}[${event.itemIndex}]`;
    return this.#options.paint.bold(label.padEnd(this.#options.labelWidth));
  }
}

type NodeEvent = Extract<
  EngineEvent,
  { type: "node_started" | "node_finished" | "node_failed" | "llm_retry" }
>;

/** "round 2/3" for a node that a loop's rounds run. */
function roundOf(event: NodeEvent): string | undefined {
  return event.round === undefined ? undefined : `round ${event.round}/${event.maxRounds}`;
}

function keyOf(event: NodeEvent): string {
  return `${event.nodeId}#${event.itemIndex ?? ""}`;
}
