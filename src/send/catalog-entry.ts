import type { Course } from '../course/index.ts';
import { compileMessage, type CompiledMessage } from '../personalize/index.ts';
import type { RenderedMessage } from '../render/render-message.ts';

/** A compiled message of the catalog: the worker only fills it per reader (no rendering), wherever it came from. */
export interface CatalogEntry {
  compiled: CompiledMessage;
  sender: { name: string; email: string };
  subject: string;
}

/**
 * Every series compiled once: lessons by (series, slug) and each series' confirmation.
 * Sending then only fills; nothing is rendered per recipient.
 */
export interface Catalog {
  courses: Map<string, Course>;
  lesson(seriesId: string, slug: string): CatalogEntry | undefined;
  confirm(seriesId: string): CatalogEntry | undefined;
  /** Brings the catalog up to date with its sources, or throws: the worker calls it before each pass and batch. */
  refresh?(): Promise<void>;
}

/** A rendered message, placeholders unfilled. */
export type RenderedParts = Pick<RenderedMessage, 'kind' | 'subject' | 'html' | 'text' | 'senderName' | 'senderEmail'>;

export function entryOf({ kind, subject, html, text, senderName, senderEmail }: RenderedParts): CatalogEntry {
  return { compiled: compileMessage({ kind, subject, html, text }), sender: { name: senderName, email: senderEmail }, subject };
}
