// Languages the `ast` rule kind understands: which file extensions map to which ast-grep parser, and the
// node kinds the taint engine needs (functions, assignments, references). Adding a language = one entry
// here (plus its @ast-grep/lang-* package for languages napi does not build in).
import { createRequire } from 'node:module';
import type * as Napi from '@ast-grep/napi';

/** Language names as rules write them. */
export const AST_LANGUAGES = ['javascript', 'typescript', 'python', 'java', 'go', 'c', 'php'] as const;
export type AstLanguage = (typeof AST_LANGUAGES)[number];

export interface LanguageSpec {
  /** File extensions (lower case, with the dot). */
  extensions: string[];
  /** Node kinds that open a new function scope. */
  functions: string[];
  /** Assignment-like nodes: [kind, left field, right field]. */
  assignments: [string, string, string][];
  /** Node kinds that name a variable. */
  identifiers: string[];
  /** [parent kind, field]: an identifier in that field is a member/keyword name, not a variable read. */
  notReferences: [string, string][];
  /** Call nodes, and the field that holds the called function. */
  calls: [string, string][];
  /** `if` statements and conditional expressions, where a check can clean a value (taint guards). */
  conditionals: string[];
  /** Element access `c[k]`: [kind, collection field, key field] (a lookup in a constant collection is constant). */
  index?: [string, string, string];
  /** Names that read no variable the code assigns (PHP's `$this`: the object, as `this` is in JavaScript). */
  notVariables?: string[];
}

const JS_LIKE: Omit<LanguageSpec, 'extensions'> = {
  functions: ['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function'],
  assignments: [
    ['variable_declarator', 'name', 'value'],
    ['assignment_expression', 'left', 'right'],
    ['augmented_assignment_expression', 'left', 'right'],
  ],
  identifiers: ['identifier', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern'],
  notReferences: [],
  calls: [['call_expression', 'function'], ['new_expression', 'constructor']],
  conditionals: ['if_statement', 'ternary_expression'],
  index: ['subscript_expression', 'object', 'index'],
};

export const LANGUAGES: Record<AstLanguage, LanguageSpec> = {
  javascript: { ...JS_LIKE, extensions: ['.js', '.jsx', '.mjs', '.cjs'] },
  typescript: { ...JS_LIKE, extensions: ['.ts', '.tsx', '.mts', '.cts'] },
  python: {
    extensions: ['.py', '.pyw'],
    functions: ['function_definition', 'lambda'],
    assignments: [
      ['assignment', 'left', 'right'],
      ['augmented_assignment', 'left', 'right'],
      ['named_expression', 'name', 'value'],
      ['for_statement', 'left', 'right'],
    ],
    identifiers: ['identifier'],
    notReferences: [['attribute', 'attribute'], ['keyword_argument', 'name']],
    calls: [['call', 'function']],
    conditionals: ['if_statement', 'conditional_expression'],
    index: ['subscript', 'value', 'subscript'],
  },
  java: {
    extensions: ['.java'],
    functions: ['method_declaration', 'constructor_declaration', 'lambda_expression'],
    assignments: [
      ['variable_declarator', 'name', 'value'],
      ['assignment_expression', 'left', 'right'],
    ],
    identifiers: ['identifier'],
    notReferences: [['field_access', 'field'], ['method_invocation', 'name']],
    calls: [['method_invocation', 'name'], ['object_creation_expression', 'type']],
    conditionals: ['if_statement', 'ternary_expression'],
    index: ['array_access', 'array', 'index'],
  },
  go: {
    extensions: ['.go'],
    functions: ['function_declaration', 'method_declaration', 'func_literal'],
    assignments: [
      ['short_var_declaration', 'left', 'right'],
      ['assignment_statement', 'left', 'right'],
      ['var_spec', 'name', 'value'],
      ['const_spec', 'name', 'value'],
      ['range_clause', 'left', 'right'],
    ],
    identifiers: ['identifier'],
    notReferences: [],
    calls: [['call_expression', 'function']],
    conditionals: ['if_statement'],
    index: ['index_expression', 'operand', 'index'],
  },
  c: {
    extensions: ['.c', '.h'],
    functions: ['function_definition'],
    assignments: [
      ['init_declarator', 'declarator', 'value'],
      ['assignment_expression', 'left', 'right'],
    ],
    identifiers: ['identifier'],
    notReferences: [],
    calls: [['call_expression', 'function']],
    conditionals: [],
  },
  // tree-sitter-php: variables are `variable_name` nodes whose text keeps the `$` ($q); function and method
  // names are `name` nodes, never variables. Code outside functions (plain scripts) is the module level.
  php: {
    extensions: ['.php', '.phtml'],
    functions: ['function_definition', 'method_declaration', 'anonymous_function', 'arrow_function'],
    assignments: [
      ['assignment_expression', 'left', 'right'],
      ['augmented_assignment_expression', 'left', 'right'],
      ['reference_assignment_expression', 'left', 'right'],
    ],
    identifiers: ['variable_name'],
    notReferences: [],
    calls: [['function_call_expression', 'function'], ['member_call_expression', 'name'], ['nullsafe_member_call_expression', 'name'], ['scoped_call_expression', 'name']],
    conditionals: ['if_statement', 'conditional_expression'],
    notVariables: ['$this'],
  },
};

const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

/** The rule language and the parser a file path needs, or undefined when no AST language covers it. */
export function languageOf(path: string): { language: AstLanguage; parser: string } | undefined {
  // Every AST rule asks about the file in hand, several times: the last answer serves them.
  if (path !== lastLanguage.path) lastLanguage = { path, of: languageOfPath(path) };
  return lastLanguage.of;
}

let lastLanguage: { path?: string; of?: { language: AstLanguage; parser: string } } = {};

function languageOfPath(path: string): { language: AstLanguage; parser: string } | undefined {
  const dot = path.lastIndexOf('.');
  if (dot === -1) return undefined;
  // TypeScript declaration files hold types only: none of the statements AST rules look for, so no parse.
  if (DECLARATION_FILE.test(path)) return undefined;
  const ext = path.slice(dot).toLowerCase();
  for (const language of AST_LANGUAGES) {
    if (!LANGUAGES[language].extensions.includes(ext)) continue;
    return { language, parser: parserFor(language, ext) };
  }
  return undefined;
}

/** Every parser a rule language may need (TypeScript files are parsed as TS or TSX). */
export function parsersOf(language: AstLanguage): string[] {
  return [...new Set(LANGUAGES[language].extensions.map((ext) => parserFor(language, ext)))];
}

function parserFor(language: AstLanguage, ext: string): string {
  if (language === 'javascript') return 'JavaScript'; // tree-sitter-javascript also parses JSX
  if (language === 'typescript') return ext === '.tsx' ? 'Tsx' : 'TypeScript';
  return language;
}

let napi: typeof Napi | undefined;

/** @ast-grep/napi with the dynamic languages registered (CommonJS packages, loaded once per thread). */
export function astGrep(): typeof Napi {
  if (napi) return napi;
  const require = createRequire(import.meta.url);
  const loaded = require('@ast-grep/napi') as typeof Napi;
  loaded.registerDynamicLanguage({
    python: require('@ast-grep/lang-python'),
    java: require('@ast-grep/lang-java'),
    go: require('@ast-grep/lang-go'),
    c: require('@ast-grep/lang-c'),
    php: require('@ast-grep/lang-php'),
  });
  napi = loaded;
  return loaded;
}

/** A node's kind name (the napi typings allow a numeric id too). */
export function kindOf(node: Napi.SgNode): string {
  return String(node.kind());
}
