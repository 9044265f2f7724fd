import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { REPORTERS, renderTerminal } from '../../src/reporters/index.js';
import { makeResult, makeGate } from './fixture.js';
it('dump', () => {
  const r = makeResult(); const g = makeGate(r);
  for (const [name, rep] of Object.entries(REPORTERS)) writeFileSync('/tmp/sarifA/' + rep.fileName, rep.render(r, g));
  writeFileSync('/tmp/sarifA/term.txt', renderTerminal(r, { color: false, gate: g }));
  writeFileSync('/tmp/sarifA/term-color.txt', renderTerminal(r, { color: true, gate: g }));
  writeFileSync('/tmp/sarifA/term-verbose.txt', renderTerminal(r, { color: false, gate: g, verbose: true }));
  writeFileSync('/tmp/sarifA/term-quiet.txt', renderTerminal(r, { color: false, gate: g, quiet: true }));
});
