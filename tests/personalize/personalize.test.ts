import { describe, expect, it } from 'vitest';
import { buildSeries, loadProject } from '../../src/build/index.ts';
import { compileMessage, personalize } from '../../src/personalize/index.ts';
import { markdownToEmailHtml } from '../../src/render/markdown.ts';
import { complianceChecklist } from '../../src/render/guard.ts';
import { tempProject } from '../support/project.ts';

const recipient = (firstName: string | null) => ({
  firstName,
  unsubscribeUrl: 'https://example.com/u/tok?a=1&b=2',
  preferencesUrl: 'https://example.com/p/tok',
});

describe('render once, fill per recipient', async () => {
  const project = await loadProject(tempProject());
  const { built } = await buildSeries(project, 'physician-coaching');
  const lesson = built!.steps[0]!.message;
  const compiled = compileMessage(lesson);

  it('escapes a hostile first name in HTML and keeps it verbatim in text', () => {
    const filled = personalize(compiled, recipient('<script>alert(1)</script>'));
    expect(filled.html).not.toContain('<script>alert(1)</script>');
    expect(filled.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(filled.text).toContain('Hi <script>alert(1)</script>,');
  });

  it('falls back to a neutral greeting without a first name', () => {
    for (const name of [null, '', '   ']) {
      const filled = personalize(compiled, recipient(name));
      expect(filled.text).toContain('Hello,');
      expect(filled.text).not.toMatch(/Hi\s*,/);
      expect(filled.html).not.toMatch(/Hi\s*,/);
    }
  });

  it('fills the unsubscribe URL into href and text, and the filled message passes the guard', () => {
    const filled = personalize(compiled, recipient('Ana'));
    expect(filled.html).toContain('href="https://example.com/u/tok?a&#x3D;1&amp;b&#x3D;2"');
    expect(filled.text).toContain('https://example.com/u/tok?a=1&b=2');
    expect(filled.html).not.toContain('{{');
    expect(filled.text).not.toContain('{{');
    const checks = complianceChecklist(filled, {
      footer: { senderName: lesson.senderName, postalAddress: project.config.postalAddress },
      unsubscribeUrl: 'https://example.com/u/tok?a=1&b=2',
    });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('CR/LF in a name cannot reach the subject as a header break', () => {
    const c = compileMessage({ kind: 'lesson', subject: 'For {{firstName}}', html: '<p>x</p>', text: 'x' });
    const filled = personalize(c, recipient('Eve\r\nBcc: victim@example.com'));
    expect(filled.subject).toBe('For Eve Bcc: victim@example.com');
    expect(filled.subject).not.toMatch(/[\r\n]/);
  });

  it('keeps plain-text headings as written (no {{FIRSTNAME}})', () => {
    const c = compileMessage({ kind: 'lesson', subject: 's', html: '', text: '' });
    expect(c).toBeTruthy();
    expect(lesson.text).not.toContain('FIRSTNAME');
  });
});

describe('markdown keeps placeholders intact', () => {
  it('inside link targets and text', () => {
    const html = markdownToEmailHtml('[Leave]({{unsubscribeUrl}}) and {{firstName}}', () => undefined);
    expect(html).toContain('href="{{unsubscribeUrl}}"');
    expect(html).not.toContain('%7B');
    expect(html).toContain('{{firstName}}');
  });
  it('an unresolved link:NAME is plain text, a resolved one a link', () => {
    const html = markdownToEmailHtml('See [the page](link:a) and [other](link:b).', (n) => (n === 'a' ? 'https://a.example/x' : undefined));
    expect(html).toContain('<a href="https://a.example/x"');
    expect(html).toContain('and other.');
  });
});
