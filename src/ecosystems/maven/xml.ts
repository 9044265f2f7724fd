// A small XML reader for build files: elements, text and the line each element starts on. No entities beyond
// the five predefined ones, no DTDs (never fetched or expanded), linear in the input.
import { BadFile, LineFinder } from '../util.js';

export interface XmlElement {
  name: string;
  line: number;
  /** Offsets of the element's text content (for in-place edits). */
  textStart: number;
  textEnd: number;
  text: string;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]);
}

export function parseXml(text: string): XmlElement {
  const lines = new LineFinder(text);
  const root: XmlElement = { name: '#document', line: 1, textStart: 0, textEnd: 0, text: '', children: [] };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt === -1) break;
    if (lt > i && top.children.length === 0) {
      top.text += decode(text.slice(i, lt));
      if (!top.textStart) top.textStart = i;
      top.textEnd = lt;
    }
    const skipTo = (end: string): number => {
      const at = text.indexOf(end, lt);
      if (at === -1) throw new BadFile(`unterminated ${end === '-->' ? 'comment' : 'markup'}`, lines.lineAt(lt));
      return at + end.length;
    };
    if (text.startsWith('<!--', lt)) i = skipTo('-->');
    else if (text.startsWith('<![CDATA[', lt)) {
      const end = skipTo(']]>');
      top.text += text.slice(lt + 9, end - 3);
      i = end;
    } else if (text.startsWith('<?', lt)) i = skipTo('?>');
    else if (text.startsWith('<!', lt)) i = skipTo('>');
    else {
      const gt = text.indexOf('>', lt);
      if (gt === -1) throw new BadFile('unterminated tag', lines.lineAt(lt));
      const tag = text.slice(lt + 1, gt);
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim();
        const open = stack.pop();
        if (!open || open === root || open.name !== name) throw new BadFile(`unexpected </${name}>`, lines.lineAt(lt));
      } else {
        const name = /^[^\s/>]+/.exec(tag)?.[0];
        if (!name) throw new BadFile('malformed tag', lines.lineAt(lt));
        const el: XmlElement = { name: name.replace(/^.*:/, ''), line: lines.lineAt(lt), textStart: gt + 1, textEnd: gt + 1, text: '', children: [] };
        top.children.push(el);
        if (!tag.endsWith('/')) stack.push(el);
      }
      i = gt + 1;
    }
  }
  if (stack.length > 1) throw new BadFile(`<${stack[stack.length - 1].name}> is never closed`, stack[stack.length - 1].line);
  return root;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function textOf(el: XmlElement | undefined): string | undefined {
  const t = el?.text.trim();
  return t ? t : undefined;
}
