import { assertStrictEquals } from "../_helpers/assert.ts";
import { renderRunName, RUN_NAME_PLACEHOLDERS } from "../../src/config/run_name.ts";

Deno.test("renderRunName() fills every documented placeholder in UTC", () => {
  const name = renderRunName("{flow_name}/{version}/{date}/{timestamp}", {
    flowName: "writer",
    version: "1.2.0",
    startedAt: new Date("2026-11-27T09:05:03.250Z"),
  });
  assertStrictEquals(name, "writer/1.2.0/2026-11-27/20261127-090503");
  assertStrictEquals(RUN_NAME_PLACEHOLDERS.join(","), "flow_name,version,date,timestamp");
});

Deno.test("renderRunName() shows a missing version as unversioned and keeps other text", () => {
  const name = renderRunName("{{v}} {version} {other} {state.x}", {
    flowName: "w",
    startedAt: new Date(0),
  });
  assertStrictEquals(name, "{v} unversioned {other} {state.x}");
});
