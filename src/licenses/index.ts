// Licence per package: from the lockfile when it records one, else from the installed package's own metadata
// (node_modules/<name>/package.json, Python *.dist-info/METADATA, vendor/<name>/composer.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OsvEcosystem, Package } from '../ecosystems/types.js';
import { resolveInsideRoot } from '../util/paths.js';
import correct from 'spdx-correct';
import exceptionIds from 'spdx-exceptions/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };
import licenseIds from 'spdx-license-ids/index.json' with { type: 'json' };
import { copyleftOf, onSpdxList, parseSpdx, upperCaseOperators, type Copyleft, type Expr } from './spdx.js';

export interface LicenseInfo {
  package: Package;
  /** As found; undefined when nothing says. */
  license?: string;
  source?: 'lockfile' | 'installed';
  /** `license` is an SPDX expression of ids on the SPDX list (what an SBOM may declare as written). */
  valid: boolean;
  /**
   * For a licence that is not: the SPDX expression it most likely means ("MPLv2.0" → "MPL-2.0", "MIT or
   * Apache-2.0" → "MIT OR Apache-2.0"), a hint only — never what the licence is classified by.
   */
  suggested?: string;
  /** Classified from `license` only when it is a valid expression; anything else is 'unknown'. */
  copyleft: Copyleft;
  /** npm's `UNLICENSED`: proprietary, no rights granted to anyone. */
  proprietary?: boolean;
}

function readJson(root: string, rel: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(resolveInsideRoot(root, rel), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function licenseField(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : (x as { type?: string })?.type)).filter(Boolean).join(' OR ') || undefined;
  if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') return (v as { type: string }).type;
  return undefined;
}

/** Python distributions installed in a local virtualenv: normalised name → License-Expression / License. */
function pythonLicenses(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const venv of ['.venv', 'venv']) {
    let libs: string[] = [];
    try {
      libs = readdirSync(join(root, venv, 'lib')).map((d) => join(venv, 'lib', d, 'site-packages'));
    } catch {
      continue;
    }
    for (const site of libs) {
      let entries: string[] = [];
      try {
        entries = readdirSync(resolveInsideRoot(root, site)).filter((e) => e.endsWith('.dist-info'));
      } catch {
        continue;
      }
      for (const e of entries) {
        try {
          const meta = readFileSync(resolveInsideRoot(root, join(site, e, 'METADATA')), 'utf8').split('\n\n')[0];
          const expr = /^License-Expression:\s*(.+)$/m.exec(meta)?.[1] ?? /^License:\s*(.+)$/m.exec(meta)?.[1];
          if (expr) out.set(e.replace(/-[^-]+\.dist-info$/, '').toLowerCase().replace(/[-_.]+/g, '-'), expr.trim());
        } catch {
          // unreadable metadata: the licence stays unknown
        }
      }
    }
  }
  return out;
}

/** Where an installed copy's licence is read, per ecosystem (others: only what the lockfile records). */
export const INSTALLED_LICENSES: Partial<Record<OsvEcosystem, string>> = {
  npm: 'node_modules/',
  PyPI: '.venv/ or venv/',
  Packagist: 'vendor/',
};

export function licensesFor(root: string, packages: Package[]): LicenseInfo[] {
  let python: Map<string, string> | undefined;
  return packages.map((p) => {
    let license = p.license;
    let source: LicenseInfo['source'] = license ? 'lockfile' : undefined;
    if (!license) {
      if (p.ecosystem === 'npm') license = licenseField(readJson(root, `node_modules/${p.name}/package.json`)?.license);
      else if (p.ecosystem === 'Packagist') license = licenseField(readJson(root, `vendor/${p.name}/composer.json`)?.license);
      else if (p.ecosystem === 'PyPI') license = (python ??= pythonLicenses(root)).get(p.name.toLowerCase().replace(/[-_.]+/g, '-'));
      if (license) source = 'installed';
    }
    const expr = license ? spdxExpression(license) : undefined;
    const proprietary = license?.trim() === UNLICENSED;
    const suggested = license && !expr && !proprietary ? suggestion(license) : undefined;
    return { package: p, license, source, valid: expr !== undefined, ...(suggested && { suggested }), copyleft: expr ? copyleftOf(expr) : 'unknown', ...(proprietary && { proprietary }) };
  });
}

/** npm's word for "no licence: all rights reserved" — the opposite of the Unlicense spdx-correct would read in it. */
const UNLICENSED = 'UNLICENSED';

const LICENSE_IDS: ReadonlySet<string> = new Set([...licenseIds, ...deprecatedIds]);
const EXCEPTION_IDS: ReadonlySet<string> = new Set(exceptionIds);

/** The licence as an SPDX expression whose ids are all on the SPDX list, or undefined. */
function spdxExpression(text: string): Expr | undefined {
  const e = parseSpdx(text);
  return e && onSpdxList(e, LICENSE_IDS, EXCEPTION_IDS) ? e : undefined;
}

/**
 * The expression a licence that is not one most likely means: its operators in upper case (`MIT or
 * Apache-2.0`), else spdx-correct's reading (npm uses it to normalise package.json) — when either is valid.
 */
function suggestion(text: string): string | undefined {
  if (text.length > 200) return undefined;
  const upper = upperCaseOperators(text);
  if (spdxExpression(upper)) return upper;
  try {
    const fixed = correct(text, { upgrade: true });
    return fixed && spdxExpression(fixed) ? fixed : undefined;
  } catch {
    return undefined;
  }
}
