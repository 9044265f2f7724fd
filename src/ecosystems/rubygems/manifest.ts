// A Gemfile (gems.rb) without its Gemfile.lock (gems.locked): its gems are declared by range, so `vulns`
// lists them as not checked. Read line by line (`gem "name", …`), never evaluated: a Gemfile is Ruby code.
import type { ReadSibling, Unchecked } from '../types.js';
import { lockfileCovers } from '../util.js';

const GEM = /^\s*gem\s*\(?\s*["']([^"']+)["']/;

export function uncheckedGemfile(file: string, text: string, lockfiles: readonly string[], _read: ReadSibling): Unchecked | undefined {
  if (lockfileCovers(file, lockfiles)) return undefined;
  const names: string[] = [];
  let line: number | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = GEM.exec(raw);
    // `path:` gems are the project's own code
    if (!m || /\bpath\s*(:|=>)/.test(raw)) return;
    names.push(m[1]);
    line ??= i + 1;
  });
  if (!names.length) return undefined;
  const lock = file.endsWith('gems.rb') ? 'gems.locked' : 'Gemfile.lock';
  return { file, line, ecosystem: 'RubyGems', reason: 'no-lockfile', names: [...new Set(names)], fix: `run \`bundle lock\` to create ${lock}` };
}
