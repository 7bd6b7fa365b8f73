/**
 * The contract every prompt registry honours, the SQLite file's and the tracking server's
 * alike: run it with `promptRegistryContract(label, open)` from a test file. `open` gives a
 * fresh, empty registry each time.
 *
 * @module
 */
import { WorkflowError } from "../../src/errors.ts";
import type { PromptRegistry } from "../../src/tracking/prompts/prompt_registry.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";

/** A fresh registry and how to dispose of it. */
export interface ContractRegistry {
  /** The registry under test. */
  registry: PromptRegistry;
  /** Closes it and removes what it made. */
  cleanup(): Promise<void>;
  /**
   * Prefix of the prompt names this test uses, for a registry shared by several tests (a real
   * MLflow server is slow to start).
   *
   * @default {""}
   */
  prefix?: string;
}

/** Test options of the suite. */
export interface ContractOptions {
  /** Ignore every test (with the reason printed by the caller). */
  ignore?: boolean;
}

/**
 * Registers the contract tests of one registry implementation.
 *
 * @param label Names the implementation in test names.
 * @param open Gives a fresh registry.
 * @param options Ignore, prefix.
 */
export function promptRegistryContract(
  label: string,
  open: () => Promise<ContractRegistry>,
  options: ContractOptions = {},
): void {
  const { ignore = false } = options;
  const test = (
    name: string,
    fn: (registry: PromptRegistry, names: { prefix: string; summarizer: string }) => Promise<void>,
  ) =>
    Deno.test({
      name: `${label}: ${name}`,
      ignore,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        const { registry, cleanup, prefix = "" } = await open();
        try {
          await fn(registry, { prefix, summarizer: `${prefix}summarizer` });
        } finally {
          await cleanup();
        }
      },
    });

  test(
    "register() makes version 1, then a new version only when the text changed",
    async (r, { summarizer }) => {
      const first = await r.register(summarizer, {
        template: "Summarize {{text}} in {{n}} words.",
        message: "first",
        tags: { team: "docs" },
      });
      assertEquals(first.created, true);
      assertEquals(first.version.version, 1);
      assertEquals(first.version.template, "Summarize {{text}} in {{n}} words.");
      assertEquals(first.version.message, "first");
      assertEquals(first.version.tags, { team: "docs" });
      assertEquals(first.version.type, "text");
      const same = await r.register(summarizer, { template: "Summarize {{text}} in {{n}} words." });
      assertEquals(same.created, false);
      assertEquals(same.version.version, 1);
      const second = await r.register(summarizer, {
        template: "Summarize this text in {{n}} words: {{text}}",
        message: "second",
      });
      assertEquals([second.created, second.version.version], [true, 2]);
      assertEquals(second.version.tags, {});
    },
  );

  test("load() reads a version, an alias and latest", async (r, { summarizer }) => {
    await r.register(summarizer, { template: "v1 {{text}}" });
    await r.register(summarizer, { template: "v2 {{text}}" });
    assertEquals((await r.load({ name: summarizer, version: 1 })).template, "v1 {{text}}");
    assertEquals((await r.load({ name: summarizer, alias: "latest" })).version, 2);
    await r.setAlias(summarizer, "production", 1);
    const production = await r.load({ name: summarizer, alias: "production" });
    assertEquals([production.version, production.template], [1, "v1 {{text}}"]);
    assertEquals(production.aliases, ["production"]);
  });

  test("setAlias() moves an alias, and the next load follows it", async (r, { summarizer }) => {
    await r.register(summarizer, { template: "v1" });
    await r.register(summarizer, { template: "v2" });
    await r.setAlias(summarizer, "production", 1);
    assertEquals((await r.load({ name: summarizer, alias: "production" })).template, "v1");
    await r.setAlias(summarizer, "production", 2);
    assertEquals((await r.load({ name: summarizer, alias: "production" })).template, "v2");
  });

  test(
    "list() and show() give versions, aliases and templates",
    async (r, { prefix, summarizer }) => {
      await r.register(`${prefix}b_prompt`, { template: "B", tags: { owner: "ops" } });
      await r.register(summarizer, { template: "one", message: "first" });
      await r.register(summarizer, { template: "two", message: "second" });
      await r.setAlias(summarizer, "production", 2);
      await r.setAlias(summarizer, "staging", 1);
      const listed = (await r.list()).filter((p) => p.name.startsWith(prefix));
      assertEquals(listed.map((p) => p.name), [`${prefix}b_prompt`, summarizer]);
      assertEquals(listed[0]?.tags, { owner: "ops" });
      assertEquals(listed[1]?.latestVersion, 2);
      assertEquals(listed[1]?.aliases, { production: 2, staging: 1 });
      assertEquals(listed[1]?.description, "first");
      const shown = await r.show(summarizer);
      assertEquals(shown.versions.map((v) => [v.version, v.template, v.message, v.aliases]), [
        [2, "two", "second", ["production"]],
        [1, "one", "first", ["staging"]],
      ]);
    },
  );

  test(
    "a missing prompt is an error naming the prompts that exist",
    async (r, { prefix, summarizer }) => {
      await r.register(summarizer, { template: "x" });
      const error = await assertRejects(
        () => r.load({ name: `${prefix}sumarizer`, alias: "production" }),
        WorkflowError,
      );
      assertEquals(error.code, "PROMPT_NOT_FOUND");
      assertStringIncludes(error.message, `no prompt is named "${prefix}sumarizer"`);
      assertStringIncludes(error.message, `did you mean "${summarizer}"?`);
      assertStringIncludes(error.message, `"${summarizer}"`);
      assertEquals(
        (await assertRejects(() => r.show(`${prefix}nothing`), WorkflowError)).code,
        "PROMPT_NOT_FOUND",
      );
    },
  );

  test(
    "a missing version or alias is an error naming versions and aliases",
    async (r, { summarizer }) => {
      await r.register(summarizer, { template: "one" });
      await r.register(summarizer, { template: "two" });
      await r.setAlias(summarizer, "production", 2);
      const version = await assertRejects(
        () => r.load({ name: summarizer, version: 3 }),
        WorkflowError,
      );
      assertEquals(version.code, "PROMPT_NOT_FOUND");
      assertStringIncludes(
        version.message,
        `prompt "${summarizer}" has no version 3: it has versions 1, 2 and alias production → 2`,
      );
      const alias = await assertRejects(
        () => r.load({ name: summarizer, alias: "staging" }),
        WorkflowError,
      );
      assertStringIncludes(alias.message, `has no alias "staging"`);
      assertStringIncludes(alias.message, "versions 1, 2 and alias production → 2");
      const pointing = await assertRejects(
        () => r.setAlias(summarizer, "staging", 9),
        WorkflowError,
      );
      assertEquals(pointing.code, "PROMPT_NOT_FOUND");
      assertStringIncludes(pointing.message, "has no version 9");
    },
  );

  test(
    "bad names, reserved aliases and empty templates are refused before any write",
    async (r, { summarizer }) => {
      const checks: [Promise<unknown>, string][] = [
        [r.register("bad name", { template: "x" }), 'the name "bad name" has characters'],
        [r.register(summarizer, { template: "  " }), "the template is empty"],
        [
          r.register(summarizer, { template: "x", tags: { "mlflow.prompt.text": "y" } }),
          "reserved",
        ],
        [r.setAlias(summarizer, "latest", 1), `the alias "latest" is reserved`],
        [r.setAlias(summarizer, "v2", 1), "reserved as it reads as a version"],
        [r.setAlias(summarizer, "no spaces", 1), "has characters other than"],
      ];
      for (const [promise, fragment] of checks) {
        const error = await assertRejects(() => promise, WorkflowError);
        assertEquals(error.code, "CONFIG_INVALID", error.message);
        assertStringIncludes(error.message, fragment);
      }
      assert(!(await r.list()).some((p) => p.name === summarizer), "nothing was written");
    },
  );
}
