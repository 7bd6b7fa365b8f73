import { assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { type EnvPermissionState, quietProcessEnv } from "../../src/llm/_quiet_process_env.ts";

/** A stand-in for Node's `process`: its env records every variable it is asked about. */
function fakeProcess(values: Record<string, string>) {
  const touched: string[] = [];
  const env = new Proxy(values as Record<string, string | undefined>, {
    get(target, key) {
      if (typeof key === "string") touched.push(key);
      return Reflect.get(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === "string") touched.push(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    has(target, key) {
      if (typeof key === "string") touched.push(key);
      return Reflect.has(target, key);
    },
  });
  return { holder: { env }, touched, values };
}

const onlyAllowed = (allowed: string[]) => (name?: string): EnvPermissionState =>
  name !== undefined && allowed.includes(name) ? "granted" : "prompt";

Deno.test("quietProcessEnv() reads only granted variables and never asks about the others", () => {
  const { holder, touched, values } = fakeProcess({ NO_COLOR: "1", LANGSMITH_TRACING: "true" });
  assertEquals(quietProcessEnv(holder, onlyAllowed(["NO_COLOR"])), true);
  assertEquals(holder.env.NO_COLOR, "1");
  assertEquals(holder.env.LANGSMITH_TRACING, undefined);
  assertEquals("LANGSMITH_TRACING" in holder.env, false);
  assertEquals(Object.getOwnPropertyDescriptor(holder.env, "LANGSMITH_TRACING"), undefined);
  assertEquals(Object.keys(holder.env), []);
  assertEquals(touched, ["NO_COLOR"]);
  holder.env.SET_BY_PACKAGE = "x";
  assertEquals(values.SET_BY_PACKAGE, "x");
  delete holder.env.SET_BY_PACKAGE;
  assertEquals("SET_BY_PACKAGE" in values, false);
});

Deno.test("quietProcessEnv() installs once and not at all when the whole environment is allowed", () => {
  const partial = fakeProcess({});
  quietProcessEnv(partial.holder, onlyAllowed([]));
  const guarded = partial.holder.env;
  assertEquals(quietProcessEnv(partial.holder, onlyAllowed([])), false);
  assertStrictEquals(partial.holder.env, guarded);
  const full = fakeProcess({ HOME: "/root" });
  const original = full.holder.env;
  assertEquals(quietProcessEnv(full.holder, () => "granted"), false);
  assertStrictEquals(full.holder.env, original);
});
