export { CoursemailError, formatProblem, type Problem } from './problem.ts';
export { cached } from './cache.ts';
