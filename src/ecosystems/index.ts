// The ecosystem registry: every folder under src/ecosystems/ exports one `Ecosystem` (see types.ts), and a
// contract test checks that each one is listed here.
import { cargo } from './cargo/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { npm } from './npm/index.js';
import { packagist } from './packagist/index.js';
import { pypi } from './pypi/index.js';
import { rubygems } from './rubygems/index.js';
import type { Ecosystem, LockfileFormat, ManifestFormat, OsvEcosystem } from './types.js';

export type { Ecosystem, LockfileFormat, ManifestFormat, OsvEcosystem, Package, ParseProblem, ParseResult, Unchecked } from './types.js';

export const ECOSYSTEMS: readonly Ecosystem[] = [npm, pypi, go, cargo, maven, rubygems, packagist];

export function ecosystemByOsv(name: string): Ecosystem | undefined {
  return ECOSYSTEMS.find((e) => e.osv === name);
}

/** The ecosystem and format that read the file at this root-relative path (a bare name: at the root), if any. */
export function formatFor(path: string): { ecosystem: Ecosystem; format: LockfileFormat } | undefined {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  for (const ecosystem of ECOSYSTEMS) {
    const format = ecosystem.formats.find((f) => f.matches(fileName, path));
    if (format) return { ecosystem, format };
  }
  return undefined;
}

/** The ecosystem and manifest format (package.json …) that read a file with this base name, if any. */
export function manifestFor(fileName: string): { ecosystem: Ecosystem; format: ManifestFormat } | undefined {
  for (const ecosystem of ECOSYSTEMS) {
    const format = ecosystem.manifests?.find((f) => f.matches(fileName));
    if (format) return { ecosystem, format };
  }
  return undefined;
}

export const OSV_ECOSYSTEMS: readonly OsvEcosystem[] = ECOSYSTEMS.map((e) => e.osv);
