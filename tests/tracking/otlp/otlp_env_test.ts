import { OTLP_ENV_NAMES, readOtlpEnv } from "../../../src/tracking/otlp/otlp_env.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

function envOf(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => {
    if (!OTLP_ENV_NAMES.includes(name)) throw new Error(`readOtlpEnv() read unlisted "${name}"`);
    return vars[name];
  };
}

function configOf(vars: Record<string, string>) {
  const result = readOtlpEnv(envOf(vars));
  assert(result?.ok, `expected a configuration, got ${JSON.stringify(result)}`);
  return result;
}

const BASE = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318" };

Deno.test("readOtlpEnv() returns undefined without an endpoint", () => {
  assertEquals(readOtlpEnv(envOf({})), undefined);
  assertEquals(readOtlpEnv(envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "  " })), undefined);
  assertEquals(
    readOtlpEnv(envOf({ OTEL_EXPORTER_OTLP_HEADERS: "a=b", OTEL_EXPORTER_OTLP_TIMEOUT: "5" })),
    undefined,
  );
});

Deno.test("readOtlpEnv() appends /v1/traces to the general endpoint and keeps the traces endpoint as it is", () => {
  const endpoint = (vars: Record<string, string>) => configOf(vars).config.endpoint;
  assertEquals(endpoint(BASE), "http://localhost:4318/v1/traces");
  assertEquals(
    endpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com/" }),
    "https://otel.example.com/v1/traces",
  );
  assertEquals(
    endpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com/base" }),
    "https://otel.example.com/base/v1/traces",
  );
  assertEquals(
    endpoint({ ...BASE, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:9999/custom" }),
    "http://traces:9999/custom",
  );
});

Deno.test("readOtlpEnv() uses the defaults of the OTLP specification", () => {
  assertEquals(configOf(BASE), {
    ok: true,
    config: {
      endpoint: "http://localhost:4318/v1/traces",
      headers: {},
      timeoutMs: 10000,
      protocol: "http/protobuf",
      compression: "none",
      resourceAttributes: { "service.name": "configurable-agents" },
    },
    warnings: [],
  });
});

Deno.test("readOtlpEnv() reads URL-encoded headers, the traces variable winning over the general one", () => {
  assertEquals(
    configOf({ ...BASE, OTEL_EXPORTER_OTLP_HEADERS: " api-key = s3cret , x-team=ml%20ops%2Cai," })
      .config.headers,
    { "api-key": "s3cret", "x-team": "ml ops,ai" },
  );
  assertEquals(
    configOf({
      ...BASE,
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=general,x-general=1",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "api-key=traces",
    }).config.headers,
    { "api-key": "traces" },
  );
  assertEquals(
    configOf({ ...BASE, OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic dTpwPQ==" }).config
      .headers,
    { Authorization: "Basic dTpwPQ==" },
  );
});

Deno.test("readOtlpEnv() leaves out unusable header entries and never shows their text", () => {
  const secret = "t0ps3cret";
  const result = configOf({
    ...BASE,
    OTEL_EXPORTER_OTLP_HEADERS:
      `ok=1,${secret},=${secret},bad%zz=${secret},x y=${secret},split=${secret}%0Ainjected`,
  });
  assertEquals(result.config.headers, { ok: "1" });
  assertEquals(result.warnings, [
    'Cannot use entry 2 of "OTEL_EXPORTER_OTLP_HEADERS" as it is not "key=value": it is left out',
    'Cannot use entry 3 of "OTEL_EXPORTER_OTLP_HEADERS" as its key is empty: it is left out',
    'Cannot use entry 4 of "OTEL_EXPORTER_OTLP_HEADERS" as it is not valid percent-encoding: it is left out',
    'Cannot use entry 5 of "OTEL_EXPORTER_OTLP_HEADERS" as its key is not a valid header name: it is left out',
    'Cannot use entry 6 of "OTEL_EXPORTER_OTLP_HEADERS" as its value holds a line break or NUL: it is left out',
  ]);
  assertEquals(result.warnings.join("\n").includes(secret), false);
});

Deno.test("readOtlpEnv() reads the timeout in milliseconds and falls back to 10 s on a bad value", () => {
  assertEquals(configOf({ ...BASE, OTEL_EXPORTER_OTLP_TIMEOUT: "2500" }).config.timeoutMs, 2500);
  assertEquals(
    configOf({
      ...BASE,
      OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "700",
    }).config.timeoutMs,
    700,
  );
  for (const bad of ["10s", "0", "-5", "1.5"]) {
    const result = configOf({ ...BASE, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: bad });
    assertEquals(result.config.timeoutMs, 10000);
    assertEquals(result.warnings, [
      `Cannot use "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT" as it is not a positive whole number of milliseconds: current value is "${bad}", using 10000 instead`,
    ]);
  }
});

Deno.test("readOtlpEnv() takes http/json and refuses grpc and unknown protocols", () => {
  assertEquals(
    configOf({ ...BASE, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).config.protocol,
    "http/json",
  );
  assertEquals(
    configOf({
      ...BASE,
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
    }).config.protocol,
    "http/protobuf",
  );
  assertEquals(readOtlpEnv(envOf({ ...BASE, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })), {
    ok: false,
    reason:
      'Cannot send spans to the OTLP collector as protocol "grpc" of "OTEL_EXPORTER_OTLP_PROTOCOL" is not supported: use "http/protobuf" or "http/json"',
  });
  assertEquals(
    readOtlpEnv(envOf({ ...BASE, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "thrift" })),
    {
      ok: false,
      reason:
        'Cannot send spans to the OTLP collector as protocol "thrift" of "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" is unknown: use "http/protobuf" or "http/json"',
    },
  );
});

Deno.test("readOtlpEnv() refuses an endpoint that is not an http URL, without its credentials", () => {
  assertEquals(readOtlpEnv(envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" })), {
    ok: false,
    reason:
      'Cannot send spans to the OTLP collector as "OTEL_EXPORTER_OTLP_ENDPOINT" is not an http or https URL: current value is "localhost:4318"',
  });
  const result = readOtlpEnv(
    envOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://user:pa55@collector/v1/traces" }),
  );
  assert(result && !result.ok);
  assertEquals(result.reason.includes("pa55"), false);
  assertEquals(result.reason.includes('"ftp://collector/v1/traces"'), true);
});

Deno.test("readOtlpEnv() is off with OTEL_SDK_DISABLED=true or an OTEL_TRACES_EXPORTER without otlp", () => {
  for (const off of [{ OTEL_SDK_DISABLED: "true" }, { OTEL_SDK_DISABLED: "TRUE" }]) {
    assertEquals(readOtlpEnv(envOf({ ...BASE, ...off })), undefined);
  }
  for (const exporter of ["none", "zipkin", "otlp,none"]) {
    assertEquals(readOtlpEnv(envOf({ ...BASE, OTEL_TRACES_EXPORTER: exporter })), undefined);
  }
  assertEquals(configOf({ ...BASE, OTEL_SDK_DISABLED: "false" }).ok, true);
  assertEquals(configOf({ ...BASE, OTEL_TRACES_EXPORTER: "console, otlp" }).ok, true);
});

Deno.test("readOtlpEnv() reads gzip compression and warns about unknown ones", () => {
  assertEquals(
    configOf({ ...BASE, OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" }).config.compression,
    "gzip",
  );
  const result = configOf({ ...BASE, OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "zstd" });
  assertEquals(result.config.compression, "none");
  assertEquals(result.warnings, [
    'Cannot use "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION" as compression "zstd" is unknown: use "gzip" or "none", sending uncompressed',
  ]);
});

Deno.test("readOtlpEnv() takes the service name and resource attributes of the environment", () => {
  assertEquals(
    configOf({ ...BASE, OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=a" })
      .config.resourceAttributes,
    { "service.name": "a", "deployment.environment": "prod" },
  );
  assertEquals(
    configOf({
      ...BASE,
      OTEL_SERVICE_NAME: "billing",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=a,team=x%20y",
    }).config.resourceAttributes,
    { "service.name": "billing", team: "x y" },
  );
});
