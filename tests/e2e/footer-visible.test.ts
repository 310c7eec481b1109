import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBroadcastSlugs, loadBroadcast } from '../../src/broadcast/index.ts';
import { buildSeries, loadProject, renderChecked, type Project } from '../../src/build/index.ts';
import { resolveCta } from '../../src/content/index.ts';
import { CRISIS_FRAGMENTS, DISCLAIMER } from '../../src/render/footer.ts';
import type { Engine, RenderedMessage } from '../../src/render/render-message.ts';
import { fillMessage, sampleRecipient } from '../../src/send/test-send.ts';
import type { Problem } from '../../src/shared/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { tempProject, writeFile } from '../support/project.ts';

const SERIES = 'physician-coaching';
const ENGINES: Engine[] = ['react', 'mjml'];

/**
 * Lessons written to hide the footer, each ending its body with raw HTML (the sanitizer must
 * close or drop it before the footer). The last line of each is what a reader would lose.
 */
const HOSTILE: Record<string, string> = {
  'style-element': '<style>p, td, div, a { display: none !important; color: #fff !important; }</style>',
  'unclosed-div-display': '<div style="display:none">',
  'unclosed-template': '<template>',
  'unclosed-title': '<title>',
  'open-comment': '<!-- the rest is a comment',
  'hidden-attribute': '<div hidden>',
  'opacity-zero': '<div style="opacity:0">',
  'off-screen': '<div style="position:absolute;left:-10000px;top:-10000px">',
  'max-height-overflow': '<div style="max-height:0;overflow:hidden">',
  'zero-font-size': '<div style="font-size:0;line-height:0">',
  'colour-equals-background': '<div style="color:#ffffff;background-color:#ffffff"><span style="color:#fff">',
  'unclosed-textarea': '<textarea>',
  'unclosed-table-cell': '<table><tr><td style="display:none">',
  'unclosed-link-script-url': '<a href="javascript:document.body.remove()" style="display:none">',
  'script-handlers-form-frame':
    '<script>document.querySelectorAll("p").forEach(p => p.remove())</script><img src="https://x.invalid/a.png" onerror="this.parentNode.remove()"><form action="https://evil.invalid"><input name="pw"><button>Go</button></form><iframe src="data:text/html,hi"></iframe>',
  'unclosed-xmp-noscript': '<noscript><xmp>',
  'mjml-break-out': '</div></mj-text></mj-column></mj-section><mj-raw><div style="display:none"></mj-raw>',
  'clip-and-transform': '<div style="clip-path:inset(50%);transform:scale(0);height:0;visibility:hidden">',
};

interface Rendered {
  name: string;
  html: string;
}

let project: Project;
let browser: Browser;
let page: Page;
let root: string;
const course: Rendered[] = [];
const hostile: { name: string; file: string; engine: Engine; html?: string; problems: Problem[] }[] = [];

const fill = (m: RenderedMessage) => fillMessage(m, sampleRecipient(project.config, 'named')).html;

beforeAll(async () => {
  root = tempProject();
  // One series each: a series with a refused lesson builds nothing, and each lesson is judged alone.
  const files = Object.entries(HOSTILE).map(([name, html]) => {
    const series = `hostile-${name}`;
    const file = `series/${series}/01-${name}.md`;
    writeFile(
      root,
      file,
      `---\nsubject: Hostile ${name}\npreheader: A lesson that tries to hide the footer.\ndelay: 0d\n---\n\nA normal first paragraph.\n\n${html}\n`,
    );
    writeFileSync(
      join(root, `series/${series}/series.yaml`),
      'title: Hostile lessons\ndescription: It tries to hide the footer.\ntimezone: America/New_York\n',
    );
    return { name, series, file };
  });
  [project, browser] = await Promise.all([loadProject(root), launchBrowser()]);
  // Mail clients run no script: neither does this page.
  page = await browser.newPage({ viewport: { width: 800, height: 1000 }, javaScriptEnabled: false });
  await page.route('**/*', (r) => r.abort());

  for (const engine of ENGINES) {
    const built = await buildSeries(project, SERIES, { engine });
    if (!built.built) throw new Error(`${SERIES} (${engine}) does not build: ${JSON.stringify(built.problems)}`);
    for (const s of built.built.steps) course.push({ name: `${engine} lesson ${s.step.step}`, html: fill(s.message) });
    course.push({ name: `${engine} confirmation`, html: fill(built.built.confirm.message) });
    for (const slug of listBroadcastSlugs(root)) {
      const { parsed } = await loadBroadcast(project, slug);
      const b = await renderChecked(project, {
        kind: 'broadcast',
        engine,
        subject: parsed!.subject,
        preheader: parsed!.preheader,
        body: parsed!.body,
        cta: resolveCta(parsed!.cta, project.resolveLink),
      });
      course.push({ name: `${engine} broadcast ${slug}`, html: fill(b.message) });
    }

    for (const { name, series, file } of files) {
      const h = await buildSeries(project, series, { engine });
      const step = h.built?.steps[0];
      hostile.push({ name, file, engine, html: step && fill(step.message), problems: h.problems.filter((p) => p.file === file) });
    }
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Every sentence of the footer a reader must be able to read. */
function footerPhrases(): string[] {
  return [...DISCLAIMER.split(/(?<=\.)\s+/), ...CRISIS_FRAGMENTS.map((f) => f.text), project.config.sender.name, project.config.postalAddress, 'Unsubscribe'];
}

interface Seen {
  phrase: string;
  problems: string[];
}

/**
 * In the page: for each phrase, the last element holding it whole (the footer comes last),
 * judged with what it holds as a person would see it: laid out with area, inside the page
 * and every clipping ancestor, opacity ≥ 0.5, visible, text ≥ 10 px, contrast ≥ 4.5:1.
 */
async function judge(html: string): Promise<{ seen: Seen[]; active: string[] }> {
  await page.setContent(html, { waitUntil: 'load' });
  return page.evaluate((phrases) => {
    const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
    };
    const background = (el: Element): number[] => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3]! > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const docWidth = Math.max(document.documentElement.scrollWidth, innerWidth);
    const problemsOf = (el: Element): string[] => {
      const out: string[] = [];
      const tag = `<${el.tagName.toLowerCase()}>`;
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      if (rect.width * rect.height < 1) out.push(`${tag} has no area`);
      if (rect.right <= 0 || rect.bottom <= 0 || rect.left >= docWidth) out.push(`${tag} is off the page`);
      if (style.visibility !== 'visible') out.push(`${tag} visibility ${style.visibility}`);
      let opacity = 1;
      for (let e: Element | null = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        opacity *= Number(s.opacity);
        if (e !== el && (s.overflowX !== 'visible' || s.overflowY !== 'visible' || s.clipPath !== 'none')) {
          const r = e.getBoundingClientRect();
          if (rect.left < r.left - 1 || rect.right > r.right + 1 || rect.top < r.top - 1 || rect.bottom > r.bottom + 1 || s.clipPath !== 'none')
            out.push(`${tag} is clipped by <${e.tagName.toLowerCase()}>`);
        }
        if (s.transform !== 'none' && /matrix\(0, 0, 0, 0/.test(s.transform)) out.push(`${tag} is scaled to nothing`);
      }
      if (opacity < 0.5) out.push(`${tag} opacity ${opacity}`);
      const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (hasText) {
        const size = parseFloat(style.fontSize);
        if (size < 10) out.push(`${tag} font-size ${size}px`);
        const fg = rgb(style.color);
        const [l1, l2] = [lum(fg), lum(background(el))].sort((a, b) => b - a);
        const ratio = (l1! + 0.05) / (l2! + 0.05);
        if (ratio < 4.5) out.push(`${tag} contrast ${ratio.toFixed(2)}:1 (${style.color} on rgb(${background(el).join(', ')}))`);
      }
      return out;
    };

    const all = Array.from(document.body.querySelectorAll('*'));
    const seen = phrases.map((phrase) => {
      const holders = all.filter(
        (el) => collapse(el.textContent ?? '').includes(phrase) && !Array.from(el.children).some((c) => collapse(c.textContent ?? '').includes(phrase)),
      );
      const el = holders.at(-1);
      if (!el) return { phrase, problems: ['not in the page'] };
      return { phrase, problems: [el, ...Array.from(el.querySelectorAll('*'))].filter((e) => collapse(e.textContent ?? '')).flatMap(problemsOf) };
    });

    const active: string[] = [];
    for (const el of Array.from(document.querySelectorAll('script, iframe, frame, object, embed, form, input, button, textarea, select')))
      active.push(`<${el.tagName.toLowerCase()}>`);
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) active.push(`${a.name}= on <${el.tagName.toLowerCase()}>`);
        if (['href', 'src', 'action'].includes(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) active.push(`${a.name}=${a.value.slice(0, 20)}`);
      }
    }
    return { seen, active };
  }, footerPhrases());
}

const unseen = (seen: Seen[]) => seen.filter((s) => s.problems.length).map((s) => `“${s.phrase}”: ${[...new Set(s.problems)].join('; ')}`);

describe('every footer phrase is visible to a person, in Chromium', () => {
  it('in every message of the course: each lesson, the confirmation and each broadcast, with both engines', { timeout: 120_000 }, async () => {
    expect(course.length).toBe(2 * (5 + 1 + listBroadcastSlugs(root).length));
    for (const m of course) {
      const { seen, active } = await judge(m.html);
      expect(unseen(seen), m.name).toEqual([]);
      expect(active, m.name).toEqual([]);
    }
  });

  it(`in ${Object.keys(HOSTILE).length} hostile lessons with both engines, or the lesson is refused naming its file`, { timeout: 180_000 }, async () => {
    expect(hostile.length).toBe(2 * Object.keys(HOSTILE).length);
    for (const h of hostile) {
      const label = `${h.engine} ${h.name}`;
      if (!h.html) {
        expect(h.problems.length, `${label}: neither built nor refused by name`).toBeGreaterThan(0);
        continue;
      }
      const { seen, active } = await judge(h.html);
      expect(unseen(seen), label).toEqual([]);
      expect(active, label).toEqual([]);
      expect(h.html, label).not.toMatch(/<(script|iframe|form|input|textarea|object|embed)\b|\son[a-z]+\s*=|(javascript|data):/i);
    }
  });
});
