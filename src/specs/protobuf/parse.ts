// A small protobuf (proto2 / proto3 / editions) parser: enough structure for contract checks — package,
// imports, messages (nested) with fields and their options, enums, services with rpcs and options — with the
// line of every element. A syntax error is a SentrikError naming the file and line.
import { SentrikError } from '../../util/errors.js';

export interface ProtoField {
  name: string;
  type: string;
  line: number;
  /** Raw text of `[ … ]` field options. */
  options: string;
}

export interface ProtoMessage {
  name: string;
  /** Fully qualified, without the leading dot: `pkg.Outer.Inner`. */
  fullName: string;
  line: number;
  fields: ProtoField[];
}

export interface ProtoRpc {
  name: string;
  input: string;
  output: string;
  line: number;
  /** Raw text of the rpc's `option …;` statements. */
  options: string;
}

export interface ProtoService {
  name: string;
  line: number;
  options: string;
  rpcs: ProtoRpc[];
}

export interface ProtoFile {
  file: string;
  syntax: string;
  pkg: string;
  imports: { path: string; line: number }[];
  messages: ProtoMessage[];
  services: ProtoService[];
}

interface Token {
  t: string;
  line: number;
  kind: 'ident' | 'string' | 'number' | 'sym';
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\ufeff') i++;
    else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new SentrikError('unterminated comment', file, line, 'close it with */');
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j++;
        if (text[j] === '\n') throw new SentrikError('unterminated string', file, line, 'close the string on the same line');
        j++;
      }
      if (j >= n) throw new SentrikError('unterminated string', file, line, 'close the string');
      out.push({ t: text.slice(i + 1, j), line, kind: 'string' });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_.]/.test(text[j])) j++;
      out.push({ t: text.slice(i, j), line, kind: 'ident' });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? '')) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.+-]/.test(text[j]) && !(text[j] === '-' && !/[eE]/.test(text[j - 1]))) j++;
      out.push({ t: text.slice(i, j), line, kind: 'number' });
      i = j;
    } else if ('{}[]()<>;=,:.-+/'.includes(c)) {
      out.push({ t: c, line, kind: 'sym' });
      i++;
    } else {
      throw new SentrikError(`unexpected character '${c}'`, file, line, 'this is not valid protobuf syntax');
    }
  }
  return out;
}

export function parseProto(text: string, file: string): ProtoFile {
  const toks = tokenize(text, file);
  let p = 0;
  const result: ProtoFile = { file, syntax: 'proto2', pkg: '', imports: [], messages: [], services: [] };
  const lastLine = toks.length ? toks[toks.length - 1].line : 1;
  const peek = (): Token | undefined => toks[p];
  const fail = (msg: string, tok = peek()): never => {
    throw new SentrikError(msg, file, tok?.line ?? lastLine, 'fix the protobuf syntax');
  };
  const next = (): Token => toks[p++] ?? fail('unexpected end of file');
  const expect = (t: string): Token => {
    const tok = peek();
    if (!tok || tok.t !== t) fail(`expected '${t}' but found ${tok ? `'${tok.t}'` : 'end of file'}`, tok);
    return next();
  };
  const ident = (what: string): Token => {
    const tok = peek();
    if (!tok || tok.kind !== 'ident') fail(`expected ${what} but found ${tok ? `'${tok.t}'` : 'end of file'}`, tok);
    return next();
  };
  /** A type reference: a name, or a fully qualified one with a leading dot (`.acme.v1.Resp`). */
  const typeName = (what: string): Token => {
    if (peek()?.t !== '.') return ident(what);
    next();
    const tok = ident(what);
    return { ...tok, t: `.${tok.t}` };
  };
  /** Raw text up to the matching close of an already consumed open bracket. */
  const balanced = (open: string, close: string): string => {
    let depth = 1;
    const parts: string[] = [];
    while (depth > 0) {
      const tok = next();
      if (tok.t === open) depth++;
      else if (tok.t === close) depth--;
      if (depth > 0) parts.push(tok.kind === 'string' ? JSON.stringify(tok.t) : tok.t);
    }
    return parts.join(' ');
  };
  /** `option (x).y = value;` — returns its text. */
  const option = (): string => {
    const parts: string[] = [];
    while (peek()?.t !== ';') {
      const tok = next();
      if (tok.t === '{') parts.push(`{ ${balanced('{', '}')} }`);
      else parts.push(tok.kind === 'string' ? JSON.stringify(tok.t) : tok.t);
    }
    expect(';');
    return parts.join(' ');
  };
  const skipStatement = (): void => {
    while (peek() && peek()!.t !== ';' && peek()!.t !== '{') next();
    if (peek()?.t === '{') {
      next();
      balanced('{', '}');
    } else expect(';');
  };

  const messageBody = (msg: ProtoMessage, prefix: string): void => {
    expect('{');
    while (peek()?.t !== '}') {
      const tok = peek() ?? fail('unexpected end of file: a message is not closed');
      if (tok.t === ';') {
        next();
        continue;
      }
      const kw = tok.t;
      if (kw === 'message') {
        next();
        message(`${prefix}${msg.name}.`);
      } else if (kw === 'enum') {
        next();
        ident('an enum name');
        expect('{');
        balanced('{', '}');
      } else if (kw === 'option') {
        next();
        option();
      } else if (kw === 'reserved' || kw === 'extensions') {
        next();
        while (peek()?.t !== ';') next();
        expect(';');
      } else if (kw === 'extend') {
        next();
        ident('a message name');
        expect('{');
        balanced('{', '}');
      } else if (kw === 'oneof') {
        next();
        ident('a oneof name');
        expect('{');
        while (peek()?.t !== '}') {
          if (peek()?.t === 'option') {
            next();
            option();
          } else if (peek()?.t === ';') next();
          else field(msg, false);
        }
        expect('}');
      } else field(msg, true);
    }
    expect('}');
  };

  const field = (msg: ProtoMessage, allowLabel: boolean): void => {
    let tok = typeName('a field type');
    if (allowLabel && ['optional', 'required', 'repeated'].includes(tok.t)) tok = typeName('a field type');
    let type = tok.t;
    if (type === 'map') {
      expect('<');
      const k = ident('a map key type').t;
      expect(',');
      const v = typeName('a map value type').t;
      expect('>');
      type = `map<${k},${v}>`;
    } else if (type === 'group') {
      const name = ident('a group name');
      expect('=');
      next();
      msg.fields.push({ name: name.t, type: 'group', line: name.line, options: '' });
      const inner: ProtoMessage = { name: name.t, fullName: `${msg.fullName}.${name.t}`, line: name.line, fields: [] };
      result.messages.push(inner);
      messageBody(inner, `${msg.fullName}.`);
      return;
    }
    const name = ident('a field name');
    expect('=');
    const num = next();
    if (num.kind !== 'number') fail(`expected a field number but found '${num.t}'`, num);
    let options = '';
    if (peek()?.t === '[') {
      next();
      options = balanced('[', ']');
    }
    expect(';');
    msg.fields.push({ name: name.t, type, line: name.line, options });
  };

  const message = (prefix: string): void => {
    const name = ident('a message name');
    const msg: ProtoMessage = { name: name.t, fullName: `${result.pkg ? `${result.pkg}.` : ''}${prefix}${name.t}`, line: name.line, fields: [] };
    result.messages.push(msg);
    messageBody(msg, prefix);
  };

  const service = (): void => {
    const name = ident('a service name');
    const svc: ProtoService = { name: name.t, line: name.line, options: '', rpcs: [] };
    result.services.push(svc);
    expect('{');
    while (peek()?.t !== '}') {
      const tok = peek() ?? fail('unexpected end of file: a service is not closed');
      if (tok.t === 'option') {
        next();
        svc.options += `${option()}\n`;
      } else if (tok.t === 'rpc') {
        next();
        const rn = ident('an rpc name');
        expect('(');
        if (peek()?.t === 'stream') next();
        const input = typeName('a request type').t;
        expect(')');
        const ret = ident("'returns'");
        if (ret.t !== 'returns') fail(`expected 'returns' but found '${ret.t}'`, ret);
        expect('(');
        if (peek()?.t === 'stream') next();
        const output = typeName('a response type').t;
        expect(')');
        const rpc: ProtoRpc = { name: rn.t, input, output, line: rn.line, options: '' };
        if (peek()?.t === '{') {
          next();
          while (peek()?.t !== '}') {
            if (peek()?.t === 'option') {
              next();
              rpc.options += `${option()}\n`;
            } else if (peek()?.t === ';') next();
            else fail(`unexpected '${peek()?.t ?? 'end of file'}' in rpc ${rn.t}`);
          }
          expect('}');
          if (peek()?.t === ';') next();
        } else expect(';');
        svc.rpcs.push(rpc);
      } else if (tok.t === ';') next();
      else fail(`unexpected '${tok.t}' in service ${name.t}`);
    }
    expect('}');
  };

  while (p < toks.length) {
    const tok = next();
    switch (tok.t) {
      case 'syntax':
      case 'edition': {
        expect('=');
        const v = next();
        if (v.kind !== 'string') fail(`expected a quoted ${tok.t}`, v);
        result.syntax = v.t;
        expect(';');
        break;
      }
      case 'package':
        result.pkg = ident('a package name').t;
        expect(';');
        break;
      case 'import': {
        if (peek()?.t === 'public' || peek()?.t === 'weak') next();
        const path = next();
        if (path.kind !== 'string') fail('expected a quoted import path', path);
        expect(';');
        result.imports.push({ path: path.t, line: path.line });
        break;
      }
      case 'option':
        option();
        break;
      case 'message':
        message('');
        break;
      case 'enum':
        ident('an enum name');
        expect('{');
        balanced('{', '}');
        break;
      case 'service':
        service();
        break;
      case 'extend':
        skipStatement();
        break;
      case ';':
        break;
      default:
        fail(`unexpected '${tok.t}' at the top level`, tok);
    }
  }
  return result;
}
