/**
 * The syntax tree of route conditions, shared by the parser and the evaluator.
 *
 * @module
 */

/** Comparison operators. */
export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in";

/** A parsed route condition. */
export type Expression =
  | { readonly type: "literal"; readonly value: string | number | boolean | null }
  | {
    readonly type: "field";
    readonly path: readonly string[];
    /** 0-based offset of the reference in the expression text. */
    readonly offset: number;
  }
  | { readonly type: "list"; readonly items: readonly Expression[] }
  | { readonly type: "not"; readonly operand: Expression }
  | {
    readonly type: "and" | "or";
    readonly left: Expression;
    readonly right: Expression;
  }
  | {
    readonly type: "compare";
    readonly operator: ComparisonOperator;
    readonly left: Expression;
    readonly right: Expression;
  };
