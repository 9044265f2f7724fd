// spdx-correct ships no types: the one function it exports.
declare module 'spdx-correct' {
  /** A valid SPDX expression for a free-text licence name ("MPLv2.0" → "MPL-2.0"), or null. */
  export default function correct(text: string, options?: { upgrade?: boolean }): string | null;
}
