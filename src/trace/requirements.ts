// requirements.yaml: the requirements a regulated project traces to code and tests.
//
//   requirements:
//     - id: REQ-1
//       title: Stop the infusion when an occlusion is detected
//       standard: IEC 62304      # optional
//       clause: 5.2.1            # optional
//       status: approved         # draft | approved | implemented | verified | obsolete
//       verification: test       # test | inspection | analysis | demonstration (only `test` needs a test)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SentrikError } from '../util/errors.js';
import { lineOf, parseYamlWithPositions, zodToSentrikError } from '../util/yaml.js';

export const REQUIREMENT_ID = /^[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._-]*$/;

const requirementSchema = z
  .object({
    id: z.string().regex(REQUIREMENT_ID, 'requirement ids look like REQ-1 or SSR-12'),
    title: z.string().min(1),
    standard: z.string().optional(),
    clause: z.union([z.string(), z.number()]).transform(String).optional(),
    status: z.enum(['draft', 'approved', 'implemented', 'verified', 'obsolete']).default('approved'),
    verification: z.enum(['test', 'inspection', 'analysis', 'demonstration']).default('test'),
    description: z.string().optional(),
  })
  .strict();

const fileSchema = z.object({ requirements: z.array(requirementSchema) }).strict();

export type Requirement = z.infer<typeof requirementSchema> & { line?: number };

export const REQUIREMENTS_FILES = ['requirements.yaml', 'requirements.yml', 'docs/requirements.yaml'];

/** The project's requirements file, or undefined when there is none. */
export function findRequirementsFile(root: string): string | undefined {
  return REQUIREMENTS_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
}

/** Load and validate; a duplicate id is an error naming the file and both lines. */
export function loadRequirements(file: string): Requirement[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SentrikError(`cannot read the requirements file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
  }
  const parsed = parseYamlWithPositions(text, file);
  const res = fileSchema.safeParse(parsed.value);
  if (!res.success) throw zodToSentrikError(res.error, parsed, 'invalid requirements file');
  const seen = new Map<string, number | undefined>();
  return res.data.requirements.map((r, i) => {
    const line = lineOf(parsed, ['requirements', i]);
    if (seen.has(r.id)) {
      throw new SentrikError(`duplicate requirement id ${r.id} (first at line ${seen.get(r.id) ?? '?'})`, file, lineOf(parsed, ['requirements', i, 'id']), 'give every requirement its own id');
    }
    seen.set(r.id, line);
    return { ...r, line };
  });
}
