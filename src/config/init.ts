// `sentrik init`: a commented .sentrik/config.yaml built from what detection found.
// Every key is written with its default so users see what they can change; the result parses back through the schema.
import { SEVERITIES } from '../engine/model.js';
import { describeDetection, type Detection } from './detect.js';
import { DEFAULT_CONFIG, PROFILES, REPORTERS } from './schema.js';

const flow = (items: readonly string[]): string => `[${items.join(', ')}]`;

export function renderInitConfig(detection: Detection): string {
  const d = DEFAULT_CONFIG;
  const langs = detection.languages.length
    ? detection.languages.map((l) => `${l} (${detection.fileCounts[l] ?? 0})`).join(', ')
    : 'none recognised';
  return `# sentrik configuration — written by \`sentrik init\`. Check it with \`sentrik validate-config\`.
# Every key is optional; environment variables SENTRIK_<KEY> (nested keys joined with _, e.g.
# SENTRIK_GATE_FAIL_ON=critical,high) override this file, and command-line flags override both.
#
# Detected: ${describeDetection(detection)}
#   languages (files): ${langs}
#   frameworks: ${detection.frameworks.join(', ') || 'none recognised'}
#   CI: ${detection.ci.join(', ') || 'none found'}
#   Docker: ${detection.hasDocker ? 'yes' : 'no'}
#   API contracts: ${detection.apiSpecs.length ? `${detection.apiSpecs.join(', ')} — checked by api-security; \`sentrik import-spec FILE --enable\` also checks the code against one` : 'none found'}

# Packs to enforce (see \`sentrik list-packs\`). Chosen from the detection above; a pack id that is not
# installed stops the run with an error naming it. Remove this key to let sentrik choose on every run.
standards_packs: ${flow(detection.suggestedPacks)}

gate:
  # Severities that make \`sentrik gate\` fail (exit 1): ${SEVERITIES.join(', ')}.
  fail_on: ${flow(d.gate.fail_on)}

governance:
  # How strictly governance applies: ${PROFILES.join(' | ')}.
  profile: ${d.governance.profile}
  human_review_required:
    # A critical finding requires a human review before merge.
    on_critical_finding: ${d.governance.human_review_required.on_critical_finding}
    # Automatic fixes above this severity require a human review.
    on_auto_patch_above: ${d.governance.human_review_required.on_auto_patch_above}
  audit:
    # Keep an append-only, HMAC-chained log of what agents asked and what sentrik answered.
    enabled: ${d.governance.audit.enabled}
    # Where the audit log is appended (default: <output_dir>/agent_audit.jsonl).
    log_file: ${d.governance.audit.log_file}

# Lower severity in tests, examples and comments; raise it in auth and crypto code. Each change is
# recorded on the finding.
severity_rescoring_enabled: ${d.severity_rescoring_enabled}
# Scan files in worker threads (\`jobs\` sets how many; default one per CPU).
parallel_scan: ${d.parallel_scan}
# jobs: 4
# Run each pack as an independent agent, in parallel.
agent_scan: ${d.agent_scan}

# Where reports are written.
output_dir: ${d.output_dir}
# Reports written on every scan: ${REPORTERS.join(', ')}.
reporters: ${flow(d.reporters)}

# Never scanned (gitignore-style patterns, relative to the repository root).
scan_exclude: ${flow(d.scan_exclude)}
# Skip files listed in .gitignore.
respect_gitignore: ${d.respect_gitignore}
# Larger files are skipped and counted in scan_metrics.json (bytes, or e.g. 2MiB, 500KB).
max_file_size: 2MiB
# Reuse results for unchanged files (.sentrik/cache); any pack or rule change invalidates it.
cache: ${d.cache}

# Per-rule severity or enablement, e.g.
#   pack_overrides:
#     owasp-top-10:
#       OWASP-A03-001: { severity: medium }
#       OWASP-A05-002: { enabled: false }
pack_overrides: {}
`;
}
