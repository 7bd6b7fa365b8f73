import { assertEquals } from "../_helpers/assert.ts";
import { loopBody } from "../../src/config/loop_body.ts";
import type { EdgeConfig } from "../../src/config/schema.ts";

function loop(from: string, backTo: string | undefined, exitTo = "END"): EdgeConfig {
  return {
    from,
    loop: {
      condition_field: "done",
      max_iterations: 3,
      exit_to: exitTo,
      ...(backTo === undefined ? {} : { back_to: backTo }),
    },
  };
}

Deno.test("loopBody() of a one-node loop is the node", () => {
  const edges: EdgeConfig[] = [{ from: "START", to: "a" }, loop("a", undefined, "b"), {
    from: "b",
    to: "END",
  }];
  assertEquals(loopBody(edges, 1), ["a"]);
  assertEquals(loopBody(edges, 0), [], "not a loop");
});

Deno.test("loopBody() runs from back_to to the loop's node, branches included", () => {
  const edges: EdgeConfig[] = [
    { from: "START", to: "plan" },
    { from: "plan", to: "write" },
    {
      from: "write",
      routes: [
        { condition: { logic: "state.long" }, to: "trim" },
        { condition: "default", to: "critic" },
      ],
    },
    { from: "trim", to: "critic" },
    loop("critic", "write", "publish"),
    { from: "publish", to: "END" },
  ];
  assertEquals(loopBody(edges, 4), ["write", "trim", "critic"]);
});

Deno.test("loopBody() of an outer loop holds the inner loop's nodes", () => {
  const edges: EdgeConfig[] = [
    { from: "START", to: "write" },
    loop("write", undefined, "critic"),
    loop("critic", "write"),
  ];
  assertEquals(loopBody(edges, 1), ["write"]);
  assertEquals(loopBody(edges, 2), ["write", "critic"]);
});

Deno.test("loopBody() is empty when back_to does not lead to the loop's node", () => {
  const edges: EdgeConfig[] = [
    { from: "START", to: "write" },
    { from: "write", to: "critic" },
    loop("critic", "aside", "aside"),
    { from: "aside", to: "END" },
  ];
  assertEquals(loopBody(edges, 2), []);
});
