// scan_metrics.json: timings, file counts (scanned / skipped and why), cache hits, counts by severity,
// rule and pack. Field names are those of ScanMetrics so dashboards and benchmarks can read either.
import type { ScanResult } from '../engine/model.js';
import { orderMetrics } from './json.js';

export function renderMetrics(result: ScanResult): string {
  const metrics = {
    tool: { name: result.tool.name, version: result.tool.version },
    ...orderMetrics(result.metrics),
    problems: result.problems.length,
    problemsByCode: countBy(result.problems.map((p) => p.code)),
    ...(result.suppressions ? { suppressionsByStatus: countBy(result.suppressions.map((s) => s.status)) } : {}),
  };
  return `${JSON.stringify(metrics, null, 2)}\n`;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of [...values].sort()) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
