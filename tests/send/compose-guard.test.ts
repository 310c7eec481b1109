import { beforeAll, describe, expect, it } from 'vitest';
import { buildSeries, loadProject, type Project } from '../../src/build/index.ts';
import { compileMessage } from '../../src/personalize/index.ts';
import { composeMessage, type ComposeInput } from '../../src/send/compose.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { subscriberLinks } from '../../src/tokens/index.ts';
import { FIXTURE } from '../support/project.ts';

/**
 * The send-time guard runs the content rules once per template and `{{#if}}` branch choice
 * and the recipient's own rules on every message: a footer only one branch carries, or an
 * unsubscribe link that is not the recipient's, is still refused message by message.
 */
const SECRET = 's'.repeat(40);
let project: Project;
let message: { kind: 'lesson'; subject: string; html: string; text: string; senderName: string; senderEmail: string };

beforeAll(async () => {
  project = await loadProject(FIXTURE);
  const { built } = await buildSeries(project, 'physician-coaching');
  message = built!.steps[0]!.message as typeof message;
});

function compose(compiled: ComposeInput['compiled'], firstName: string | null, subscriberId = '7') {
  return composeMessage(project.config, {
    deliveryId: `d-${subscriberId}`,
    publicId: `p-${subscriberId}`,
    compiled,
    sender: { name: message.senderName, email: message.senderEmail },
    to: `r${subscriberId}@example.com`,
    firstName,
    links: subscriberLinks(project.config.publicUrl, SECRET, subscriberId),
    tags: { kind: 'lesson' },
    now: new Date('2026-12-02T15:00:00Z'),
  });
}

function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof CoursemailError) return err.problems.map((p) => p.code);
    throw err;
  }
  return [];
}

describe('send-time compliance guard', () => {
  it('a footer inside {{#if firstName}} passes for a named reader and is refused for an unnamed one, whichever comes first', () => {
    const wrap = (part: string) => `{{#if firstName}}${part}{{else}}Hello.{{/if}}`;
    const compiled = compileMessage({ ...message, html: wrap(message.html), text: wrap(message.text) });
    expect(compose(compiled, 'Ana').text).toContain('call or text 988');
    expect(refusal(() => compose(compiled, null, '8'))).toEqual(
      expect.arrayContaining(['compliance.disclaimer', 'compliance.crisis-line', 'compliance.unsubscribe']),
    );
    // A name of blanks is cleaned to nothing: the unnamed branch, refused too.
    expect(refusal(() => compose(compiled, '   ', '9'))).toContain('compliance.disclaimer');
    expect(compose(compiled, 'Ben', '10').html).toContain('988lifeline.org');
    const other = compileMessage({ ...message, html: wrap(message.html), text: wrap(message.text) });
    expect(refusal(() => compose(other, null, '11'))).toContain('compliance.crisis-line');
  });

  it('every message must carry its own reader’s unsubscribe link, in both parts', () => {
    const someoneElse = subscriberLinks(project.config.publicUrl, SECRET, '999').unsubscribeUrl;
    const fixed = compileMessage({ ...message, text: message.text.replaceAll('{{unsubscribeUrl}}', someoneElse) });
    expect(refusal(() => compose(fixed, 'Ana', '1'))).toEqual(['compliance.unsubscribe']);
    expect(refusal(() => compose(fixed, 'Ana', '2'))).toEqual(['compliance.unsubscribe']);
    // The untouched template passes for both.
    const fine = compileMessage(message);
    expect(refusal(() => compose(fine, 'Ana', '1'))).toEqual([]);
    expect(compose(fine, null, '2').headers['List-Unsubscribe']).toBe(`<${subscriberLinks(project.config.publicUrl, SECRET, '2').unsubscribeUrl}>`);
  });
});
