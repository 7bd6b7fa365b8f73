/**
 * `evaluate` against a tracking server that is down: the evaluation's traces, assessments and
 * run end go to the spool, and `traces push` delivers all of them once the server is back;
 * the REST reader of `--compare` then reads the evaluation back from the server.
 */
import { main } from "../../src/cli/main.ts";
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { assertEquals, assertMatch } from "../_helpers/assert.ts";
import { tempDir, testIO } from "../runtime/_helpers.ts";
import { Spool } from "../../src/tracking/delivery/spool.ts";
import { ROOT } from "../runtime/_helpers.ts";
import { createRestReader } from "../../src/tracking/report/rest_reader.ts";

Deno.test("evaluate loses nothing when the server is down: traces push delivers traces, assessments and the run", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  await using dir = await tempDir();
  const dataset = `${dir.path}/tickets.jsonl`;
  const lines = (await Deno.readTextFile(`${ROOT}examples/evaluation/support_triage.jsonl`))
    .split("\n").slice(0, 3);
  await Deno.writeTextFile(dataset, lines.join("\n"));
  const args = [
    "evaluate",
    `${ROOT}examples/support_triage.yaml`,
    "--dataset",
    dataset,
    "--scorers",
    `${ROOT}examples/evaluation/scorers.yaml`,
    "--mock",
    "--json",
    "--tracking-uri",
    server.url,
  ];
  try {
    const down = testIO({ cwd: dir.path });
    assertEquals(await main(args, down), 0, down.err());
    const evaluation = JSON.parse(down.out());
    assertEquals(evaluation.records.length, 3);
    assertMatch(
      down.err(),
      /warning: Cannot reach the MLflow tracking server .* traces are kept in/,
    );
    // Three traces (with their assessments) and the evaluation run's end wait in the spool.
    assertEquals((await new Spool({ dir: `${dir.path}/.mlflow-spool` }).list()).length, 4);

    server.listen();
    const push = testIO({ cwd: dir.path });
    assertEquals(await main(["traces", "push"], push), 0, push.err());
    const traceIds = evaluation.records.map((record: { traceId: string }) => record.traceId);
    assertEquals([...server.traces.keys()].sort(), [...traceIds].sort());
    for (const traceId of traceIds) {
      const assessments = (server.traces.get(traceId)?.info.assessments ?? []) as {
        assessment_name: string;
        source: { source_type: string };
      }[];
      assertEquals(
        assessments.map((a) => `${a.assessment_name}:${a.source.source_type}`).sort(),
        [
          "category:HUMAN",
          "cheap:CODE",
          "fast:CODE",
          "polite:LLM_JUDGE",
          "right_team:CODE",
          "urgency:HUMAN",
          "urgency_close:CODE",
          "urgency_is_int:CODE",
        ],
      );
    }
    const runs = [...server.runs.values()];
    assertEquals(runs.length, 1);
    const [run] = runs;
    assertEquals(run?.tags.get("mlflow.runType"), "genai_evaluate");
    assertEquals(run?.info.status, "FINISHED");
    const metrics = new Map(run?.metrics.map((metric) => [metric.key, Number(metric.value)]));
    assertEquals(metrics.get("urgency_is_int/mean"), evaluation.aggregates.urgency_is_int.mean);
    assertEquals(metrics.get("polite/mean"), evaluation.aggregates.polite.mean);
    assertEquals(
      [...server.genai.links].sort(),
      traceIds.map((id: string) => `${id} ${run?.info.run_id}`).sort(),
    );

    // The REST reader of --compare reads the assessments back as they were scored.
    const reader = createRestReader(server.url, { env: () => undefined });
    const stored = await reader.readAssessments?.(traceIds) ?? [];
    await reader.close();
    for (const record of evaluation.records) {
      for (const score of record.scores) {
        const found = stored.find((a) => a.traceId === record.traceId && a.name === score.name);
        assertEquals([found?.kind, found?.value], ["feedback", score.value], score.name);
      }
    }
    assertEquals(stored.filter((a) => a.kind === "expectation").length, 6);

    // --compare finds the evaluation on the server and reads it back: nothing flipped.
    const again = testIO({ cwd: dir.path });
    assertEquals(await main([...args, "--compare", evaluation.run.name], again), 0, again.err());
    const { comparison } = JSON.parse(again.out());
    assertEquals(comparison.against, `${evaluation.run.name} (${run?.info.run_id})`);
    assertEquals([comparison.passToFail, comparison.failToPass], [[], []]);
    assertEquals([comparison.onlyPrevious, comparison.onlyCurrent], [[], []]);
    for (const delta of comparison.scorers) assertEquals(delta.meanDelta, 0, delta.name);
  } finally {
    await server.stop();
  }
});
