/**
 * Route conditions: a small expression language parsed by a real parser, never `eval`.
 *
 * Grammar, loosest binding first:
 * ```
 * or      := and ("or" and)*
 * and     := not ("and" not)*
 * not     := "not" not | compare
 * compare := primary (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") primary)?
 * primary := literal | field | "[" (or ("," or)*)? "]" | "(" or ")"
 * field   := state.a.b | {state.a.b}
 * literal := number | 'text' | "text" | true | false | null
 * ```
 *
 * @module
 */
import type { ComparisonOperator, Expression } from "./expression_ast.ts";

export type { ComparisonOperator, Expression } from "./expression_ast.ts";
export { evaluateExpression, ExpressionEvaluationError } from "./evaluate_expression.ts";

/** Text that is not an expression of the grammar. */
export class ExpressionSyntaxError extends SyntaxError {
  /** 0-based offset of the fault. */
  readonly offset: number;

  /**
   * Creates the error of a condition that does not parse.
   *
   * @param message What is wrong.
   * @param offset 0-based position of the fault.
   */
  constructor(message: string, offset: number) {
    super(message);
    this.name = "ExpressionSyntaxError";
    this.offset = offset;
  }
}

type Token =
  | { kind: "number"; value: number; offset: number }
  | { kind: "string"; value: string; offset: number }
  | { kind: "word"; value: string; offset: number }
  | { kind: "field"; path: string[]; offset: number }
  | { kind: "op"; value: string; offset: number }
  | { kind: "end"; offset: number };

const KEYWORDS = new Set(["and", "or", "not", "in", "true", "false", "null"]);

/**
 * Deepest a condition may nest: parentheses, lists and `not` each add a level, and so does each
 * `and`/`or`/comparison over its operands (a chain of 50 `or`s is 51 levels deep). Far beyond
 * any real route, and shallow enough that parsing and evaluating never exhaust the stack.
 */
export const MAX_EXPRESSION_DEPTH = 100;

const DEPTH_MESSAGE =
  `The condition nests deeper than ${MAX_EXPRESSION_DEPTH} levels (parentheses, lists, not, and, or): split it or simplify it`;

/**
 * Parses a route condition.
 *
 * @example Usage
 * ```ts
 * import { parseExpression } from "./expression.ts";
 * const expr = parseExpression("state.score >= 8 and not (state.label in ['spam', 'junk'])");
 * if (expr.type !== "and") throw new Error("and binds loosest here");
 * ```
 *
 * @param text The condition text.
 * @returns The syntax tree.
 * @throws {ExpressionSyntaxError} When the text does not follow the grammar.
 */
export function parseExpression(text: string): Expression {
  const parser = new ExpressionParser(tokenize(text));
  const expression = parser.parseOr();
  parser.expectEnd();
  return expression;
}

/**
 * Lists the state fields an expression reads, each as its path (`state.a.b` is `["a", "b"]`).
 *
 * @param expression A parsed expression.
 * @returns The field references in order of appearance, with their offsets.
 */
export function expressionFields(
  expression: Expression,
): { path: readonly string[]; offset: number }[] {
  switch (expression.type) {
    case "field":
      return [{ path: expression.path, offset: expression.offset }];
    case "literal":
      return [];
    case "list":
      return expression.items.flatMap(expressionFields);
    case "not":
      return expressionFields(expression.operand);
    default:
      return [...expressionFields(expression.left), ...expressionFields(expression.right)];
  }
}

/**
 * Formats an expression back to text, fully parenthesised where operators nest.
 *
 * @param expression A parsed expression.
 * @returns Its text.
 */
export function formatExpression(expression: Expression): string {
  switch (expression.type) {
    case "literal":
      return JSON.stringify(expression.value);
    case "field":
      return `state.${expression.path.join(".")}`;
    case "list":
      return `[${expression.items.map(formatExpression).join(", ")}]`;
    case "not":
      return `not ${wrap(expression.operand)}`;
    case "compare":
      return `${wrap(expression.left)} ${expression.operator} ${wrap(expression.right)}`;
    default:
      return `${wrap(expression.left)} ${expression.type} ${wrap(expression.right)}`;
  }
}

function wrap(expression: Expression): string {
  const text = formatExpression(expression);
  return expression.type === "literal" || expression.type === "field" ||
      expression.type === "list"
    ? text
    : `(${text})`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? "";
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const field = /^\{\s*state((?:\.[A-Za-z0-9_]+)+)\s*\}/.exec(rest) ??
      /^state((?:\.[A-Za-z0-9_]+)+)(?![A-Za-z0-9_])/.exec(rest);
    if (field?.[1]) {
      tokens.push({ kind: "field", path: field[1].slice(1).split("."), offset: i });
      i += field[0].length;
      continue;
    }
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (number && (number[0][0] !== "-" || !endsOperand(tokens))) {
      tokens.push({ kind: "number", value: Number(number[0]), offset: i });
      i += number[0].length;
      continue;
    }
    if (char === "'" || char === '"') {
      const { value, end } = readString(text, i);
      tokens.push({ kind: "string", value, offset: i });
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      tokens.push({ kind: "word", value: word[0], offset: i });
      i += word[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>|\(|\)|\[|\]|,)/.exec(rest);
    if (op) {
      tokens.push({ kind: "op", value: op[0], offset: i });
      i += op[0].length;
      continue;
    }
    const hint = char === "="
      ? ": use '==' to compare"
      : char === "&" || char === "|"
      ? ": use 'and' / 'or'"
      : char === "!"
      ? ": use 'not'"
      : "";
    throw new ExpressionSyntaxError(`Unexpected character "${char}"${hint}`, i);
  }
  tokens.push({ kind: "end", offset: text.length });
  return tokens;
}

function endsOperand(tokens: Token[]): boolean {
  const last = tokens.at(-1);
  if (!last) return false;
  if (last.kind === "op") return last.value === ")" || last.value === "]";
  if (last.kind === "word") {
    return !KEYWORDS.has(last.value) || /^(true|false|null)$/.test(last.value);
  }
  return true;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === "\\" && i + 1 < text.length) {
      const next = text[i + 1] ?? "";
      value += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i += 2;
      continue;
    }
    if (char === quote) return { value, end: i + 1 };
    value += char;
    i++;
  }
  throw new ExpressionSyntaxError(`Unterminated text starting with ${quote}`, start);
}

class ExpressionParser {
  readonly #tokens: Token[];
  #index = 0;
  /** Open parentheses, lists and `not`s around the token being read. */
  #nesting = 0;
  /** The height of each node built (a leaf is 1). */
  readonly #heights = new WeakMap<Expression, number>();

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseOr(): Expression {
    let left = this.#parseAnd();
    while (this.#isWord("or")) {
      const offset = this.#peek().offset;
      this.#index++;
      left = this.#built({ type: "or", left, right: this.#parseAnd() }, offset);
    }
    return left;
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token.kind !== "end") {
      throw new ExpressionSyntaxError(`Unexpected ${describeToken(token)}`, token.offset);
    }
  }

  #parseAnd(): Expression {
    let left = this.#parseNot();
    while (this.#isWord("and")) {
      const offset = this.#peek().offset;
      this.#index++;
      left = this.#built({ type: "and", left, right: this.#parseNot() }, offset);
    }
    return left;
  }

  #parseNot(): Expression {
    if (this.#isWord("not")) {
      const { offset } = this.#peek();
      this.#index++;
      this.#enter(offset);
      const operand = this.#parseNot();
      this.#nesting--;
      return this.#built({ type: "not", operand }, offset);
    }
    return this.#parseCompare();
  }

  #parseCompare(): Expression {
    const left = this.#parsePrimary();
    const token = this.#peek();
    let operator: ComparisonOperator | undefined;
    if (token.kind === "op" && /^(==|!=|<=|>=|<|>)$/.test(token.value)) {
      operator = token.value as ComparisonOperator;
      this.#index++;
    } else if (this.#isWord("in")) {
      operator = "in";
      this.#index++;
    } else if (this.#isWord("not") && this.#isWord("in", 1)) {
      operator = "not in";
      this.#index += 2;
    }
    if (!operator) return left;
    return this.#built(
      { type: "compare", operator, left, right: this.#parsePrimary() },
      token.offset,
    );
  }

  #parsePrimary(): Expression {
    const token = this.#peek();
    this.#index++;
    switch (token.kind) {
      case "number":
      case "string":
        return { type: "literal", value: token.value };
      case "field":
        return { type: "field", path: token.path, offset: token.offset };
      case "word":
        if (token.value === "true" || token.value === "false") {
          return { type: "literal", value: token.value === "true" };
        }
        if (token.value === "null") return { type: "literal", value: null };
        if (KEYWORDS.has(token.value)) {
          throw new ExpressionSyntaxError(
            `Expected a value but found '${token.value}'`,
            token.offset,
          );
        }
        throw new ExpressionSyntaxError(
          `Unknown name '${token.value}': refer to state fields as state.${token.value}`,
          token.offset,
        );
      case "op":
        if (token.value === "(") {
          this.#enter(token.offset);
          const inner = this.parseOr();
          this.#expectOp(")");
          this.#nesting--;
          return inner;
        }
        if (token.value === "[") {
          this.#enter(token.offset);
          const list = this.#parseList();
          this.#nesting--;
          return this.#built(list, token.offset);
        }
        throw new ExpressionSyntaxError(
          `Expected a value but found '${token.value}'`,
          token.offset,
        );
      case "end":
        throw new ExpressionSyntaxError("Expected a value but the expression ended", token.offset);
    }
  }

  #parseList(): Expression {
    const items: Expression[] = [];
    if (this.#isOp("]")) {
      this.#index++;
      return { type: "list", items };
    }
    for (;;) {
      items.push(this.parseOr());
      if (this.#isOp(",")) {
        this.#index++;
        continue;
      }
      this.#expectOp("]");
      return { type: "list", items };
    }
  }

  /** Opens a level (at the token at `offset`), refusing one level too many. */
  #enter(offset: number): void {
    if (++this.#nesting > MAX_EXPRESSION_DEPTH) {
      throw new ExpressionSyntaxError(DEPTH_MESSAGE, offset);
    }
  }

  /** Records the height of a new node (a leaf has none: 1), refusing one too deep. */
  #built(expression: Expression, offset: number): Expression {
    const children = expression.type === "literal" || expression.type === "field"
      ? []
      : expression.type === "list"
      ? expression.items
      : expression.type === "not"
      ? [expression.operand]
      : [expression.left, expression.right];
    const height = 1 + Math.max(0, ...children.map((child) => this.#heights.get(child) ?? 1));
    if (height > MAX_EXPRESSION_DEPTH) throw new ExpressionSyntaxError(DEPTH_MESSAGE, offset);
    this.#heights.set(expression, height);
    return expression;
  }

  #expectOp(value: string): void {
    const token = this.#peek();
    if (!this.#isOp(value)) {
      throw new ExpressionSyntaxError(
        `Expected '${value}' but found ${describeToken(token)}`,
        token.offset,
      );
    }
    this.#index++;
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#index + ahead, this.#tokens.length - 1)] as Token;
  }

  #isWord(value: string, ahead = 0): boolean {
    const token = this.#peek(ahead);
    return token.kind === "word" && token.value === value;
  }

  #isOp(value: string): boolean {
    const token = this.#peek();
    return token.kind === "op" && token.value === value;
  }
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case "end":
      return "the end of the expression";
    case "field":
      return `'state.${token.path.join(".")}'`;
    default:
      return `'${String(token.value)}'`;
  }
}
