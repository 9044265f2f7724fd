// main() imports only the module of the command it runs: the table it uses must name every command each
// module registers, or `sentrik <that command>` would not be found.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES } from '../../src/cli/main.js';
import { processIO } from '../../src/cli/io.js';

describe('command modules', () => {
  it('list exactly the top-level commands each module registers, each once', async () => {
    const seen: string[] = [];
    for (const m of COMMAND_MODULES) {
      const program = new Command('sentrik');
      (await m.load())(program, processIO(), (fn) => async (...args) => void (await fn(...args)));
      const registered = program.commands.map((c) => c.name());
      expect(registered.sort(), `module for ${m.names.join(', ')}`).toEqual([...m.names].sort());
      seen.push(...registered);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('scan'); // scan and gate are main's own
  });
});
