// Registry of named checks usable from `structured` rules. Adding a check = a function in this folder,
// listed here.
import type { Check } from './check.js';
import { hardcodedCiSecret } from './ci-secrets.js';
import { conditionChecks } from './conditions.js';
import { containerChecks } from './containers.js';
import { dependencyChecks } from './dependencies.js';
import { githubChecks } from './github-actions.js';
import { githubEnv, templateInjection } from './injection.js';
import { recursion } from './recursion.js';
import { shellChecks } from './shell-checks.js';

const CHECKS = new Map<string, Check>();

for (const c of [...githubChecks, templateInjection, githubEnv, ...shellChecks, ...containerChecks, ...dependencyChecks, ...conditionChecks, hardcodedCiSecret, recursion]) {
  CHECKS.set(c.name, c as Check);
}

export function getCheck(name: string): Check | undefined {
  return CHECKS.get(name);
}

export function checkNames(): string[] {
  return [...CHECKS.keys()].sort();
}
