// scan_file: scan one file of the workspace, as it is on disk now, with the configured packs.
import { statSync } from 'node:fs';
import { z } from 'zod';
import { runScan } from '../../run/scan.js';
import { SentrikError } from '../../util/errors.js';
import { scanOutputSchema, scanText, toScanOutput } from '../schemas.js';
import { defineTool, workspacePath } from '../tool.js';

export const scanFile = defineTool({
  name: 'scan_file',
  title: 'Scan a file',
  description:
    'Scan one file of the workspace (as saved on disk) against the enabled standards packs and return its findings ' +
    'with severity, line, the standard clause violated and how to fix each. Use it after writing or editing a file, ' +
    'before you commit. For code that is not saved yet, use check_code_snippet instead.',
  input: z
    .object({
      path: z.string().min(1).describe('file to scan: relative to the workspace root (e.g. "src/db.py") or absolute inside it'),
    })
    .strict(),
  output: scanOutputSchema,
  async run({ path }, ctx) {
    const { abs, rel } = workspacePath(ctx, path);
    let isFile: boolean;
    try {
      isFile = statSync(abs).isFile();
    } catch {
      throw new SentrikError('no such file', rel, undefined, 'give the path of an existing file in the workspace, or use check_code_snippet for unsaved code');
    }
    if (!isFile) throw new SentrikError('not a file', rel, undefined, 'scan_file scans one file; give a file path');
    const config = ctx.config();
    // No cache writes and one thread: an agent's call must have no side effects and answer quickly.
    const result = await runScan({ root: ctx.root, config, scope: { mode: 'paths', paths: [abs] }, noCache: true, jobs: 1 });
    ctx.lastScan = { result, finishedAt: new Date(), failOn: config.gate.fail_on, path: rel };
    return toScanOutput(rel, result, config.gate.fail_on);
  },
  text: scanText,
});
