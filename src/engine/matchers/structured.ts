// `structured`: rules over parsed documents (GitHub workflows and actions, GitLab CI, Azure Pipelines,
// Dockerfiles, compose files, shell scripts, package.json, requirements files…). Two forms:
//
//   match:                                  # a named check with validated options
//     check: unpinned-uses
//     options: { allow: ['./*'] }
//     format: [github-workflow, github-action]   # optional: narrows the check's own formats
//
//   match:                                  # a path query over a YAML document
//     format: github-workflow
//     given: ['jobs.*.secrets']             # `*` any key or item, `**` any depth, `[*]`/`[0]` items
//     pattern: '^inherit$'                  # RE2 on the scalar value (optional)
//     not_pattern: '^\$\{\{'                # the value must not match (optional)
//     keywords: ['inherit']                 # literal prefilter (optional)
//
// Findings point at the offending key or value. A document that cannot be parsed throws a SentrikError
// with file and line (once per file: the parse result, good or bad, is shared by every rule).
import { z } from 'zod';
import type { Node } from 'yaml';
import { getCheck, checkNames } from '../checks/index.js';
import { FORMATS, YAML_FORMATS, formatOf, yamlOf, type FormatName } from '../formats/index.js';
import { asMap, asSeq, asScalar, deref, entries, posOf, type YamlDoc } from '../formats/yaml-doc.js';
import { compileRegex, testRegex, type SafeRegex } from '../regex.js';
import type { SourceFile } from '../source.js';
import { SentrikError } from '../../util/errors.js';
import type { MatcherKind, RawMatch } from './matcher.js';

const formatName = z.enum(FORMATS);

export const structuredMatchSchema = z
  .object({
    format: z.union([formatName, z.array(formatName).min(1)]).optional(),
    check: z.string().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    given: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    pattern: z.string().min(1).optional(),
    not_pattern: z.string().min(1).optional(),
    keywords: z.array(z.string().min(2)).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.check === undefined) === (m.given === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a structured rule has either `check` or `given`', path: [] });
      return;
    }
    if (m.check !== undefined) {
      const check = getCheck(m.check);
      if (!check) {
        ctx.addIssue({ code: 'custom', message: `unknown check '${m.check}' (known: ${checkNames().join(', ')})`, path: ['check'] });
        return;
      }
      const res = check.options.safeParse(m.options ?? {});
      if (!res.success) {
        for (const iss of res.error.issues) ctx.addIssue({ ...iss, path: ['options', ...iss.path] } as never);
      }
      const bad = formatsOf(m.format).filter((f) => !check.formats.includes(f));
      if (m.format && bad.length) ctx.addIssue({ code: 'custom', message: `check '${check.name}' does not read ${bad.join(', ')} (it reads ${check.formats.join(', ')})`, path: ['format'] });
    } else {
      if (!m.format) ctx.addIssue({ code: 'custom', message: 'a `given` query needs a `format`', path: ['format'] });
      const bad = formatsOf(m.format).filter((f) => !YAML_FORMATS.includes(f));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `\`given\` queries read YAML/JSON documents, not ${bad.join(', ')}`, path: ['format'] });
      if (m.options) ctx.addIssue({ code: 'custom', message: '`options` belong to a `check`', path: ['options'] });
    }
  });

export type StructuredMatch = z.infer<typeof structuredMatchSchema>;

function formatsOf(f: StructuredMatch['format']): FormatName[] {
  return f === undefined ? [] : Array.isArray(f) ? f : [f];
}

export const structuredKind: MatcherKind<StructuredMatch> = {
  kind: 'structured',
  scope: 'file',
  schema: structuredMatchSchema,
  domain: (m) => ({ kinds: m.format ? formatsOf(m.format) : m.check ? getCheck(m.check)!.formats : [] }),
  compile(m) {
    if (m.check) {
      const check = getCheck(m.check)!;
      const options = check.options.parse(m.options ?? {});
      const formats = new Set<FormatName>(m.format ? formatsOf(m.format) : check.formats);
      return {
        scope: 'file',
        keywords: m.keywords?.map((k) => k.toLowerCase()) ?? check.keywords?.(options),
        match(file: SourceFile): RawMatch[] {
          const f = formatOf(file);
          if (!f || !formats.has(f)) return [];
          return check.run(file, options);
        },
      };
    }
    const formats = new Set(formatsOf(m.format));
    const queries = (Array.isArray(m.given) ? m.given : [m.given!]).map(parseQuery);
    const pattern = m.pattern ? compileRegex(m.pattern) : undefined;
    const notPattern = m.not_pattern ? compileRegex(m.not_pattern) : undefined;
    return {
      scope: 'file',
      keywords: m.keywords?.map((k) => k.toLowerCase()),
      match(file: SourceFile): RawMatch[] {
        const f = formatOf(file);
        if (!f || !formats.has(f)) return [];
        const y = yamlOf(file);
        const out: RawMatch[] = [];
        const seen = new Set<number>();
        for (const q of queries) {
          for (const hit of evaluate(y, q)) {
            const r = reportValue(y, hit, pattern, notPattern);
            if (r && !seen.has(r.line!)) {
              seen.add(r.line!);
              out.push(r);
            }
          }
        }
        return out;
      },
    };
  },
};

type Segment = { key: string } | { any: true } | { deep: true } | { index: number };

/** `jobs.*.steps[*].uses` → segments. Keys containing dots can be quoted: `env."a.b"`. */
export function parseQuery(q: string): Segment[] {
  const out: Segment[] = [];
  const re = /"([^"]*)"|'([^']*)'|\[(\*|\d+)\]|([^.[\]"']+)|\./g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) {
    if (m[0] === '.') continue;
    const key = m[1] ?? m[2] ?? m[4];
    if (m[3] !== undefined) out.push(m[3] === '*' ? { any: true } : { index: Number(m[3]) });
    else if (key === '**') out.push({ deep: true });
    else if (key === '*') out.push({ any: true });
    else if (key !== undefined) out.push({ key });
  }
  if (!out.length) throw new SentrikError(`empty path query ${JSON.stringify(q)}`, undefined, undefined, "write a path such as 'jobs.*.steps[*].uses'");
  return out;
}

interface Hit {
  node: Node | undefined;
  /** The key node, when the hit is a map value (findings on a null value point at the key). */
  key?: Node;
}

const MAX_HITS = 10_000;

function evaluate(y: YamlDoc, segs: Segment[]): Hit[] {
  let cur: Hit[] = [{ node: y.root ?? undefined }];
  for (const seg of segs) {
    const next: Hit[] = [];
    for (const h of cur) {
      if ('key' in seg) {
        for (const [k, v, pair] of entries(y, h.node)) if (k === seg.key) next.push({ node: v, key: pair.key as Node });
      } else if ('index' in seg) {
        const it = asSeq(y, h.node)?.items[seg.index];
        if (it) next.push({ node: deref(y, it) });
      } else if ('any' in seg) {
        children(y, h.node, next);
      } else {
        // `**`: this node and every descendant (aliases are not followed: no blow-up)
        const stack: Hit[] = [h];
        while (stack.length && next.length < MAX_HITS) {
          const x = stack.pop()!;
          next.push(x);
          const kids: Hit[] = [];
          children(y, x.node, kids, false);
          stack.push(...kids.reverse());
        }
      }
      if (next.length >= MAX_HITS) break;
    }
    cur = next;
  }
  return cur;
}

function children(y: YamlDoc, n: Node | undefined, out: Hit[], followAliases = true): void {
  const node = followAliases ? deref(y, n) : n;
  const map = asMap(y, node);
  if (map && (followAliases || map === node)) {
    for (const p of map.items) out.push({ node: followAliases ? deref(y, p.value) : (p.value as Node | undefined), key: p.key as Node });
    return;
  }
  const seq = asSeq(y, node);
  if (seq && (followAliases || seq === node)) for (const it of seq.items) out.push({ node: followAliases ? deref(y, it) : (it as Node) });
}

function reportValue(y: YamlDoc, hit: Hit, pattern?: SafeRegex, notPattern?: SafeRegex): RawMatch | undefined {
  const scalar = asScalar(y, hit.node);
  const value = scalar && scalar.value !== null && scalar.value !== undefined ? String(scalar.value) : undefined;
  if (pattern || notPattern) {
    if (value === undefined) return undefined;
    if (pattern && !testRegex(pattern, value)) return undefined;
    if (notPattern && testRegex(notPattern, value)) return undefined;
  }
  const at = (value !== undefined ? posOf(y, hit.node) : undefined) ?? posOf(y, hit.key) ?? posOf(y, hit.node);
  if (!at) return undefined;
  return { line: at.line, column: at.column, matched: value ?? y.file.lineText(at.line).trim() };
}
