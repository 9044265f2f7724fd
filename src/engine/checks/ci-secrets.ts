// SCS-CI-005: credentials written into CI configuration in clear text. Every finding marks the value as a
// secret so the engine masks it in snippets and reports.
import { z } from 'zod';
import type { Node } from 'yaml';
import { formatOf, yamlOf, YAML_FORMATS } from '../formats/index.js';
import { asSeq, items, posOf, str } from '../formats/yaml-doc.js';
import type { RawMatch } from '../matchers/matcher.js';
import { allMatches, compileRegex, testRegex } from '../regex.js';
import type { Check } from './check.js';
import { walkPairs } from './shell-checks.js';
import { onePerLine } from './util.js';

const options = z
  .object({
    /** Key names (RE2, case-insensitive) whose literal values are credentials. */
    key_patterns: z.array(z.string()).default([]),
    /** Key names that look like credentials but hold settings (e.g. `id-token`, `persist-credentials`). */
    ignore_keys: z.array(z.string()).default([]),
    /** Values that are placeholders, not secrets (RE2, case-insensitive). */
    placeholders: z.array(z.string()).default([]),
    /** Well-known token formats, found in any value (RE2; group 1 = the secret, else the whole match). */
    token_patterns: z.array(z.string()).default([]),
    min_length: z.number().int().min(1).default(8),
  })
  .strict();

export const hardcodedCiSecret: Check<z.infer<typeof options>> = {
  name: 'hardcoded-ci-secret',
  description: 'credential written in clear text in a CI/CD configuration',
  formats: ['github-workflow', 'github-action', 'gitlab-ci', 'azure-pipelines', 'docker-compose'],
  options,
  run(file, o) {
    const format = formatOf(file);
    if (!format || !YAML_FORMATS.includes(format)) return [];
    const y = yamlOf(file);
    const keyRe = compileRegex(`(?i)(${o.key_patterns.join('|') || '$^'})`);
    const ignore = new Set(o.ignore_keys.map((k) => k.toLowerCase()));
    const placeholder = compileRegex(`(?i)^(${o.placeholders.join('|') || '$^'})$`);
    const tokens = o.token_patterns.map((p) => compileRegex(p));
    const out: RawMatch[] = [];
    const literal = (v: string): boolean =>
      v.length >= o.min_length && !/\$\{\{|\$\(|\$\{|^\$[A-Za-z_]|%[A-Za-z_]+%|\{\{|^\s*(true|false|yes|no|on|off|null)\s*$/i.test(v) && !/\s/.test(v.trim()) && !testRegex(placeholder, v) && /[A-Za-z]/.test(v) && /[0-9]|[^A-Za-z0-9]/.test(v);
    const report = (n: Node | undefined, secret: string, message: string): void => {
      const p = posOf(y, n);
      if (!p) return;
      const idx = y.file.lineText(p.line).indexOf(secret);
      out.push({ line: p.line, column: idx >= 0 ? idx + 1 : p.column, matched: secret, secret: true, message });
    };
    walkPairs(y, y.root ?? undefined, (key, value, _k, valueNode) => {
      const k = key.toLowerCase();
      if (value !== undefined && testRegex(keyRe, key) && !ignore.has(k) && literal(value.trim())) {
        report(valueNode, value.trim(), `\`${key}\` holds a credential in clear text; store it as a CI secret and reference it (e.g. \${{ secrets.${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')} }})`);
      }
      // compose / GitLab list form: - DB_PASSWORD=hunter2…
      if (valueNode && asSeq(y, valueNode)) {
        for (const it of items(y, valueNode)) {
          const s = str(y, it) ?? '';
          const eq = s.indexOf('=');
          if (eq > 0 && testRegex(keyRe, s.slice(0, eq)) && literal(s.slice(eq + 1).trim())) report(it, s.slice(eq + 1).trim(), `\`${s.slice(0, eq)}\` holds a credential in clear text; use a secret`);
        }
      }
    });
    // known token formats anywhere (run: scripts included)
    const text = y.file.text;
    for (const re of tokens) {
      for (const hit of allMatches(re, text, 100)) {
        const secret = hit.groups[0] ?? hit.text;
        const p = y.file.position(hit.index + Math.max(0, hit.text.indexOf(secret)));
        out.push({ line: p.line, column: p.column, matched: secret, secret: true, message: 'A token in a well-known credential format is committed in this CI file; revoke it and use a CI secret' });
      }
    }
    return onePerLine(out);
  },
};
