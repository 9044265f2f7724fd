// What a file's content shows it to be, beyond its path: the document format structured rules read
// (github-workflow, dockerfile, …) and the API contract spec rules read (openapi, asyncapi, protobuf). Kept
// with the file's cached result, so a file served from the cache still tells which rules judged it.
import { formatOf } from './formats/index.js';
import type { SourceFile } from './source.js';
import { looksLikeAsyncApi } from '../specs/asyncapi/index.js';
import { looksLikeOpenApi } from '../specs/openapi/index.js';

// Contracts are YAML or JSON documents: other files are not searched for their top-level keys.
const CONTRACT_FILE = /\.(ya?ml|json)$/i;

/** The file's format and contract kind, each when it has one. */
export function fileKinds(file: SourceFile): string[] {
  const kinds: string[] = [];
  const format = formatOf(file);
  if (format) kinds.push(format);
  if (file.path.endsWith('.proto')) kinds.push('protobuf');
  else if (CONTRACT_FILE.test(file.path)) {
    // The bytes are searched first (the keyword pass made them): most such files are never decoded.
    const bytes = file.utf8;
    if ((bytes.includes('openapi') || bytes.includes('swagger')) && looksLikeOpenApi(file.text)) kinds.push('openapi');
    if (bytes.includes('asyncapi') && looksLikeAsyncApi(file.text)) kinds.push('asyncapi');
  }
  return kinds;
}
