// The contract every ecosystem folder honours: which files it reads, how it parses them into packages, and
// how its versions compare. Adding an ecosystem = adding a folder that exports an `Ecosystem`.

/** OSV ecosystem names, exactly as OSV spells them (also the folder names of its public dumps). */
export type OsvEcosystem = 'npm' | 'PyPI' | 'Go' | 'crates.io' | 'RubyGems' | 'Packagist' | 'Maven';

export interface Package {
  /** As written in the lockfile (npm scope kept, Maven `group:artifact`). */
  name: string;
  version: string;
  ecosystem: OsvEcosystem;
  /** Lockfile/manifest path relative to the scan root, forward slashes. */
  file: string;
  /** 1-based line of the package's entry, when the format allows finding it. */
  line?: number;
  /** Declared by the project itself (true), pulled in by another package (false), or unknown (undefined). */
  direct?: boolean;
  /** Only needed for development/tests (true), needed at run time (false), or unknown. */
  dev?: boolean;
  /**
   * For transitive packages: one chain of package names from a direct dependency down to this one. A chain
   * longer than 10 keeps its first 4 and last 5 names around '…'.
   */
  chain?: string[];
  /** Keys (`name@version`) of the packages this one depends on, when the lockfile records them. */
  dependencies?: string[];
  /** Integrity hash as the lockfile records it (`sha512-…`, `sha256:…`). */
  integrity?: string;
  /** Licence expression if the lockfile records one. */
  license?: string;
}

/** A problem with one file (broken lockfile, unsupported entry); the other files are still scanned. */
export interface ParseProblem {
  file: string;
  line?: number;
  message: string;
}

export interface ParseResult {
  packages: Package[];
  problems: ParseProblem[];
  /** Dependencies the file declares without an installed version (requirements not pinned with `==`). */
  unchecked?: Unchecked[];
}

/**
 * Dependencies `vulns` cannot match to advisories: declared without a known installed version (a manifest no
 * lockfile covers, requirements without an exact pin), or installed from elsewhere than the registry (git, a
 * URL, a folder), whose versions no advisory is about. Reported apart from the packages checked.
 */
export type UncheckedReason = 'no-lockfile' | 'not-pinned' | 'not-registry';

export interface Unchecked {
  /** Root-relative path of the file that declares them. */
  file: string;
  /** 1-based line of the first one, when the format allows finding it. */
  line?: number;
  ecosystem: OsvEcosystem;
  reason: UncheckedReason;
  /** The dependencies, as declared. */
  names: string[];
  /** What makes them checkable, e.g. "run `npm install` to create package-lock.json". */
  fix: string;
}

/** Reads another file relative to the one being parsed; undefined when missing or outside the scan root. */
export type ReadSibling = (relative: string) => string | undefined;

/** One file format (package-lock.json, poetry.lock …) of an ecosystem. */
export interface LockfileFormat {
  /** Short name shown to users, e.g. `package-lock.json`. */
  name: string;
  /**
   * True when this format reads this file: `fileName` is its base name, `path` its root-relative path (for
   * formats that also go by folder, such as requirements/*.txt).
   */
  matches(fileName: string, path: string): boolean;
  /**
   * Parse one lockfile or manifest (`file` is its root-relative path, used in packages and problems).
   * Never throws: a broken file is a problem in the result.
   */
  parse(file: string, text: string, read: ReadSibling): ParseResult;
  /** How `vulns --fix` writes upgrades of packages read from this format; absent: it prints a command. */
  fix?: FixWriter;
  /**
   * A manifest read for its exact pins (requirements.txt, pom.xml), not a record of an install: it counts as a
   * lockfile — in summaries, and as covering a manifest beside it — only when it pins at least one package.
   */
  declares?: boolean;
}

/** One upgrade `vulns --fix` writes: move `name` from the installed version to `to`. */
export interface Upgrade {
  name: string;
  from: string;
  to: string;
  /** False for a transitive package: only some manifests can pin those (npm `overrides`). */
  direct?: boolean;
  /** 1-based line the package was read from, when the manifest is the file it was read from. */
  line?: number;
}

export interface EditResult {
  /** The edited text; identical to the input when nothing could be written. */
  text: string;
  /** One line per change, e.g. `requests: "==2.0" → "==2.31.0"`. */
  changes: string[];
  /** Upgrades not written, with why, and the command that does it instead when there is one. */
  skipped: { upgrade: Upgrade; reason: string; command?: string }[];
}

/**
 * Writes upgrades into a manifest as in-place text edits: only the bytes of each version requirement
 * change, so formatting, comments and order are kept. Never throws: what it cannot write is `skipped`.
 */
export type ManifestEditor = (text: string, upgrades: Upgrade[]) => EditResult;

export interface FixWriter {
  /** The manifest to edit, relative to the lockfile's folder (`package.json`); undefined: the file itself. */
  manifest?: string;
  editor: ManifestEditor;
  /** Command that regenerates the lockfile from the edited manifest (hashes are never forged). */
  relock?: string;
}

/**
 * A manifest that declares dependencies by range (package.json): installed versions are only known from a
 * lockfile. `vulns` reads it only to say which dependencies it could not check.
 */
export interface ManifestFormat {
  name: string;
  matches(fileName: string): boolean;
  /**
   * The dependencies no lockfile covers, or undefined when one does or none are declared. `lockfiles`: the
   * root-relative paths of this ecosystem's lockfiles the scan read. Never throws.
   */
  unchecked(file: string, text: string, lockfiles: readonly string[], read: ReadSibling): Unchecked | undefined;
}

export interface Ecosystem {
  /** Folder name under src/ecosystems/. */
  id: string;
  osv: OsvEcosystem;
  /** Formats in order of preference: when a lockfile and its manifest sit together, the first one wins. */
  formats: LockfileFormat[];
  /** Manifests whose dependencies are unchecked without a lockfile (absent: the ecosystem reports none). */
  manifests?: ManifestFormat[];
  /** Negative, zero or positive, like Array.prototype.sort. Total: never throws, whatever the input. */
  compare(a: string, b: string): number;
  /** Canonical package name for matching advisories (PEP 503 for PyPI, lowercase for Packagist…). */
  normalizeName(name: string): string;
  /** The project's own name and version from its build file at the root (the subject of an SBOM). */
  project?: ProjectIdentityReader;
}

/** What a project calls itself (`name` as its ecosystem writes it: Maven `group:artifact`). */
export interface ProjectIdentity {
  name: string;
  version?: string;
}

export interface ProjectIdentityReader {
  /** The build file's name at the project root (package.json, pyproject.toml …). */
  file: string;
  /** Undefined when the file names no project. Never throws. */
  read(text: string): ProjectIdentity | undefined;
}

export function packageKey(name: string, version: string): string {
  return `${name}@${version}`;
}
