// OpenAPI 2.0 / 3.x: recognised by content (a top-level `openapi:` or `swagger:` key, wherever the file is).
import type { SourceFile } from '../../engine/source.js';
import { parseSpecText } from '../doc.js';
import { perFile } from '../memo.js';
import { asOpenApi, looksLikeOpenApi, type OpenApi } from './model.js';

/** The file's OpenAPI model, parsed once per scan; undefined when the file is not an OpenAPI document. */
export function openApiOf(file: SourceFile): OpenApi | undefined {
  return perFile(file, 'openapi', () => (looksLikeOpenApi(file.text) ? asOpenApi(parseSpecText(file.text, file.path)) : undefined));
}

export { parseOpenApi, looksLikeOpenApi, operations, type OpenApi, type Operation } from './model.js';
