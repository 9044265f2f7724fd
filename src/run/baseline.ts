// `--baseline-commit REF`: the findings the same rules produce on the tree of an earlier commit, read from
// git (never checked out, nothing executed), as a baseline to compare the current scan with.
import { excludeMatcher } from '../engine/discovery.js';
import { baselineOf, type Baseline } from '../engine/baseline.js';
import { filesAtCommit } from '../engine/git.js';
import { blobRepoView, scan } from '../engine/scanner.js';
import { TOOL } from '../version.js';
import type { SentrikConfig } from '../config/schema.js';
import { buildRules, scanExcludes } from './scan.js';

export async function baselineAtCommit(root: string, config: SentrikConfig, ref: string, packs?: string[]): Promise<{ commit: string; baseline: Baseline }> {
  const { commit, files } = filesAtCommit(root, ref, config.max_file_size);
  const excluded = excludeMatcher(scanExcludes(config));
  const kept = files.filter((f) => !excluded(f.path));
  const texts = kept.filter((f) => f.text !== undefined).map((f) => ({ path: f.path, text: f.text! }));
  // Repository rules see binary files as bytes (a keystore committed before REF is not a new finding now), and
  // files too large to read by their size.
  const repo = blobRepoView(kept);
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
