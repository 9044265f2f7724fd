// A composer.json without its composer.lock: its packages are declared by constraint, so `vulns` lists them
// as not checked. Platform requirements (php, ext-*, lib-*, composer-*-api) are not packages.
import type { ReadSibling, Unchecked } from '../types.js';
import { firstLineMatching, isRecord, lockfileCovers, parseJson } from '../util.js';

const PLATFORM = /^(php(-64bit|-ipv6|-zts|-debug)?|hhvm|composer|composer-(plugin|runtime)-api|ext-.+|lib-.+)$/i;

export function uncheckedComposerJson(file: string, text: string, lockfiles: readonly string[], _read: ReadSibling): Unchecked | undefined {
  if (lockfileCovers(file, lockfiles)) return undefined;
  let json: unknown;
  try {
    json = parseJson(text);
  } catch {
    return undefined; // a broken manifest is the code scan's to report
  }
  if (!isRecord(json)) return undefined;
  const names = ['require', 'require-dev'].flatMap((k) => (isRecord(json[k]) ? Object.keys(json[k]) : [])).filter((n) => !PLATFORM.test(n));
  if (!names.length) return undefined;
  const line = firstLineMatching(text, /"require(-dev)?"[ \t]*:/);
  return { file, line, ecosystem: 'Packagist', reason: 'no-lockfile', names: [...new Set(names)], fix: 'run `composer update --no-install` to create composer.lock' };
}
