// A named check: logic that data cannot express (resolving a matrix, following env scoping, reading shell
// pipelines), referenced from a pack rule as `match: { check: <name>, options: {…} }`. Options are
// validated with the check's strict zod schema when the pack loads.
import type { ZodType } from 'zod';
import type { RawMatch } from '../matchers/matcher.js';
import type { SourceFile } from '../source.js';
import type { FormatName } from '../formats/index.js';

export interface Check<O = any> {
  name: string;
  /** One line for `explain` and docs. */
  description: string;
  /** Formats the check understands; a rule may narrow them with `format:`. */
  formats: readonly FormatName[];
  options: ZodType<O>;
  /** Lower-case literals one of which must occur in a file for the check to possibly match (prefilter). */
  keywords?(options: O): string[] | undefined;
  run(file: SourceFile, options: O): RawMatch[];
}
