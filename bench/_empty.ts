// The empty script of the cold-start benchmark: `deno run` of this file is the floor.
export {};
