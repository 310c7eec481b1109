import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/build/index.ts';
import { bodyWarnings } from '../../src/render/body-warnings.ts';
import { complianceChecklist } from '../../src/render/guard.ts';
import { markdownToEmailHtml } from '../../src/render/markdown.ts';
import { startPreview } from '../../src/server/preview/index.ts';
import { renderMessage } from '../../src/render/render-message.ts';
import { FIXTURE, runCli, tempProject, writeFile } from '../support/project.ts';

const noLinks = () => undefined;
const md = (text: string) => markdownToEmailHtml(text, noLinks);

describe('author HTML is sanitized for email', () => {
  it('drops script, style, template, title, frames, forms and event handlers, keeping the text around them', () => {
    const out = md(
      'Before <b onclick="x()">bold</b>\n\n<script>alert(1)</script><style>p{display:none}</style><iframe src="https://x.org"></iframe><form><input name="a"></form><template>t</template><object>o</object><meta http-equiv="refresh"><link rel="stylesheet" href="https://x.org/s.css">\n\nAfter',
    );
    expect(out).toContain('<b>bold</b>');
    expect(out).toContain('After');
    expect(out).not.toMatch(/<(script|style|iframe|form|input|template|object|meta|link|title)\b|onclick|alert|display:none/);
  });

  it('keeps only http(s), mailto, tel and sms URLs, and placeholders', () => {
    const out = md(
      '[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) [d](/relative) [e](https://a.org) [f](mailto:a@b.org) [g](tel:988) [h](sms:988) [i]({{unsubscribeUrl}}) ![j](data:image/png;base64,AA) <a href=" JaVaScRiPt:x">k</a>',
    );
    const hrefs = [...out.matchAll(/(href|src)="([^"]*)"/g)].map((m) => m[2]);
    expect(hrefs).toEqual(['https://a.org', 'mailto:a@b.org', 'tel:988', 'sms:988', '{{unsubscribeUrl}}']);
  });

  it('drops author style attributes: every element wears the templates’ style only', () => {
    const out = md('<p style="font-size:0;color:#fff">tiny</p>\n\n<span style="display:none">gone?</span> text\n\n<h1 style="opacity:0">Title</h1>');
    expect(out).not.toMatch(/font-size:0|#fff\b|display:none|opacity/);
    expect(out).toMatch(/<p style="margin:0 0 16px;[^"]*font-size:16px[^"]*">tiny<\/p>/);
    expect(out).toMatch(/<h2 style="[^"]*font-size:20px[^"]*">Title<\/h2>/);
  });

  it('closes what the author leaves open at the end of the author block, and ends an open comment there', () => {
    for (const tail of ['<div style="display:none">', '<table><tr><td>', '<a href="https://x.org">', '<blockquote><ul><li>']) {
      const out = md(`Text\n\n${tail}\n\nmore`);
      const opened = [...out.matchAll(/<(div|table|tr|td|a|blockquote|ul|li)\b/g)].length;
      const closed = [...out.matchAll(/<\/(div|table|tr|td|a|blockquote|ul|li)>/g)].length;
      expect(closed, tail).toBe(opened);
    }
    expect(md('Text <!-- never closed\n\nmore')).not.toContain('<!--');
  });
});

describe('the guard judges where the footer sits in the rendered email', () => {
  it('refuses a footer inside the author block, before it, twice, or without the 988 links; and anything that could run', async () => {
    const project = await loadProject(FIXTURE);
    const real = await renderMessage({ kind: 'lesson', engine: 'react', subject: 'S', preheader: 'P', body: 'Hello' }, project);
    const ctx = { footer: { senderName: real.senderName, postalAddress: project.config.postalAddress }, unsubscribeUrl: '{{unsubscribeUrl}}' };
    const failed = (html: string) =>
      complianceChecklist({ html, text: real.text }, ctx)
        .filter((c) => !c.ok)
        .map((c) => c.rule);
    expect(failed(real.html)).toEqual([]);

    const footerStart = real.html.lastIndexOf('<table', real.html.indexOf('data-compliance-footer'));
    const footerEnd = real.html.indexOf('</table>', real.html.lastIndexOf('{{preferencesUrl}}')) + '</table>'.length;
    const footer = real.html.slice(footerStart, footerEnd);
    const without = real.html.slice(0, footerStart) + real.html.slice(footerEnd);
    expect(failed(without.replace('<div data-author-content="true">', `<div data-author-content="true">${footer}`))).toEqual(['footer-placement']);
    expect(failed(without.replace('<div data-author-content="true">', `${footer}<div data-author-content="true">`))).toEqual(['footer-placement']);
    expect(failed(real.html.replace(footer, footer + footer))).toContain('footer-placement');
    expect(failed(real.html.replace('href="tel:988"', 'href="https://988lifeline.org/call"'))).toEqual(['crisis-line']);
    expect(failed(real.html.replace('Hello', 'Hello<script>x()</script><img src="https://a.org/i.png" onerror="x()"><a href="javascript:x()">j</a>'))).toEqual([
      'safe-html',
    ]);
  });
});

describe('what was removed and links with no URL are warnings with file:line', () => {
  it('names each removal and unclosed element at its line of the body', () => {
    const w = bodyWarnings('Hi\n\n<div style="display:none" onclick="x()">\n\ntext [more](link:missing)\n\n<style>\np{}\n</style>\n\n<title>\n', noLinks);
    expect(w.map((x) => [x.line, x.message.split(':')[0]])).toEqual([
      [3, 'style="display'],
      [3, 'onclick= removed from <div>'],
      [3, '<div> is never closed'],
      [5, 'link'],
      [7, '<style> removed with its content'],
      [11, '<title> removed with its content'],
      [11, '<title> is never closed'],
    ]);
    expect(w.find((x) => x.code === 'link.missing')).toMatchObject({
      field: 'links.missing',
      message: 'link:missing has no URL, so it shows as plain text: set its URL in coursemail.config.json',
    });
  });

  it('`coursemail check` prints them with file:line and still passes', async () => {
    // One link the course names is left without a URL, as a new project's config would.
    const root = tempProject({ config: (c) => delete (c.links as Record<string, string>).compartmentalization });
    const file = 'series/physician-coaching/01-what-coaching-is.md';
    const text = readFileSync(join(root, file), 'utf8');
    const lines = text.split('\n').length;
    writeFile(root, file, `${text.trimEnd()}\n\n<div style="display:none">\n`);
    const five = 'series/physician-coaching/05-the-bottom-line.md';
    writeFile(root, five, readFileSync(join(root, five), 'utf8').replace('href: "link:consultation"', 'href: "link:booking"'));
    const { code, err } = await runCli(['check', '--root', root]);
    expect(code).toBe(0);
    expect(err).toContain(`${file}:${lines + 1}: style="display:none" removed from <div>`);
    expect(err).toContain(`${file}:${lines + 1}: <div> is never closed: closed at the end of the message body`);
    expect(err).toContain(`${five}: the cta's link:booking has no URL, so no button is shown: set its URL in coursemail.config.json [links.booking]`);
    expect(err).toMatch(
      /series\/physician-coaching\/03-coaching-vs-therapy\.md:\d+: link:compartmentalization has no URL, so it shows as plain text: set its URL in coursemail\.config\.json \[links\.compartmentalization\]/,
    );
  });

  it('the preview lists them in the email page’s lint panel', async () => {
    const root = tempProject();
    const file = 'series/physician-coaching/02-what-the-evidence-shows.md';
    const text = readFileSync(join(root, file), 'utf8');
    writeFile(root, file, `${text.trimEnd()}\n\n<span style="font-size:0">[gone](link:nowhere)\n`);
    const line = text.trimEnd().split('\n').length + 2;
    const preview = await startPreview({ root, port: 0, watch: false });
    try {
      const page = await (await fetch(`${preview.url}/series/physician-coaching/2`)).text();
      const lint = page.slice(page.indexOf('data-testid="lint"'));
      expect(lint).toContain(`${file}:${line}: style=&quot;font-size:0&quot; removed from &lt;span&gt;`);
      expect(lint).toContain(`${file}:${line}: link:nowhere has no URL, so it shows as plain text: set its URL in coursemail.config.json [links.nowhere]`);
    } finally {
      await preview.close();
    }
  });
});
