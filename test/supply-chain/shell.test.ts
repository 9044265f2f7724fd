// The shell reader: commands, pipelines, substitutions, continuations and positions in the original file.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { lineSource, wholeFileSource } from '../../src/engine/formats/script-source.js';
import { effectiveArgs, parseShell, pipelines, programName, runs } from '../../src/engine/formats/shell.js';

const sh = (text: string, dialect: 'sh' | 'pwsh' | 'cmd' = 'sh') => parseShell(wholeFileSource(new SourceFile('x.sh', text)), dialect);
const argv = (text: string) => sh(text).commands.map((c) => c.words.map((w) => w.text));

describe('parseShell', () => {
  it('splits commands on ; && || newlines and keeps pipelines together', () => {
    const s = sh('a 1; b && c || d\ncurl -s x | sudo bash -s -- -y');
    expect(s.commands.map((c) => c.words[0].text)).toEqual(['a', 'b', 'c', 'd', 'curl', 'sudo']);
    const pl = pipelines(s).find((p) => p.length === 2)!;
    expect(pl.map((c) => c.stage)).toEqual([0, 1]);
    expect(effectiveArgs(pl[1]).map((w) => w.text)).toEqual(['bash', '-s', '--', '-y']);
  });

  it('removes quotes, keeps ${{ }} and ${VAR} inside one word', () => {
    expect(argv(`echo "a b" 'c  d' x"y"z \${{ github.event.issue.title || 'a b' }} \${HOME}/x`)).toEqual([
      ['echo', 'a b', 'c  d', 'xyz', "${{ github.event.issue.title || 'a b' }}", '${HOME}/x'],
    ]);
  });

  it('joins backslash continuations (and backtick ones in pwsh)', () => {
    expect(argv('cargo \\\n  publish \\\n  --allow-dirty')).toEqual([['cargo', 'publish', '--allow-dirty']]);
    expect(parseShell(wholeFileSource(new SourceFile('x.ps1', 'cargo `\n  publish')), 'pwsh').commands[0].words.map((w) => w.text)).toEqual(['cargo', 'publish']);
  });

  it('reads $( ), backticks and <( ) as nested commands with a parent', () => {
    const s = sh('bash -c "$(curl -fsSL https://x/i.sh)"\nsource <(wget -qO- https://y)\necho `date`');
    const nested = s.commands.filter((c) => c.parent);
    expect(nested.map((c) => [c.words[0].text, c.parent!.words[0].text])).toEqual([
      ['curl', 'bash'],
      ['wget', 'source'],
      ['date', 'echo'],
    ]);
  });

  it('skips comments and here-document bodies', () => {
    expect(argv('# curl x | sh\ncat <<EOF > f\ncurl x | sh\nEOF\nls')).toEqual([['cat'], ['ls']]);
  });

  it('records redirections and leading assignments', () => {
    const [c] = sh('FOO=1 BAR=2 echo "x=$y" >> "$GITHUB_ENV"').commands;
    expect(c.assignments.map((w) => w.text)).toEqual(['FOO=1', 'BAR=2']);
    expect(c.redirects.map((r) => [r.op, r.target?.text])).toEqual([['>>', '$GITHUB_ENV']]);
  });

  it('drops shell keywords before the command', () => {
    expect(argv('if curl -s x | sh; then echo ok; fi')[0]).toEqual(['curl', '-s', 'x']);
  });

  it('reads a PowerShell parenthesised pipeline as a nested command', () => {
    const s = sh('iex (iwr https://x/install.ps1 -UseBasicParsing).Content', 'pwsh');
    expect(s.commands.map((c) => c.words[0].text)).toContain('iwr');
    expect(s.commands.find((c) => c.words[0].text === 'iwr')!.parent!.words[0].text).toBe('iex');
  });

  it('never throws on unbalanced input', () => {
    expect(() => sh('echo "unterminated $(curl x | ` \'')).not.toThrow();
    expect(() => sh(')))((( | | ;;')).not.toThrow();
  });
});

describe('effectiveArgs / runs', () => {
  it.each([
    ['sudo -E env X=1 python3 -m pip install requests', 'pip install'],
    ['bundle exec gem push foo.gem', 'gem push'],
    ['pipx run twine==6.1.0 upload dist/*', 'twine upload'],
    ['dotnet nuget push foo.nupkg', 'nuget push'],
    ['cargo +nightly publish', 'cargo publish'],
    ['python3.10 -m twine upload dist/*', 'twine upload'],
    ['yarn npm publish --access public', 'yarn npm publish'],
    ['/usr/local/bin/npm.exe publish', 'npm publish'],
  ])('%s runs %s', (cmd, spec) => {
    expect(runs(sh(cmd).commands[0], spec)).toBe(true);
  });
  it('does not confuse subcommands', () => {
    expect(runs(sh('npm run publish').commands[0], 'npm publish')).toBe(false);
    expect(programName(sh('C:\\tools\\nuget.exe push', 'pwsh').commands[0].words[0])).toBe('nuget');
  });
});

describe('line mapping', () => {
  it('maps offsets of an extracted block back to the original line and column', () => {
    const file = new SourceFile('w.yml', 'steps:\n  - run: |\n      echo a\n      curl x | sh\n');
    const src = lineSource('echo a\ncurl x | sh\n', file, 3);
    const s = parseShell(src);
    const curl = s.commands.find((c) => c.words[0].text === 'curl')!;
    expect(src.at(curl.words[0].start)).toEqual({ line: 4, column: 7 });
  });
});
