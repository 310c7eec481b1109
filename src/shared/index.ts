export { CoursemailError, formatProblem, type Problem } from './problem.ts';
