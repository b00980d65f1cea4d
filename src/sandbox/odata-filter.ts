import { GraphError } from './graph-error';

/**
 * A small OData `$filter` interpreter covering what Graph clients send to Outlook and directory
 * resources: comparisons, and/or/not, startswith/endswith/contains, and `any`/`all` lambdas such as
 * `singleValueExtendedProperties/any(ep: ep/id eq '...' and ep/value eq '...')`.
 */
export type FilterNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; segments: string[] }
  | { kind: 'compare'; op: CompareOp; left: FilterNode; right: FilterNode }
  | { kind: 'logical'; op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'call'; name: string; args: FilterNode[] }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; segments: string[]; variable: string; body: FilterNode };

type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export interface ParsedFilter {
  root: FilterNode;
  /** Operators and functions used, so a resource can refuse what Graph refuses. */
  features: Set<string>;
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'word'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' | ':' };

const invalid = (message: string): GraphError =>
  new GraphError(400, 'BadRequest', `Invalid filter clause: ${message}`);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalid('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ t: 'str', v: value });
    } else if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else {
      const match = /^[A-Za-z0-9_./@$+-]+/.exec(text.slice(i));
      if (!match) throw invalid(`unexpected character '${c}'`);
      const word = match[0];
      const isDate = /^\d{4}-\d{2}-\d{2}/.test(word);
      if (!isDate && /^-?\d+(\.\d+)?$/.test(word)) tokens.push({ t: 'num', v: Number(word) });
      else tokens.push(isDate ? { t: 'str', v: word } : { t: 'word', v: word });
      i += word.length;
    }
  }
  return tokens;
}

export function parseFilter(text: string): ParsedFilter {
  const tokens = tokenize(text);
  const features = new Set<string>();
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (w: string): boolean => {
    const tok = peek();
    return tok?.t === 'word' && tok.v.toLowerCase() === w;
  };
  const expectPunct = (p: string): void => {
    const tok = tokens[pos++];
    if (tok?.t !== 'punct' || tok.v !== p) throw invalid(`expected '${p}'`);
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isWord('or')) {
      pos++;
      features.add('or');
      left = { kind: 'logical', op: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (isWord('and')) {
      pos++;
      left = { kind: 'logical', op: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    if (isWord('not')) {
      pos++;
      features.add('not');
      return { kind: 'not', operand: parseUnary() };
    }
    const left = parseOperand();
    const tok = peek();
    if (tok?.t === 'word' && ['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(tok.v.toLowerCase())) {
      pos++;
      const op = tok.v.toLowerCase() as CompareOp;
      features.add(op);
      return { kind: 'compare', op, left, right: parseOperand() };
    }
    return left;
  };
  const parseOperand = (): FilterNode => {
    const tok = tokens[pos++];
    if (!tok) throw invalid('unexpected end of expression');
    if (tok.t === 'str') return { kind: 'literal', value: tok.v };
    if (tok.t === 'num') return { kind: 'literal', value: tok.v };
    if (tok.t === 'punct') {
      if (tok.v !== '(') throw invalid(`unexpected '${tok.v}'`);
      const inner = parseOr();
      expectPunct(')');
      return inner;
    }
    const word = tok.v;
    const lower = word.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
    if (lower === 'null') return { kind: 'literal', value: null };
    const next = peek();
    if (next?.t === 'punct' && next.v === '(') {
      pos++;
      const segments = word.split('/');
      const last = segments[segments.length - 1]!.toLowerCase();
      if (segments.length > 1 && (last === 'any' || last === 'all')) {
        const variable = tokens[pos++];
        if (variable?.t !== 'word') throw invalid('expected a lambda variable');
        expectPunct(':');
        const body = parseOr();
        expectPunct(')');
        features.add(last);
        return {
          kind: 'lambda',
          quantifier: last,
          segments: segments.slice(0, -1),
          variable: variable.v,
          body,
        };
      }
      const args: FilterNode[] = [];
      if (!(peek()?.t === 'punct' && (peek() as { v: string }).v === ')')) {
        args.push(parseOr());
        while (peek()?.t === 'punct' && (peek() as { v: string }).v === ',') {
          pos++;
          args.push(parseOr());
        }
      }
      expectPunct(')');
      if (!['startswith', 'endswith', 'contains', 'tolower', 'toupper'].includes(lower)) {
        throw invalid(`unsupported function '${word}'`);
      }
      features.add(lower);
      return { kind: 'call', name: lower, args };
    }
    return { kind: 'path', segments: word.split('/') };
  };

  const root = parseOr();
  if (pos !== tokens.length) throw invalid('unexpected trailing input');
  return { root, features };
}

type Scope = Map<string, unknown>;

function property(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

function resolvePath(segments: string[], root: unknown, scope: Scope): unknown {
  const [first, ...rest] = segments;
  // A leading lambda variable (`ep/id`) reads from the collection item, anything else from the root.
  const fromScope = first !== undefined && scope.has(first);
  let current: unknown = fromScope ? scope.get(first) : root;
  for (const segment of fromScope ? rest : segments) current = property(current, segment);
  return current;
}

function normalise(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase().replace(/\s+/g, ' ') : value;
}

function compare(op: CompareOp, left: unknown, right: unknown): boolean {
  const a = normalise(left);
  const b = normalise(right);
  switch (op) {
    case 'eq':
      return (a ?? null) === (b ?? null);
    case 'ne':
      return (a ?? null) !== (b ?? null);
    default: {
      if (a === null || a === undefined || b === null || b === undefined) return false;
      const [x, y] = [a as string | number, b as string | number];
      if (op === 'gt') return x > y;
      if (op === 'ge') return x >= y;
      if (op === 'lt') return x < y;
      return x <= y;
    }
  }
}

function evaluate(node: FilterNode, root: unknown, scope: Scope): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path':
      return resolvePath(node.segments, root, scope);
    case 'compare':
      return compare(node.op, evaluate(node.left, root, scope), evaluate(node.right, root, scope));
    case 'logical': {
      const left = Boolean(evaluate(node.left, root, scope));
      if (node.op === 'and') return left && Boolean(evaluate(node.right, root, scope));
      return left || Boolean(evaluate(node.right, root, scope));
    }
    case 'not':
      return !evaluate(node.operand, root, scope);
    case 'call': {
      const args = node.args.map((a) => evaluate(a, root, scope));
      const [first, second] = args;
      if (node.name === 'tolower') return typeof first === 'string' ? first.toLowerCase() : first;
      if (node.name === 'toupper') return typeof first === 'string' ? first.toUpperCase() : first;
      if (typeof first !== 'string' || typeof second !== 'string') return false;
      const [s, t] = [first.toLowerCase(), second.toLowerCase()];
      if (node.name === 'startswith') return s.startsWith(t);
      if (node.name === 'endswith') return s.endsWith(t);
      return s.includes(t);
    }
    case 'lambda': {
      const collection = resolvePath(node.segments, root, scope);
      const items = Array.isArray(collection) ? collection : [];
      const test = (item: unknown): boolean => {
        const inner = new Map(scope);
        inner.set(node.variable, item);
        return Boolean(evaluate(node.body, root, inner));
      };
      return node.quantifier === 'any' ? items.some(test) : items.every(test);
    }
  }
}

export function matchesFilter(filter: ParsedFilter, item: unknown): boolean {
  return Boolean(evaluate(filter.root, item, new Map()));
}
