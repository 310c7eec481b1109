/**
 * course: a series as data. Lessons in order, the delays between them and each step's
 * offset from confirmation, and the kinds of message a course sends.
 */
export type { CallToAction, Course, Delay, MessageKind, SendWindow, Step, Weekday } from './types.ts';
export { parseDelay, formatOffset } from './delay.ts';
export { LESSON_FILE, lessonOrder, toSteps, type Lesson } from './order.ts';
