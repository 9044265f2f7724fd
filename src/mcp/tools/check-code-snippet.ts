// check_code_snippet: scan code that is not on disk yet, with the rules for the file type its name implies.
import { z } from 'zod';
import { runScan } from '../../run/scan.js';
import { SentrikError } from '../../util/errors.js';
import { scanOutputSchema, scanText, toScanOutput } from '../schemas.js';
import { defineTool, workspacePath } from '../tool.js';

/** Larger snippets are refused: an agent's edit is far smaller, and the server must stay responsive. */
export const MAX_SNIPPET_BYTES = 1024 * 1024;

export const checkCodeSnippet = defineTool({
  name: 'check_code_snippet',
  title: 'Check code before writing it',
  description:
    'Scan source code that is not saved yet (a file you are about to write, or a proposed edit) against the enabled ' +
    'standards packs, using the rules for the file type the filename implies. Returns findings with the line, the ' +
    'standard clause and the fix. Use it before writing a file so that what you write is compliant; nothing is ' +
    `written to disk. Limit: ${MAX_SNIPPET_BYTES / 1024 / 1024} MiB (${MAX_SNIPPET_BYTES} bytes) of UTF-8 code.`,
  input: z
    .object({
      code: z.string().describe('the complete source text to check (UTF-8)'),
      filename: z
        .string()
        .min(1)
        .describe('where the code will live, relative to the workspace root (e.g. "src/app.py"); its name and extension select the rules'),
    })
    .strict(),
  output: scanOutputSchema,
  async run({ code, filename }, ctx) {
    const bytes = Buffer.byteLength(code, 'utf8');
    if (bytes > MAX_SNIPPET_BYTES) {
      throw new SentrikError(
        // Bytes, not rounded megabytes: a snippet just over the limit must not read "1.0 MB; the limit is 1 MB".
        `snippet is ${bytes} bytes of UTF-8; the limit is ${MAX_SNIPPET_BYTES} bytes (${MAX_SNIPPET_BYTES / 1024 / 1024} MiB)`,
        filename.replace(/\0/g, '\\0'),
        undefined,
        'check the code in smaller parts, or save it and use scan_file',
      );
    }
    const { rel } = workspacePath(ctx, filename);
    if (rel === '.') throw new SentrikError('filename names the workspace root', filename, undefined, 'give a file name such as src/app.py');
    const config = ctx.config();
    const result = await runScan({ root: ctx.root, config, scope: { mode: 'snippet', path: rel, text: code }, noCache: true, jobs: 1 });
    ctx.lastScan = { result, finishedAt: new Date(), failOn: config.gate.fail_on, path: rel };
    return toScanOutput(rel, result, config.gate.fail_on);
  },
  text: scanText,
});
