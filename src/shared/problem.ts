/**
 * Validation everywhere returns a list of problems; the caller decides whether to throw.
 * A problem says what is wrong and where, so the author can fix every one in a single pass.
 */
export interface Problem {
  /** Stable identifier of the rule or check that failed, e.g. `frontmatter.subject`. */
  code: string;
  message: string;
  file?: string;
  line?: number;
  /** Field name, CSV column or JSON path the problem concerns. */
  field?: string;
}

export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : '';
  const field = p.field ? ` [${p.field}]` : '';
  return `${where ? `${where}: ` : ''}${p.message}${field}`;
}

/** The one error class users see. `code` lets callers branch; `problems` carries the full list. */
export class CoursemailError extends Error {
  readonly code: string;
  readonly problems: Problem[];

  constructor(code: string, message: string, problems: Problem[] = []) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}` : message);
    this.name = 'CoursemailError';
    this.code = code;
    this.problems = problems;
  }
}
