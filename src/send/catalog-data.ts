import type { BuiltMessage } from '../build/index.ts';
import type { Course } from '../course/types.ts';
import { compileMessage, type CompilableMessage, type CompiledMessage } from '../personalize/index.ts';

/**
 * The catalog as plain data: what building every series produces, before Handlebars
 * compiles it. It crosses a process boundary as JSON, so the worker can send without
 * loading a renderer (React Email, MJML and their dependencies stay in a short-lived child;
 * see render-process.ts). This module must stay free of build/render imports.
 */
export interface CatalogEntryData {
  /** The rendered message with its placeholders intact. */
  message: CompilableMessage;
  sender: { name: string; email: string };
  subject: string;
}

export interface CatalogData {
  courses: Course[];
  /** By `seriesId/slug`. */
  lessons: Record<string, CatalogEntryData>;
  /** By series id. */
  confirms: Record<string, CatalogEntryData>;
}

export interface CatalogEntry {
  compiled: CompiledMessage;
  sender: { name: string; email: string };
  subject: string;
  /** Characters of HTML and text before filling: what a batch of this message weighs (see Worker's `batchChars`). */
  chars: number;
}

/** A message's characters, HTML and text: what the sending thread holds copies of for each recipient in flight. */
export const messageChars = (m: Pick<CompilableMessage, 'html' | 'text'>): number => m.html.length + m.text.length;

/**
 * Every series compiled once at worker start: lessons by (series, slug) and each series'
 * confirmation. Sending then only fills; nothing is rendered per recipient.
 */
export interface Catalog {
  courses: Map<string, Course>;
  lesson(seriesId: string, slug: string): CatalogEntry | undefined;
  confirm(seriesId: string): CatalogEntry | undefined;
}

/** The part of a built message the catalog keeps: what is compiled, and who it is from. */
export function entryData(built: BuiltMessage): CatalogEntryData {
  const { kind, subject, html, text, senderName, senderEmail } = built.message;
  return { message: { kind, subject, html, text }, sender: { name: senderName, email: senderEmail }, subject };
}

export function entryOf(built: BuiltMessage): CatalogEntry {
  return entryFromData(entryData(built));
}

export function entryFromData(data: CatalogEntryData): CatalogEntry {
  const { kind, subject, html, text } = data.message;
  return { compiled: compileMessage({ kind, subject, html, text }), sender: { ...data.sender }, subject: data.subject, chars: messageChars(data.message) };
}

export function catalogFromData(data: CatalogData): Catalog {
  const courses = new Map(data.courses.map((c) => [c.id, c]));
  const lessons = new Map(Object.entries(data.lessons).map(([key, e]) => [key, entryFromData(e)]));
  const confirms = new Map(Object.entries(data.confirms).map(([id, e]) => [id, entryFromData(e)]));
  return {
    courses,
    lesson: (seriesId, slug) => lessons.get(`${seriesId}/${slug}`),
    confirm: (seriesId) => confirms.get(seriesId),
  };
}
