/**
 * Constraints between parameters of a search space, such as `fast_period < slow_period` or
 * `slow_period >= 2 * fast_period`: one comparison of two arithmetic expressions over
 * parameter names and numbers (`+ - * /`, parentheses, unary minus).
 *
 * @module
 */

/** An arithmetic expression over parameter values. */
export type Expression =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "negate"; readonly operand: Expression }
  | {
    readonly kind: "binary";
    readonly op: "+" | "-" | "*" | "/";
    readonly left: Expression;
    readonly right: Expression;
  };

/** A comparison operator of a constraint. */
export type Comparison = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** A parsed constraint: `left op right`. */
export interface Constraint {
  /** The text as written. */
  readonly text: string;
  /** The comparison. */
  readonly op: Comparison;
  /** Left side. */
  readonly left: Expression;
  /** Right side. */
  readonly right: Expression;
}

const TOKEN =
  /\s*(<=|>=|==|!=|<|>|[-+*/()]|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (text.slice(at).trim() === "") break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (match === null) throw new SyntaxError(`unexpected "${text.slice(at).trim()[0]}"`);
    tokens.push(match[1]);
    at = TOKEN.lastIndex;
  }
  return tokens;
}

/**
 * Parses a constraint.
 *
 * @example
 * ```ts
 * import { evaluateConstraint, parseConstraint } from "@tesser/tesser/research";
 * import assert from "node:assert/strict";
 *
 * const c = parseConstraint("slow >= 2 * fast");
 * assert.equal(evaluateConstraint(c, { fast: 5, slow: 10 }), true);
 * ```
 * @throws {SyntaxError} describing what is wrong with the text.
 */
export function parseConstraint(text: string): Constraint {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const factor = (): Expression => {
    const token = tokens[i++];
    if (token === undefined) throw new SyntaxError("it ends early");
    if (token === "-") return { kind: "negate", operand: factor() };
    if (token === "(") {
      const inner = sum();
      if (tokens[i++] !== ")") throw new SyntaxError(`a "(" is not closed`);
      return inner;
    }
    if (/^\d/.test(token)) return { kind: "number", value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) return { kind: "param", name: token };
    throw new SyntaxError(`unexpected "${token}"`);
  };
  const term = (): Expression => {
    let left = factor();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[i++] as "*" | "/";
      left = { kind: "binary", op, left, right: factor() };
    }
    return left;
  };
  const sum = (): Expression => {
    let left = term();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[i++] as "+" | "-";
      left = { kind: "binary", op, left, right: term() };
    }
    return left;
  };
  const left = sum();
  const op = tokens[i++];
  if (op !== "<" && op !== "<=" && op !== ">" && op !== ">=" && op !== "==" && op !== "!=") {
    throw new SyntaxError(
      op === undefined ? "it has no comparison (<, <=, >, >=, ==, !=)" : `unexpected "${op}"`,
    );
  }
  const right = sum();
  if (i < tokens.length) throw new SyntaxError(`unexpected "${tokens[i]}"`);
  return { text: text.trim(), op, left, right };
}

/** The parameter names a constraint refers to, in order of first use. */
export function constraintParams(constraint: Constraint): readonly string[] {
  const names: string[] = [];
  const walk = (e: Expression): void => {
    switch (e.kind) {
      case "number":
        return;
      case "param":
        if (!names.includes(e.name)) names.push(e.name);
        return;
      case "negate":
        walk(e.operand);
        return;
      case "binary":
        walk(e.left);
        walk(e.right);
        return;
      default: {
        const unknown: never = e;
        throw new TypeError(`Unknown expression ${JSON.stringify(unknown)}`);
      }
    }
  };
  walk(constraint.left);
  walk(constraint.right);
  return names;
}

function evaluate(e: Expression, values: Readonly<Record<string, unknown>>): number {
  switch (e.kind) {
    case "number":
      return e.value;
    case "param": {
      const value = values[e.name];
      if (typeof value !== "number") {
        throw new TypeError(`constraint parameter ${e.name} is ${JSON.stringify(value)}`);
      }
      return value;
    }
    case "negate":
      return -evaluate(e.operand, values);
    case "binary": {
      const a = evaluate(e.left, values);
      const b = evaluate(e.right, values);
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        default: {
          const unknown: never = e.op;
          throw new TypeError(`Unknown operator ${unknown}`);
        }
      }
    }
    default: {
      const unknown: never = e;
      throw new TypeError(`Unknown expression ${JSON.stringify(unknown)}`);
    }
  }
}

/** Whether `values` satisfy the constraint (a NaN side, e.g. from 0 / 0, never does). */
export function evaluateConstraint(
  constraint: Constraint,
  values: Readonly<Record<string, unknown>>,
): boolean {
  const a = evaluate(constraint.left, values);
  const b = evaluate(constraint.right, values);
  switch (constraint.op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b && !Number.isNaN(a) && !Number.isNaN(b);
    default: {
      const unknown: never = constraint.op;
      throw new TypeError(`Unknown comparison ${unknown}`);
    }
  }
}
