// `--baseline-commit REF`: the findings the same rules produce on the tree of an earlier commit, read from
// git (never checked out, nothing executed), as a baseline to compare the current scan with.
import { excludeMatcher } from '../engine/discovery.js';
import { baselineOf, type Baseline } from '../engine/baseline.js';
import { filesAtCommit } from '../engine/git.js';
import { scan } from '../engine/scanner.js';
import type { RepoView } from '../engine/source.js';
import { toPosix } from '../util/paths.js';
import { TOOL } from '../version.js';
import type { SentrikConfig } from '../config/schema.js';
import { buildRules } from './scan.js';

export async function baselineAtCommit(root: string, config: SentrikConfig, ref: string, packs?: string[]): Promise<{ commit: string; baseline: Baseline }> {
  const { commit, files } = filesAtCommit(root, ref, config.max_file_size);
  const excluded = excludeMatcher([...config.scan_exclude, toPosix(config.output_dir).replace(/\/+$/, ''), '.sentrik/cache']);
  const texts = files.filter((f) => f.text !== undefined && !excluded(f.path)).map((f) => ({ path: f.path, text: f.text! }));
  const byPath = new Map(texts.map((t) => [t.path, t.text]));
  const repo: RepoView = { files: [...byPath.keys()], size: (p) => (byPath.has(p) ? Buffer.byteLength(byPath.get(p)!) : undefined), read: (p) => byPath.get(p) };
  const result = await scan({
    root,
    rules: buildRules(root, config, packs),
    overrides: config.pack_overrides,
    tool: TOOL,
    texts,
    repo,
    scope: { mode: 'paths', paths: ['.'] },
    rescoring: config.severity_rescoring_enabled,
    fileSuppressions: [],
    jobs: 1,
    maxFileSize: config.max_file_size,
  });
  return { commit, baseline: baselineOf(result) };
}
