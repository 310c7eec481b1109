import Handlebars from 'handlebars';
import type { MessageKind } from '../course/index.ts';

/**
 * The per-recipient data model: the only names a template may use. Anything else is a
 * build error, so a typo never reaches a reader as a blank.
 */
const PLACEHOLDERS: Record<MessageKind, readonly string[]> = {
  lesson: ['firstName', 'unsubscribeUrl', 'preferencesUrl'],
  broadcast: ['firstName', 'unsubscribeUrl', 'preferencesUrl'],
  confirm: ['firstName', 'unsubscribeUrl', 'preferencesUrl', 'confirmUrl'],
};

/** Block helpers that only choose between texts; nothing that could emit unescaped HTML. */
const ALLOWED_BLOCKS = new Set(['if', 'unless']);

export interface PlaceholderProblem {
  message: string;
  /** 1-based line within the checked text. */
  line: number;
}

/**
 * Lists every placeholder use the data model does not allow: unknown names, helpers,
 * partials, and triple-stash (`{{{x}}}`), which would bypass HTML escaping.
 */
export function checkPlaceholders(template: string, kind: MessageKind): PlaceholderProblem[] {
  const allowed = new Set(PLACEHOLDERS[kind]);
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(template);
  } catch (err) {
    const msg = (err as Error).message;
    const line = /line (\d+)/.exec(msg);
    return [{ message: `placeholder syntax error: ${msg.split('\n')[0]}`, line: line ? Number(line[1]) : 1 }];
  }
  const problems: PlaceholderProblem[] = [];
  const checkPath = (node: hbs.AST.Expression, line: number) => {
    if (node.type !== 'PathExpression') return;
    const path = node as hbs.AST.PathExpression;
    if (path.data || path.parts.length !== 1 || !allowed.has(path.original)) {
      problems.push({
        message: `unknown placeholder {{${path.original}}}; allowed here: ${[...allowed].map((a) => `{{${a}}}`).join(', ')}`,
        line,
      });
    }
  };
  const visit = (program: hbs.AST.Program | undefined) => {
    for (const node of program?.body ?? []) {
      const line = node.loc?.start.line ?? 1;
      if (node.type === 'MustacheStatement') {
        const m = node as hbs.AST.MustacheStatement;
        if (!m.escaped) problems.push({ message: 'triple braces {{{…}}} are not allowed (they skip HTML escaping)', line });
        if (m.params.length || m.hash)
          problems.push({ message: `helpers are not allowed in placeholders: {{${(m.path as hbs.AST.PathExpression).original} …}}`, line });
        else checkPath(m.path as hbs.AST.Expression, line);
      } else if (node.type === 'BlockStatement') {
        const b = node as hbs.AST.BlockStatement;
        const name = (b.path as hbs.AST.PathExpression).original;
        if (!ALLOWED_BLOCKS.has(name)) problems.push({ message: `block {{#${name}}} is not allowed; use {{#if …}} or {{#unless …}}`, line });
        for (const p of b.params) checkPath(p, line);
        visit(b.program);
        visit(b.inverse);
      } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type === 'DecoratorBlock') {
        problems.push({ message: 'partials and decorators are not allowed in content', line });
      }
    }
  };
  visit(ast);
  return problems;
}
