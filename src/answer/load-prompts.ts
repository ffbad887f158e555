/**
 * Prompts live as Markdown files under `prompts/` so they can be read and reviewed as text.
 * They are read and checked once at start-up: a missing file, or a placeholder that is unknown or
 * missing, fails the start rather than a request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodciteError } from '../errors.js';

/** Each prompt file and the `{{variables}}` it must use — all of them, and no others. */
export const PROMPT_VARIABLES = {
  'answer-system': ['refusal'],
  'answer-user': ['sources', 'question'],
  'rewrite-question': ['history', 'question'],
  'caller-instructions': ['instructions'],
} as const satisfies Record<string, readonly string[]>;

export type PromptName = keyof typeof PROMPT_VARIABLES;

/** A checked prompt template. */
export interface PromptTemplate<Variable extends string = string> {
  readonly name: string;
  readonly template: string;
  /**
   * Fills every placeholder in one pass, so a value that itself contains `{{…}}` (a transcript,
   * a user's question) is inserted literally and never expanded.
   */
  render(values: Record<Variable, string>): string;
}

export type Prompts = { [Name in PromptName]: PromptTemplate<(typeof PROMPT_VARIABLES)[Name][number]> };

/** `prompts/` at the repository root, found relative to this module so the working directory does not matter. */
export const DEFAULT_PROMPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts');

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Builds a template from text and checks its placeholders against `variables`.
 * Throws `PodciteError('config:prompts')` naming the file and the unknown or missing variable.
 */
export function createPromptTemplate<Variable extends string>(options: {
  name: string;
  template: string;
  variables: readonly Variable[];
}): PromptTemplate<Variable> {
  const { name, template, variables } = options;
  const found = new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''));
  const allowed = new Set<string>(variables);
  const unknown = [...found].filter((variable) => !allowed.has(variable));
  if (unknown.length > 0) {
    throw new PodciteError(
      'config:prompts',
      `Prompt "${name}" uses unknown variable(s) ${unknown.map((v) => `{{${v}}}`).join(', ')}; it may use only ${variables.map((v) => `{{${v}}}`).join(', ')}.`,
    );
  }
  const missing = variables.filter((variable) => !found.has(variable));
  if (missing.length > 0) {
    throw new PodciteError(
      'config:prompts',
      `Prompt "${name}" must contain ${missing.map((v) => `{{${v}}}`).join(', ')}; add the placeholder to the file.`,
    );
  }
  return {
    name,
    template,
    render(values: Record<Variable, string>): string {
      return template.replace(PLACEHOLDER, (_placeholder, variable: string) => values[variable as Variable]);
    },
  };
}

/**
 * Reads and checks every prompt in `PROMPT_VARIABLES` from `dir` (default: the repository's
 * `prompts/`), as `<name>.md`. Throws `PodciteError('config:prompts')` on a missing or unreadable
 * file or a bad placeholder.
 */
export function loadPrompts(options: { dir?: string | undefined } = {}): Prompts {
  const dir = options.dir ?? DEFAULT_PROMPTS_DIR;
  const load = <Name extends PromptName>(name: Name): Prompts[Name] => {
    const file = path.join(dir, `${name}.md`);
    let template: string;
    try {
      template = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PodciteError(
        'config:prompts',
        `Prompt file ${file} could not be read; restore it from the repository.`,
        {
          cause: error,
        },
      );
    }
    return createPromptTemplate({
      name,
      template: template.trim(),
      variables: PROMPT_VARIABLES[name],
    }) as Prompts[Name];
  };
  return {
    'answer-system': load('answer-system'),
    'answer-user': load('answer-user'),
    'rewrite-question': load('rewrite-question'),
    'caller-instructions': load('caller-instructions'),
  };
}
