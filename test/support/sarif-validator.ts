// The official SARIF validator (Microsoft's multitool) with the SARIF and GitHub code-scanning rule sets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const multitool: string = createRequire(import.meta.url)('@microsoft/sarif-multitool');
const work = mkdtempSync(join(tmpdir(), 'sentrik-sarif-'));

export interface ValidatorResult {
  level: string;
  ruleId: string;
  text: string;
}

/** Run `Sarif.Multitool validate --rule-kind "Gh;Sarif"` and return what it reported. */
export function validate(name: string, sarif: string): ValidatorResult[] {
  const input = join(work, `${name}.sarif`);
  const output = join(work, `${name}.validation.sarif`);
  writeFileSync(input, sarif);
  execFileSync(multitool, ['validate', '--rule-kind', 'Gh;Sarif', '--level', 'Error;Warning;Note', '--log', 'ForceOverwrite', '--output', output, input], {
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    stdio: 'pipe',
    timeout: 60_000,
  });
  const log = JSON.parse(readFileSync(output, 'utf8'));
  const run = log.runs[0];
  const rules = run.tool.driver.rules ?? [];
  return (run.results ?? []).map((r: { level?: string; ruleId: string; ruleIndex?: number; message: { id?: string; arguments?: string[] } }) => {
    // The validator reports message ids + arguments; resolve them against its rule metadata for readable failures.
    const rule = rules.find((x: { id: string }) => x.id === r.ruleId);
    const template: string = rule?.messageStrings?.[r.message.id ?? '']?.text ?? r.message.id ?? '';
    const text = template.replace(/\{(\d+)\}/g, (_m: string, i: string) => r.message.arguments?.[Number(i)] ?? '');
    return { level: r.level ?? 'warning', ruleId: r.ruleId, text };
  });
}

export const errorsOf = (results: ValidatorResult[]): string[] =>
  results.filter((r) => r.level === 'error').map((r) => `${r.ruleId}: ${r.text}`);

