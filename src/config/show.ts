// `sentrik validate-config`: the effective configuration as YAML, each key annotated with where it came from.
// The output is itself a valid .sentrik/config.yaml.
import { Document, isCollection, isMap, isNode, isScalar, type Pair } from 'yaml';
import type { LoadedConfig } from './load.js';
import { CONFIG_KEYS } from './schema.js';
import { describeProfile } from '../governance/profiles.js';

export function describeConfig(loaded: LoadedConfig): string {
  const doc = new Document(loaded.config);
  for (const key of CONFIG_KEYS) {
    const parts = key.path.split('.');
    const node = doc.getIn(parts, true);
    if (!isNode(node)) continue; // e.g. jobs when unset
    if (isCollection(node) && node.items.every((i) => isScalar(i))) node.flow = true;
    const source = loaded.sources[key.path] ?? loaded.origins[key.path] ?? 'default';
    const note = ` ${source.startsWith('default') || source.startsWith('detected') ? source : `from ${source}`}`;
    // A block map's own comment would land after its last line; put it on its key instead.
    const pair = isCollection(node) && !node.flow ? parentPair(doc, parts) : undefined;
    if (pair && isScalar(pair.key)) pair.key.comment = note;
    else node.comment = note;
  }
  const header = [
    ' Effective sentrik configuration',
    loaded.file ? ` file: ${loaded.file}` : ' no config file: built-in defaults (run `sentrik init` to write one)',
    ...(loaded.config.jobs === undefined ? [' jobs: one worker per CPU (unset)'] : []),
    ` ${describeProfile(loaded.config.governance.profile)} (explicit settings override it)`,
    ...loaded.warnings.map((w) => ` warning: ${w}`),
  ];
  doc.commentBefore = header.join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function parentPair(doc: Document, parts: string[]): Pair | undefined {
  const parent = parts.length > 1 ? doc.getIn(parts.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  return parent.items.find((p) => isScalar(p.key) && p.key.value === parts[parts.length - 1]);
}
