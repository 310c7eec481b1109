/** Which converter reads the article. Everything is turned into Markdown blocks first. */
export type ArticleFormat = 'markdown' | 'html' | 'text';

/** A call-to-action found in the article: a "request one here" sentence turned into a button. */
export interface DraftCta {
  text: string;
  /** `link:consultation`, `link:cta-N`, or the https URL the article linked. */
  href: string;
  /** The sentence it replaced (Markdown), quoted in the warning. */
  sentence: string;
  /** A non-https target the sentence linked to, which the author must replace. */
  linkedTo?: string;
}

/**
 * One top-level Markdown block of the article. `markdown` is what a lesson body gets;
 * `text` is its plain reading, used for word counts, sentences and the heuristics.
 */
export interface Block {
  kind: 'heading' | 'paragraph' | 'list' | 'quote' | 'code' | 'rule' | 'table' | 'cta';
  markdown: string;
  text: string;
  depth?: number;
  cta?: DraftCta;
}

/** A run of blocks under one heading; `title` is absent for text before the first heading. */
export interface Section {
  title?: string;
  /** Level of the heading that opened it, so a merged-in title keeps its rank. */
  depth?: number;
  blocks: Block[];
  /** Set when a long section was cut: this is part `index` of `of`. */
  part?: { index: number; of: number };
  /** How many headed sections of the article it holds (a merge joins at most two). */
  headed?: number;
  /** What the drafter did to it and why, for the report: "\"Caffeine\" (25 words, …) was merged in". */
  notes?: string[];
}

/** A name the author must give a URL in config (`links.NAME`), with the text that links to it. */
export interface LinkTodo {
  name: string;
  text: string;
}

export interface WordBudget {
  min: number;
  max: number;
}

export interface DraftOptions {
  /** Used for format detection (extension) and messages. */
  fileName: string;
  engine: 'react' | 'mjml';
  /** Delay between lessons, e.g. `2d`; lesson 1 is always `0d`. */
  every: string;
  words: WordBudget;
  /** A headed section under this many words joins a neighbour (default 40); at or above it, it stays a lesson. */
  mergeBelow?: number;
}

export interface DraftLesson {
  number: number;
  /** `NN-slug.md` */
  fileName: string;
  slug: string;
  subject: string;
  preheader: string;
  delay: string;
  offsetMinutes: number;
  words: number;
  cta?: { text: string; href: string };
  /** The whole file: frontmatter and body. */
  content: string;
}

export interface Draft {
  title: string;
  description: string;
  format: ArticleFormat;
  lessons: DraftLesson[];
  linksTodo: LinkTodo[];
  /** The whole `series.yaml`. */
  seriesYaml: string;
  warnings: string[];
}
