// Syntax trees live in native memory V8 does not see: parse.ts forces a collection after every few MB of
// parsed source, and repeated searches of one tree are answered from memory.
import { describe, expect, it } from 'vitest';
import { findAllOnce, parseSource, releaseSyntaxTrees } from '../../src/engine/ast/parse.js';
import { SourceFile } from '../../src/engine/source.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('syntax tree memory', () => {
  it('collects the trees of finished files once enough source was parsed', async () => {
    releaseSyntaxTrees();
    const collected: number[] = [];
    const registry = new FinalizationRegistry<number>((i) => collected.push(i));
    const chunk = 'function f(a) {\n  return a + 1;\n}\n'.repeat(3_000); // ~100 kB
    let released = false;
    for (let i = 0; i < 40 && !released; i++) {
      registry.register(parseSource(new SourceFile(`f${i}.js`, `${chunk}// ${i}\n`), 'JavaScript')!, i);
      released = releaseSyntaxTrees();
    }
    expect(released).toBe(true);
    for (let i = 0; i < 5 && collected.length === 0; i++) await turn();
    expect(collected.length).toBeGreaterThan(0);
  });

  it('collects a second time at the next call: a tree goes only once its node wrappers are gone', () => {
    while (releaseSyntaxTrees()); // settle any pending second collection
    const chunk = 'function f(a) {\n  return a + 1;\n}\n'.repeat(3_000); // ~100 kB
    const calls: boolean[] = [];
    for (let i = 0; i < 40 && !calls.includes(true); i++) {
      parseSource(new SourceFile(`g${i}.js`, `${chunk}// ${i}\n`), 'JavaScript');
      calls.push(releaseSyntaxTrees());
    }
    expect(calls.at(-1)).toBe(true);
    expect(releaseSyntaxTrees()).toBe(true); // the second collection, whatever was parsed since
    expect(releaseSyntaxTrees()).toBe(false);
  });

  it('answers a repeated search of one tree from memory', () => {
    const root = parseSource(new SourceFile('a.py', 'import os\nos.system(cmd)\n'), 'python')!;
    const first = findAllOnce(root, { rule: { pattern: 'os.system($X)' } });
    expect(first.map((n) => n.text())).toEqual(['os.system(cmd)']);
    expect(findAllOnce(root, { rule: { pattern: 'os.system($X)' } })).toBe(first);
  });
});
