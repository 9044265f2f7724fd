// Governance profiles: named sets of defaults for the settings that decide how strict sentrik is.
// A profile only fills settings nobody chose: anything set in the config file, the environment or a flag wins.
import type { ConfigOrigin } from '../config/load.js';
import type { PROFILES, SentrikConfig } from '../config/schema.js';
import type { Severity } from '../engine/model.js';

export type Profile = (typeof PROFILES)[number];

export interface ProfileDefaults {
  /** Severities that fail the gate. */
  'gate.fail_on': Severity[];
  /** A critical finding needs a human review. */
  'governance.human_review_required.on_critical_finding': boolean;
  /** `sentrik fix` applies fixes up to this severity; fixes above it need a review. */
  'governance.human_review_required.on_auto_patch_above': Severity;
  'governance.human_review_required.on_requirement_change': boolean;
  'governance.human_review_required.on_suppression_added': boolean;
  /** Suppressions in .sentrik/suppressions.yaml need `approved_by` to apply. */
  'governance.suppressions_require_approval': boolean;
}

/** The documented defaults of each profile (docs/governance.md shows the same table). */
export const PROFILE_DEFAULTS: Record<Profile, ProfileDefaults> = {
  strict: {
    'gate.fail_on': ['critical', 'high', 'medium'],
    'governance.human_review_required.on_critical_finding': true,
    'governance.human_review_required.on_auto_patch_above': 'low',
    'governance.human_review_required.on_requirement_change': true,
    'governance.human_review_required.on_suppression_added': true,
    'governance.suppressions_require_approval': true,
  },
  standard: {
    'gate.fail_on': ['critical', 'high'],
    'governance.human_review_required.on_critical_finding': true,
    'governance.human_review_required.on_auto_patch_above': 'medium',
    'governance.human_review_required.on_requirement_change': true,
    'governance.human_review_required.on_suppression_added': false,
    'governance.suppressions_require_approval': false,
  },
  permissive: {
    'gate.fail_on': ['critical'],
    'governance.human_review_required.on_critical_finding': false,
    'governance.human_review_required.on_auto_patch_above': 'high',
    'governance.human_review_required.on_requirement_change': false,
    'governance.human_review_required.on_suppression_added': false,
    'governance.suppressions_require_approval': false,
  },
};

/**
 * Fill every profile-governed setting that still has its built-in default with the profile's value, and
 * record that origin ("profile strict"). Mutates `config`, `origins` and `sources`.
 */
export function applyProfile(config: SentrikConfig, origins: Record<string, ConfigOrigin>, sources: Record<string, string>): void {
  const profile = config.governance.profile;
  for (const [path, value] of Object.entries(PROFILE_DEFAULTS[profile])) {
    if (origins[path] !== 'default') continue;
    setPath(config as unknown as Record<string, unknown>, path.split('.'), Array.isArray(value) ? [...value] : value);
    sources[path] = `default of profile ${profile}`;
  }
}

function setPath(obj: Record<string, unknown>, parts: string[], value: unknown): void {
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  cur[parts[parts.length - 1]] = value;
}

/** One line per profile for help texts and `validate-config`. */
export function describeProfile(profile: Profile): string {
  const d = PROFILE_DEFAULTS[profile];
  const review = [
    d['governance.human_review_required.on_critical_finding'] && 'critical findings',
    d['governance.human_review_required.on_requirement_change'] && 'requirement changes',
    d['governance.human_review_required.on_suppression_added'] && 'new suppressions',
    `fixes above ${d['governance.human_review_required.on_auto_patch_above']}`,
  ].filter(Boolean);
  return `profile ${profile}: gate fails on ${d['gate.fail_on'].join('/')}; review required for ${review.join(', ')}; suppressions ${d['governance.suppressions_require_approval'] ? 'need' : 'do not need'} approved_by`;
}
