// Derived-feature expressions written by users ("spindle_load * spindle_speed * 2 * pi / 60").
// User text is parsed to a small AST and evaluated by walking it: never eval or new Function, so a
// contract cannot run code. The grammar is arithmetic only: numbers, names, + - * / ^ (right
// associative), unary minus, parentheses, and the functions in FUNCTIONS. Pure: no I/O.

export type Expr =
  | { k: "num"; v: number }
  | { k: "var"; name: string }
  | { k: "neg"; a: Expr }
  | { k: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: Expr; b: Expr }
  | { k: "call"; fn: string; args: Expr[] };

const FUNCTIONS: Record<string, { arity: number; f: (...x: number[]) => number }> = {
  abs: { arity: 1, f: Math.abs },
  sqrt: { arity: 1, f: Math.sqrt },
  log: { arity: 1, f: Math.log },
  exp: { arity: 1, f: Math.exp },
  min: { arity: 2, f: Math.min },
  max: { arity: 2, f: Math.max },
  pow: { arity: 2, f: Math.pow },
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

export class ExprError extends Error {}

type Tok = { t: "num"; v: number } | { t: "id"; v: string } | { t: "op"; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t") {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new ExprError(`'${c}' at position ${i + 1} does not start a number`);
      out.push({ t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else if ("+-*/^(),".includes(c)) {
      out.push({ t: "op", v: c });
      i++;
    } else {
      throw new ExprError(`unexpected '${c}' at position ${i + 1}`);
    }
  }
  return out;
}

/** Parses `src`; `names` are the variables it may use. Throws ExprError with a reason. */
export function parseExpr(src: string, names: ReadonlySet<string>): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isOp = (v: string): boolean => {
    const t = toks[p];
    return t !== undefined && t.t === "op" && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) throw new ExprError(`expected '${v}'${p < toks.length ? "" : " before the end"}`);
    p++;
  };
  // Precedence climbing: sum → product → unary → power → atom.
  /** One left-associative level: `next (op next)*` with the operators `ops`. */
  const leftAssoc = (ops: readonly ("+" | "-" | "*" | "/")[], next: () => Expr) => (): Expr => {
    let a = next();
    while (ops.some(isOp)) {
      const op = (toks[p++] as { v: (typeof ops)[number] }).v;
      a = { k: "bin", op, a, b: next() };
    }
    return a;
  };
  const product = leftAssoc(["*", "/"], () => unary());
  const sum = leftAssoc(["+", "-"], product);
  const unary = (): Expr => {
    if (isOp("-")) {
      p++;
      return { k: "neg", a: unary() };
    }
    if (isOp("+")) {
      p++;
      return unary();
    }
    return power();
  };
  const power = (): Expr => {
    const a = atom();
    if (isOp("^")) {
      p++;
      return { k: "bin", op: "^", a, b: unary() };
    }
    return a;
  };
  const atom = (): Expr => {
    const t = peek();
    if (!t) throw new ExprError("ends too early");
    p++;
    if (t.t === "num") return { k: "num", v: t.v };
    if (t.t === "op") {
      if (t.v !== "(") throw new ExprError(`unexpected '${t.v}'`);
      const e = sum();
      expect(")");
      return e;
    }
    if (isOp("(")) {
      const fn = FUNCTIONS[t.v];
      if (!Object.hasOwn(FUNCTIONS, t.v))
        throw new ExprError(`unknown function '${t.v}' (known: ${Object.keys(FUNCTIONS).join(", ")})`);
      p++;
      const args: Expr[] = [];
      if (!isOp(")")) {
        args.push(sum());
        while (isOp(",")) {
          p++;
          args.push(sum());
        }
      }
      expect(")");
      if (args.length !== fn.arity)
        throw new ExprError(
          `${t.v}() takes ${fn.arity} argument${fn.arity > 1 ? "s" : ""}, got ${args.length}`,
        );
      return { k: "call", fn: t.v, args };
    }
    if (names.has(t.v)) return { k: "var", name: t.v };
    if (Object.hasOwn(CONSTANTS, t.v)) return { k: "num", v: CONSTANTS[t.v] };
    throw new ExprError(`unknown name '${t.v}' (known: ${[...names].join(", ")}, pi, e)`);
  };
  if (toks.length === 0) throw new ExprError("is empty");
  const e = sum();
  if (p < toks.length) throw new ExprError(`unexpected '${String(toks[p].v)}' after a complete expression`);
  return e;
}

/** Names an expression reads. */
export function exprNames(e: Expr, out = new Set<string>()): Set<string> {
  if (e.k === "var") out.add(e.name);
  else if (e.k === "neg") exprNames(e.a, out);
  else if (e.k === "bin") {
    exprNames(e.a, out);
    exprNames(e.b, out);
  } else if (e.k === "call") for (const a of e.args) exprNames(a, out);
  return out;
}

/** A function of a row: `slot(name)` gives each variable's index into the row's values. */
export function compileExpr(e: Expr, slot: (name: string) => number): (x: Float64Array) => number {
  switch (e.k) {
    case "num": {
      const v = e.v;
      return () => v;
    }
    case "var": {
      const i = slot(e.name);
      return (x) => x[i];
    }
    case "neg": {
      const a = compileExpr(e.a, slot);
      return (x) => -a(x);
    }
    case "bin": {
      const a = compileExpr(e.a, slot);
      const b = compileExpr(e.b, slot);
      if (e.op === "+") return (x) => a(x) + b(x);
      if (e.op === "-") return (x) => a(x) - b(x);
      if (e.op === "*") return (x) => a(x) * b(x);
      if (e.op === "/") return (x) => a(x) / b(x);
      return (x) => a(x) ** b(x);
    }
    case "call": {
      const f = FUNCTIONS[e.fn].f;
      const args = e.args.map((a) => compileExpr(a, slot));
      if (args.length === 1) {
        const a0 = args[0];
        return (x) => f(a0(x));
      }
      const [a0, a1] = args;
      return (x) => f(a0(x), a1(x));
    }
  }
}
