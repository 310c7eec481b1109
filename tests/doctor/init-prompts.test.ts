import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fromPrompts } from '../../src/cli/commands/init.ts';
import { waitFor } from '../support/wait.ts';

/** A terminal stand-in: what is typed goes to `input`; what the prompts draw is kept. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (d: Buffer) => (screen += d.toString()));
  return {
    input,
    output,
    screen: () => screen,
    async sees(text: string) {
      await waitFor(
        () => screen.includes(text),
        `"${text}" on the screen`,
        10_000,
        () => screen.slice(-500),
      );
    },
    /** Types a line and presses Enter once the prompt has drawn `prompt`. */
    async answer(prompt: string, line: string) {
      await this.sees(prompt);
      input.write(`${line}\r`);
    },
    /** The refused answer stays in the field: erase it, type the new one, Enter. */
    retype(old: string, line: string) {
      input.write('\x7f'.repeat(old.length));
      input.write(`${line}\r`);
    },
  };
}

describe('init on a terminal', () => {
  it('checks each answer as it is given, with the config schema’s rules, and asks again', async () => {
    const t = terminal();
    const answers = fromPrompts({}, { input: t.input, output: t.output });
    await t.answer('Sender name', 'Dr. Jane Rivera Coaching');
    await t.answer('Sender address', 'jane-at-nowhere');
    await t.sees('sender email must be a valid address');
    t.retype('jane-at-nowhere', 'jane@riveracoaching.net');
    await t.answer('Your name as the coach', 'Jane Rivera');
    await t.answer('Your credentials', 'MD, PCC');
    await t.answer('Postal address', 'Maine');
    await t.sees('a full postal address is required');
    t.retype('Maine', '200 Harbor Road, Suite 4, Portland, ME 04101, USA');
    await t.answer('Public URL', 'http://mail.riveracoaching.net');
    await t.sees('must start with https://');
    t.retype('http://mail.riveracoaching.net', 'https://mail.riveracoaching.net');
    await t.answer('Your website', 'https://riveracoaching.net');
    await t.answer('book a consultation', 'https://riveracoaching.net/book');
    await t.answer('test sends (optional)', '');
    await t.answer('How will mail be sent?', '');
    expect(await answers).toMatchObject({
      'sender-name': 'Dr. Jane Rivera Coaching',
      'sender-email': 'jane@riveracoaching.net',
      'coach-name': 'Jane Rivera',
      'coach-credentials': 'MD, PCC',
      'postal-address': '200 Harbor Road, Suite 4, Portland, ME 04101, USA',
      'public-url': 'https://mail.riveracoaching.net',
      'site-url': 'https://riveracoaching.net',
      'consultation-url': 'https://riveracoaching.net/book',
      transport: 'resend',
    });
  });
});
