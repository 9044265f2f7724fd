// `keystore`: key stores committed with a password everyone knows. A keystore is binary, so per-file rules never
// see it (binary files are skipped); this kind reads the files its globs select as raw bytes.
//
//   match:
//     paths: ['**/*.p12', '**/*.pfx']   # the files examined, whatever their content
//     format: pkcs12                    # the only format so far: the MAC is checked, nothing is decrypted
//     passwords: ['notasecret']         # well-known passwords (Google service-account P12 keys use this one)
import { z } from 'zod';
import { pkcs12OpensWith } from '../../secrets/pkcs12.js';
import type { MatcherKind, RawMatch } from './matcher.js';
import { filesMatching } from './repo-globs.js';
import { globSchema } from '../../util/glob.js';

const schema = z
  .object({
    paths: z.array(globSchema).min(1),
    format: z.literal('pkcs12'),
    passwords: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const keystoreKind: MatcherKind<z.infer<typeof schema>> = {
  kind: 'keystore',
  scope: 'repo',
  schema,
  compile(m) {
    return {
      scope: 'repo',
      perFile: true,
      match(repo) {
        const out: RawMatch[] = [];
        for (const f of filesMatching(repo, m.paths)) {
          const bytes = repo.bytes(f);
          const password = bytes && m.passwords.find((p) => pkcs12OpensWith(bytes, p));
          // The password is public knowledge; the finding's identity is the keystore itself.
          if (password) out.push({ file: f, matched: `${m.format}:${f}`, message: `PKCS#12 keystore opens with the well-known password '${password}': its private key is readable by anyone who can read the repository` });
        }
        return out;
      },
    };
  },
};
