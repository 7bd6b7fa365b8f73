import { resolveTimeWindow } from "../../../src/tracking/report/time_window.ts";
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";

const now = Date.parse("2026-11-27T15:30:00Z");
const day = (date: string) => Date.parse(`${date}T00:00:00Z`);

Deno.test("resolveTimeWindow() resolves each period in whole UTC days", () => {
  assertEquals(resolveTimeWindow({ period: "today", now }), {
    fromMs: day("2026-11-27"),
    beforeMs: day("2026-11-28"),
  });
  assertEquals(resolveTimeWindow({ period: "yesterday", now }), {
    fromMs: day("2026-11-26"),
    beforeMs: day("2026-11-27"),
  });
  assertEquals(resolveTimeWindow({ period: "last_7_days", now }), {
    fromMs: day("2026-11-21"),
    beforeMs: day("2026-11-28"),
  });
  assertEquals(resolveTimeWindow({ period: "last_30_days", now }), {
    fromMs: day("2026-10-29"),
    beforeMs: day("2026-11-28"),
  });
  assertEquals(resolveTimeWindow({ period: "this_month", now }), {
    fromMs: day("2026-11-01"),
    beforeMs: day("2026-12-01"),
  });
  const december = Date.parse("2026-12-31T23:59:59Z");
  assertEquals(
    resolveTimeWindow({ period: "this_month", now: december }).beforeMs,
    day("2027-01-01"),
  );
});

Deno.test("resolveTimeWindow() reads dates and date-times, UTC unless zoned", () => {
  assertEquals(resolveTimeWindow({ since: "2026-11-01", now }), { fromMs: day("2026-11-01") });
  assertEquals(resolveTimeWindow({ until: "2026-11-01T09:30", now }), {
    beforeMs: Date.parse("2026-11-01T09:30:00Z"),
  });
  assertEquals(resolveTimeWindow({ since: "2026-11-01T10:30:00+01:00", now }), {
    fromMs: Date.parse("2026-11-01T09:30:00Z"),
  });
  assertEquals(resolveTimeWindow({ now }), {});
});

Deno.test("resolveTimeWindow() narrows a period with since and until", () => {
  assertEquals(
    resolveTimeWindow({ period: "this_month", since: "2026-11-10", until: "2027-01-01", now }),
    { fromMs: day("2026-11-10"), beforeMs: day("2026-12-01") },
  );
});

Deno.test("resolveTimeWindow() rejects bad dates, periods and empty windows", () => {
  for (const bad of ["yesterday", "2026-13-01", "2026-02-30", "27/11/2026", "2026-11-01 09:30"]) {
    assertThrows(
      () => resolveTimeWindow({ since: bad, now }),
      SyntaxError,
      `Cannot use "${bad}" as the since date as it is not an ISO date`,
    );
  }
  assertThrows(
    () => resolveTimeWindow({ period: "last_week", now }),
    RangeError,
    `Cannot report on period "last_week" as it is not one of "today"`,
  );
  assertThrows(
    () => resolveTimeWindow({ since: "2026-11-02", until: "2026-11-01", now }),
    RangeError,
    "Cannot report on an empty time window",
  );
});
