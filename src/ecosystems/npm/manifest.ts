// The package.json beside a lockfile: which dependencies the project declares, and whether for dev.
import { isRecord, str } from '../util.js';

export interface Declared {
  prod: Map<string, string>;
  dev: Map<string, string>;
}

const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

export function declaredDeps(json: unknown): Declared {
  const out: Declared = { prod: new Map(), dev: new Map() };
  if (!isRecord(json)) return out;
  for (const field of [...PROD_FIELDS, 'devDependencies']) {
    const deps = json[field];
    if (!isRecord(deps)) continue;
    for (const [name, range] of Object.entries(deps)) {
      const r = str(range);
      if (r === undefined) continue;
      (field === 'devDependencies' ? out.dev : out.prod).set(name, r);
    }
  }
  for (const name of out.prod.keys()) out.dev.delete(name);
  return out;
}

export function readDeclared(text: string | undefined): Declared | undefined {
  if (text === undefined) return undefined;
  try {
    return declaredDeps(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Registry versions only: git URLs, tarballs, `file:` and `link:` references are not matched to advisories. */
export function isRegistryVersion(v: string | undefined): v is string {
  return typeof v === 'string' && /^v?\d+(\.\d+)*([-+.][0-9A-Za-z.+-]*)?$/.test(v);
}

/** `npm:real-name@1.2.3` (an alias) → { name: 'real-name', version: '1.2.3' }. */
export function splitAlias(spec: string): { name: string; version: string } | undefined {
  const m = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(spec);
  return m ? { name: m[1], version: m[2] } : undefined;
}
