// What a requirements file is, by its path: the one definition `vulns` and `sbom` (which read its pins),
// `scan` (whose dependency rules read its lines) and zero-config detection share.
//   requirements*.txt, *requirements.txt (dev-requirements.txt, test_requirements.txt), any .txt in a
//   requirements/ folder, and pip's constraints files named the same ways (constraints*.txt …).
// pip-compile inputs — the same names ending .in — are loose on purpose: `scan` reads them (for URL and
// plain-HTTP sources), `vulns` does not, since the compiled .txt beside them is what gets installed.

const NAMED = /^(requirements|constraints)|(requirements|constraints)$/i;

function requirementsNamed(path: string, ext: 'txt' | 'in'): boolean {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || base.slice(dot + 1).toLowerCase() !== ext) return false;
  return NAMED.test(base.slice(0, dot)) || /(^|\/)requirements$/i.test(path.slice(0, Math.max(0, slash)));
}

/** A requirements or constraints file pip installs from (`path` root-relative, forward slashes). */
export function isRequirementsFile(path: string): boolean {
  return requirementsNamed(path, 'txt');
}

/** A pip-compile input (requirements.in, requirements/dev.in …): loose ranges, compiled into a .txt. */
export function isRequirementsInput(path: string): boolean {
  return requirementsNamed(path, 'in');
}
