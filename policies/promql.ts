/**
 * PromQL read with Prometheus's own grammar (`@prometheus-io/lezer-promql`,
 * the parser of the Prometheus UI): the shape of an alert's expression, the
 * metrics it reads, and whether it parses at all.
 */
import { parser } from "@prometheus-io/lezer-promql";

type Node = { name: string; from: number; to: number; firstChild: Node | null; nextSibling: Node | null; type: { isError: boolean } };

export interface Selector {
  metric: string;
  /** Equality matchers (`label="value"`); other matchers are listed in `other`. */
  equal: Record<string, string>;
  other: string[];
}

export type Shape =
  | { kind: "compare"; op: string; bool: boolean; selector: Selector; value: number }
  | { kind: "absent"; selector: Selector }
  | { kind: "other" };

export interface Parsed {
  /** Where the expression does not parse, or undefined. */
  error?: string;
  shape: Shape;
  /** Every metric name the expression reads. */
  metrics: string[];
}

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function unquote(s: string): string {
  try {
    return s.startsWith("`") ? s.slice(1, -1) : JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s);
  } catch {
    return s;
  }
}

function selector(n: Node, text: string): Selector | undefined {
  if (n.name !== "VectorSelector") return undefined;
  const sel: Selector = { metric: "", equal: {}, other: [] };
  for (const c of children(n)) {
    if (c.name === "Identifier") sel.metric = text.slice(c.from, c.to);
    if (c.name === "LabelMatchers") {
      for (const m of children(c)) {
        const parts = children(m);
        const label = parts.find((x) => x.name === "LabelName" || x.name === "QuotedLabelName");
        const op = parts.find((x) => x.name === "MatchOp");
        const value = parts.find((x) => x.name === "StringLiteral");
        if (!label || !op || !value) {
          sel.other.push(text.slice(m.from, m.to));
          continue;
        }
        const name = label.name === "QuotedLabelName" ? unquote(text.slice(label.from, label.to)) : text.slice(label.from, label.to);
        if (name === "__name__" && text.slice(op.from, op.to) === "=") sel.metric = unquote(text.slice(value.from, value.to));
        else if (text.slice(op.from, op.to) === "=") sel.equal[name] = unquote(text.slice(value.from, value.to));
        else sel.other.push(text.slice(m.from, m.to));
      }
    }
  }
  return sel;
}

/** Parses `expr`; its shape is recognised only when it is exactly `selector OP number` or `absent(selector)`. */
export function parsePromQL(expr: string): Parsed {
  const tree = parser.parse(expr);
  let error: string | undefined;
  const metrics: string[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError && error === undefined) error = `syntax error at character ${ref.from + 1}`;
      if (ref.name === "VectorSelector") {
        const s = selector(ref.node as unknown as Node, expr);
        if (s?.metric) metrics.push(s.metric);
      }
    },
  });
  const top = (tree.topNode as unknown as Node).firstChild;
  let shape: Shape = { kind: "other" };
  if (top && error === undefined) {
    if (top.name === "BinaryExpr") {
      const parts = children(top);
      const lhs = parts[0];
      const rhs = parts[parts.length - 1];
      const op = parts.find((x) => ["Gtr", "Gte", "Lss", "Lte", "Eql", "Neq"].includes(x.name));
      const bool = parts.some((x) => x.name === "BoolModifier" || text(x, expr) === "bool");
      const sel = lhs ? selector(lhs, expr) : undefined;
      if (op && sel && rhs && rhs.name === "NumberDurationLiteral" && parts.length === 3 + (bool ? 1 : 0)) {
        shape = { kind: "compare", op: expr.slice(op.from, op.to), bool, selector: sel, value: Number(expr.slice(rhs.from, rhs.to)) };
      }
    } else if (top.name === "FunctionCall") {
      const [fn, body] = children(top);
      const id = fn ? children(fn)[0] : undefined;
      const args = body ? children(body) : [];
      const sel = args.length === 1 ? selector(args[0], expr) : undefined;
      if (id?.name === "Absent" && sel) shape = { kind: "absent", selector: sel };
    }
  }
  return { ...(error ? { error } : {}), shape, metrics };
}

const text = (n: Node, s: string) => s.slice(n.from, n.to);
