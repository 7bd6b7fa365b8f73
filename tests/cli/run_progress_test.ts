import { assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { RunProgress } from "../../src/cli/_run_progress.ts";
import type { Paint } from "../../src/cli/_run_format.ts";

const PLAIN: Paint = {
  green: (text) => text,
  red: (text) => text,
  yellow: (text) => `<y>${text}</y>`,
  dim: (text) => text,
  bold: (text) => text,
};

const USAGE = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };

function progress(live: boolean): { out: string[]; progress: RunProgress } {
  const out: string[] = [];
  return {
    out,
    progress: new RunProgress({ write: (t) => out.push(t), paint: PLAIN, live, labelWidth: 6 }),
  };
}

Deno.test("RunProgress shows the round of a node in a loop, and how the loop ended", () => {
  const { out, progress: p } = progress(true);
  p.onEvent({ type: "node_started", nodeId: "write", round: 2, maxRounds: 3 });
  p.onEvent({
    type: "node_finished",
    nodeId: "write",
    round: 2,
    maxRounds: 3,
    durationMs: 12,
    usage: USAGE,
    costUsd: 0,
  });
  assertStringIncludes(out.join(""), "write  round 2/3 · running…");
  assertStringIncludes(out.join(""), "✓ write  round 2/3 · 12 ms");
  p.onEvent({
    type: "loop_ended",
    nodeId: "critic",
    backTo: "write",
    conditionField: "approved",
    rounds: 3,
    maxRounds: 3,
    stoppedBy: "max_iterations",
  });
  assertEquals(
    out.at(-1),
    "  <y>↻</y> <y>loop back to write stopped by max_iterations after 3 rounds: approved is not true</y>\n",
  );
  p.onEvent({
    type: "loop_ended",
    nodeId: "critic",
    backTo: "write",
    conditionField: "approved",
    rounds: 1,
    maxRounds: 3,
    stoppedBy: "condition",
  });
  assertEquals(out.at(-1), "  ↻ loop back to write ended: approved after 1 round\n");
});

Deno.test("RunProgress shows no round for a node in no loop", () => {
  const { out, progress: p } = progress(false);
  p.onEvent({
    type: "node_finished",
    nodeId: "greet",
    durationMs: 12,
    usage: USAGE,
    costUsd: 0,
  });
  assertEquals(out.length, 1);
  assertEquals(out[0]?.includes("round"), false);
});
