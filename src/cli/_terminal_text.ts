/**
 * Text from outside (model output, state values, names, error messages, file paths) must not
 * drive the terminal: `\u001b]0;TITLE\u0007` would set its title, `\u001b[2J` clear it, a
 * carriage return overwrite what was printed, a bidi override reorder a line. Every write of
 * the CLI passes through {@linkcode escapeControlCharacters}, which shows such characters as
 * `\uXXXX` escapes and lets through only the CLI's own styles.
 *
 * @module
 */
import type { CliIO } from "./io.ts";

/**
 * The sequences the CLI itself writes, kept as they are: its colours and styles (SGR codes
 * 0, 1, 2, 22, 31, 32, 33 and 39, none of which hides text), and at the start of a write the
 * "return and erase the line" of a live progress line.
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const OWN_SEQUENCE = /^\r\x1b\[2K|\x1b\[(?:0|1|2|22|31|32|33|39)m/y;

/**
 * Characters shown as escapes: C0 controls except tab and line feed, DEL, C1 controls, and the
 * bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/**
 * Writes control characters as `\uXXXX` escapes, so that text shows what it holds instead of
 * acting on the terminal. Line feeds and tabs stay, a CRLF becomes a line feed, and the CLI's
 * own styles (see above) stay. Inside JSON text the escapes are the same characters, so JSON
 * output means the same after it.
 *
 * @example Usage
 * ```ts
 * import { escapeControlCharacters } from "./_terminal_text.ts";
 * const text = escapeControlCharacters("\x1b]0;TITLE\x07\x1b[2Jhello\r\n");
 * if (text !== "\\u001b]0;TITLE\\u0007\\u001b[2Jhello\n") throw new Error(text);
 * ```
 *
 * @param text Text about to be written to a terminal.
 * @returns The text with its control characters escaped.
 */
export function escapeControlCharacters(text: string): string {
  if (!CONTROL.test(text)) return text;
  let out = "";
  let index = 0;
  while (index < text.length) {
    OWN_SEQUENCE.lastIndex = index;
    const own = OWN_SEQUENCE.exec(text);
    if (own) {
      out += own[0];
      index += own[0].length;
      continue;
    }
    const char = text[index]!;
    if (char === "\r" && text[index + 1] === "\n") {
      index++;
      continue;
    }
    out += CONTROL.test(char) ? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}` : char;
    index++;
  }
  return out;
}

/**
 * The same outside world, with every write to standard output and standard error passed
 * through {@linkcode escapeControlCharacters}.
 *
 * @param io The outside world.
 * @returns A copy whose writes are escaped.
 */
export function terminalSafeIO(io: CliIO): CliIO {
  return {
    ...io,
    stdout: (text) => io.stdout(escapeControlCharacters(text)),
    stderr: (text) => io.stderr(escapeControlCharacters(text)),
  };
}

/**
 * Text without SGR styles (`\u001b[36m`): Deno colours the file names in some of its error
 * messages, which are then quoted in ours.
 *
 * @param text The text.
 * @returns The text without its colours and styles.
 */
export function stripStyles(text: string): string {
  // deno-lint-ignore no-control-regex -- matching the escape character is the point
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
