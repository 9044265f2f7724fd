// GitHub Actions expressions: finds `${{ … }}` spans in a string and reads the context accesses inside
// them (`github.event.issue.title`, `github['head_ref']`, `fromJSON(steps.x.outputs.y).z`, `toJSON(secrets)`),
// normalised to lower-case dotted paths — contexts are case-insensitive and index syntax is equivalent.

export interface ExpressionSpan {
  /** Offsets of `${{` and just after `}}` in the string searched. */
  start: number;
  end: number;
  /** The expression between the braces. */
  body: string;
}

export interface ContextAccess {
  /** Normalised path, e.g. `github.event.pull_request.title`; `*` for computed indexes. */
  path: string;
  /** Functions the access is an argument of, innermost first (lower-case), e.g. ['tojson']. */
  functions: string[];
  /** Offset of the access within the expression body. */
  offset: number;
}

/** All `${{ … }}` spans of a string (string literals inside may contain `}}`). */
export function findExpressions(text: string): ExpressionSpan[] {
  const out: ExpressionSpan[] = [];
  let i = text.indexOf('${{');
  while (i !== -1) {
    let j = i + 3;
    let end = -1;
    while (j < text.length) {
      if (text[j] === "'") {
        const close = text.indexOf("'", j + 1);
        if (close === -1) break;
        j = close + 1;
        continue;
      }
      if (text[j] === '}' && text[j + 1] === '}') {
        end = j + 2;
        break;
      }
      j++;
    }
    if (end === -1) break;
    out.push({ start: i, end, body: text.slice(i + 3, end - 2) });
    i = text.indexOf('${{', end);
  }
  return out;
}

/** Is the whole string a single expression (`${{ x }}`, surrounding spaces allowed)? */
export function isWholeExpression(text: string): boolean {
  const spans = findExpressions(text);
  return spans.length === 1 && text.slice(0, spans[0].start).trim() === '' && text.slice(spans[0].end).trim() === '';
}

type Tok = { t: 'id' | 'str' | 'num' | 'op'; v: string; at: number };

function tokenize(body: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let v = '';
      while (j < body.length) {
        if (body[j] === "'" && body[j + 1] === "'") {
          v += "'";
          j += 2;
          continue;
        }
        if (body[j] === "'") break;
        v += body[j++];
      }
      toks.push({ t: 'str', v, at: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(body.slice(i, i + 200));
    if (id) {
      toks.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const num = /^(0x[0-9a-f]+|\d+(\.\d+)?(e[+-]?\d+)?)/i.exec(body.slice(i, i + 64));
    if (num) {
      toks.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|&&|\|\||[!<>.()[\],*])/.exec(body.slice(i, i + 2));
    toks.push({ t: 'op', v: op ? op[0] : c, at: i });
    i += op ? op[0].length : 1;
  }
  return toks;
}

const LITERALS = new Set(['true', 'false', 'null', 'nan', 'infinity']);

/** Context accesses in an expression body. Literals and function names are not contexts. */
export function contextAccesses(body: string): ContextAccess[] {
  const toks = tokenize(body);
  const out: ContextAccess[] = [];
  // stack of open parentheses: the function name they belong to ('' for grouping)
  const stack: string[] = [];
  let k = 0;
  while (k < toks.length) {
    const tok = toks[k];
    if (tok.t === 'op' && tok.v === '(') {
      stack.push('');
      k++;
      continue;
    }
    if (tok.t === 'op' && tok.v === ')') {
      stack.pop();
      k++;
      // `fromJSON(x).a[0]`, `(a || b).number`: a property path on a call or group result is not a context
      while (k < toks.length && ((toks[k].v === '.' && toks[k + 1]) || toks[k].v === '[')) {
        if (toks[k].v === '.') k += 2;
        else {
          let depth = 0;
          for (; k < toks.length; k++) {
            if (toks[k].v === '[') depth++;
            else if (toks[k].v === ']' && --depth === 0) break;
          }
          k++;
        }
      }
      continue;
    }
    if (tok.t !== 'id') {
      k++;
      continue;
    }
    if (toks[k + 1]?.t === 'op' && toks[k + 1].v === '(') {
      stack.push(tok.v.toLowerCase());
      k += 2;
      continue;
    }
    if (LITERALS.has(tok.v.toLowerCase())) {
      k++;
      continue;
    }
    // a context access chain
    const parts = [tok.v.toLowerCase()];
    k++;
    while (k < toks.length) {
      const t = toks[k];
      if (t.t === 'op' && t.v === '.' && (toks[k + 1]?.t === 'id' || toks[k + 1]?.v === '*')) {
        parts.push(toks[k + 1].v.toLowerCase());
        k += 2;
        continue;
      }
      if (t.t === 'op' && t.v === '[') {
        const inner = toks[k + 1];
        if (inner && toks[k + 2]?.v === ']' && (inner.t === 'str' || inner.t === 'num' || inner.v === '*')) {
          parts.push(inner.t === 'str' ? inner.v.toLowerCase() : '*');
          k += 3;
          continue;
        }
        // computed index: `a[b.c]` — the index is read as its own access by the loop
        parts.push('*');
        let depth = 0;
        for (; k < toks.length; k++) {
          if (toks[k].v === '[') depth++;
          else if (toks[k].v === ']' && --depth === 0) break;
        }
        k++;
        continue;
      }
      break;
    }
    out.push({ path: parts.join('.'), functions: stack.filter(Boolean).reverse(), offset: tok.at });
  }
  return out;
}
