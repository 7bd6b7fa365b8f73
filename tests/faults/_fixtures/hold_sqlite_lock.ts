/**
 * Holds a write transaction on a SQLite file until told to let go: opens the file, runs
 * `BEGIN IMMEDIATE` (the write lock, in WAL mode as in rollback mode), writes `locked` and a
 * newline to standard output, waits for standard input to close, then rolls back and exits.
 *
 * Usage: `deno run --allow-read --allow-write hold_sqlite_lock.ts <database file>`
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";

const path = Deno.args[0];
if (!path) throw new Error("Cannot hold a lock as no database file is given");
const db = new DatabaseSync(path);
db.exec("PRAGMA busy_timeout = 0");
db.exec("BEGIN IMMEDIATE");
// A real write, so that the transaction is more than a reservation.
db.exec("CREATE TABLE IF NOT EXISTS lock_holder (n INTEGER)");
db.exec("INSERT INTO lock_holder VALUES (1)");
await Deno.stdout.write(new TextEncoder().encode("locked\n"));
await new Response(Deno.stdin.readable).arrayBuffer();
db.exec("ROLLBACK");
db.close();
