/** `coursemail init`: the questions a new project's config needs, and writing it. */
export { QUESTIONS, TRANSPORTS, type Question, type TransportChoice } from './questions.ts';
export { assertWritable, writeProject, type InitAnswers } from './write.ts';
