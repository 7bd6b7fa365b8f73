/**
 * Prints the `--allow-run` entries the real-MLflow suite needs, each after a comma, for the
 * `test` task to append to its list: `--allow-run=deno,...$(deno run ... _allow_run.ts)`. They
 * are the Pythons named by `MLFLOW_PYTHON` and `MLFLOW39_PYTHON` (the only programs the suite
 * spawns besides `deno`; the `mlflow` launchers are started by those Pythons). Without the
 * variables it prints nothing, so the list stays as it is and the suite is skipped.
 *
 * @module
 */
const entries: string[] = [];
for (const name of ["MLFLOW_PYTHON", "MLFLOW39_PYTHON"]) {
  const path = Deno.env.get(name)?.trim();
  if (!path) continue;
  if (path.includes(",")) {
    // deno-lint-ignore no-console
    console.error(`warning: Cannot grant ${name} "${path}" to --allow-run as it has a comma`);
    continue;
  }
  entries.push(`,${path}`);
}
// deno-lint-ignore no-console
console.log(entries.join(""));
