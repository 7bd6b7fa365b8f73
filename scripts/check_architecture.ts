/**
 * Checks the dependency direction of the source tree (type imports included) and that no
 * module imports itself at run time through a cycle (std's `lint:circular`, for this project;
 * `import type` cycles vanish at run time and are allowed), and that no folder under `src/`
 * has a `mod.ts` of its own:
 *
 * `cli.ts` → `src/cli` → (`src/runtime`, `mod.ts`'s areas) → `src/evaluation` → `src/engine` →
 * (`src/llm`, `src/tools`, `src/tracking`) → `src/config`, with `src/errors.ts` shared. The
 * evaluation area reaches the engine only through what it runs judges with (`compileWorkflow`,
 * `EngineDeps`, `typeSchema`) and checks a dataset's inputs with (`state_model.ts`), and tracking
 * only through its contract `tracer.ts` (`TokenUsage`).
 *
 * Run: `deno run --allow-read --allow-run=deno scripts/check_architecture.ts`
 *
 * @module
 */

/** The areas each area may import from (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "errors": ["config"],
  "config": ["errors"],
  "tools": ["config", "errors"],
  "llm": ["config", "errors", "tracking"],
  "tracking": ["config", "errors"],
  "engine": ["config", "errors", "llm", "tools", "tracking"],
  "evaluation": ["config", "errors", "engine", "tracking"],
  "runtime": ["config", "errors", "engine", "llm", "tools", "tracking", "evaluation"],
  "cli": ["config", "errors", "engine", "llm", "tools", "tracking", "runtime", "evaluation"],
  "mod.ts": ["config", "errors", "engine", "llm", "tools", "tracking", "runtime", "evaluation"],
  "cli.ts": ["cli"],
};

/** Files of one area that another area may import (the contracts between them). */
const CONTRACTS: Readonly<Record<string, readonly string[]>> = {
  "llm": ["src/tracking/tracer.ts"],
  "evaluation": [
    "src/engine/compile_workflow.ts",
    "src/engine/engine_types.ts",
    "src/engine/state_model.ts",
    "src/engine/type_schema.ts",
    "src/tracking/tracer.ts",
  ],
};

interface ModuleInfo {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[];
}

const root = new URL("../", import.meta.url).href;

async function moduleGraph(entry: string): Promise<ModuleInfo[]> {
  const output = await new Deno.Command("deno", {
    args: ["info", "--json", entry],
    cwd: new URL(root).pathname,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`Cannot read the module graph of "${entry}"`);
  return JSON.parse(new TextDecoder().decode(output.stdout)).modules;
}

function areaOf(specifier: string): string | undefined {
  if (!specifier.startsWith(root)) return undefined;
  const path = specifier.slice(root.length);
  if (path === "src/errors.ts") return "errors";
  return /^src\/([^/]+)\//.exec(path)?.[1] ?? path;
}

const edges = new Map<string, Set<string>>();
const codeEdges = new Map<string, Set<string>>();
// The CLI imports some commands by a specifier computed at run time (src/cli/program.ts,
// importHeavy), which `deno info cli.ts` does not follow: every command module is an entry.
const commands = [...Deno.readDirSync(new URL("src/cli/", root))]
  .filter((entry) => entry.isFile && entry.name.endsWith("_command.ts"))
  .map((entry) => `src/cli/${entry.name}`)
  .sort();
for (const entry of ["mod.ts", "cli.ts", ...commands]) {
  for (const module of await moduleGraph(entry)) {
    if (!module.specifier.startsWith(root)) continue;
    const targets = edges.get(module.specifier) ?? new Set<string>();
    const codeTargets = codeEdges.get(module.specifier) ?? new Set<string>();
    for (const dependency of module.dependencies ?? []) {
      const code = dependency.code?.specifier;
      const type = dependency.type?.specifier;
      if (code?.startsWith(root)) codeTargets.add(code);
      for (const target of [code, type]) if (target?.startsWith(root)) targets.add(target);
    }
    edges.set(module.specifier, targets);
    codeEdges.set(module.specifier, codeTargets);
  }
}

const problems: string[] = [];
const relative = (specifier: string) => specifier.slice(root.length);
for (const [from, targets] of edges) {
  const fromArea = areaOf(from);
  if (fromArea === undefined) continue;
  for (const to of targets) {
    const toArea = areaOf(to);
    if (toArea === undefined || toArea === fromArea) continue;
    const allowed = ALLOWED[fromArea]?.includes(toArea) &&
      (CONTRACTS[fromArea] === undefined || toArea === "config" || toArea === "errors" ||
        CONTRACTS[fromArea].includes(relative(to)));
    if (!allowed) {
      problems.push(`${relative(from)} imports ${relative(to)} (${fromArea} → ${toArea})`);
    }
  }
}

// Tarjan's strongly connected components: any component of more than one module is a cycle.
let counter = 0;
const index = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
function connect(node: string): void {
  index.set(node, counter);
  low.set(node, counter++);
  stack.push(node);
  onStack.add(node);
  for (const next of codeEdges.get(node) ?? []) {
    if (!index.has(next)) {
      connect(next);
      low.set(node, Math.min(low.get(node)!, low.get(next)!));
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
  }
  if (low.get(node) !== index.get(node)) return;
  const component: string[] = [];
  for (;;) {
    const member = stack.pop()!;
    onStack.delete(member);
    component.push(member);
    if (member === node) break;
  }
  if (component.length > 1) problems.push(`import cycle: ${component.map(relative).join(" → ")}`);
}
for (const node of codeEdges.keys()) if (!index.has(node)) connect(node);

// The pure core touches no global I/O: everything comes in through deps (STYLE "Pure core").
const PURE_AREAS = ["config", "engine", "evaluation"];
const IMPURE = /\bDeno\.|\bDate\.now\(|\bconsole\.|\bglobalThis\.fetch\b|(?<![.\w])fetch\(/;
for (const module of edges.keys()) {
  if (!PURE_AREAS.includes(areaOf(module) ?? "")) continue;
  const lines = (await Deno.readTextFile(new URL(module))).split("\n");
  lines.forEach((line, index) => {
    const code = line.replace(/\/\/.*$/, "");
    if (/^\s*(\*|\/\*\*)/.test(line) || !IMPURE.test(code)) return;
    problems.push(`${relative(module)}:${index + 1} touches global I/O: ${line.trim()}`);
  });
}

// One way into a file: its own path. Folders have no `mod.ts` of their own (the package's
// `mod.ts` at the root is the one public entry), so nothing re-exports what it does not own.
function folderEntries(dir: URL): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) found.push(...folderEntries(new URL(`${entry.name}/`, dir)));
    else if (entry.name === "mod.ts") found.push(relative(new URL(entry.name, dir).href));
  }
  return found;
}
for (const path of folderEntries(new URL("src/", root))) {
  problems.push(`${path}: a folder entry; import the file that defines the name instead`);
}

if (problems.length > 0) {
  // deno-lint-ignore no-console
  console.error(`Architecture check failed:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  Deno.exit(1);
}
// deno-lint-ignore no-console
console.log(
  `Architecture check passed: ${edges.size} modules, no cycles, dependencies point inward, pure core`,
);
