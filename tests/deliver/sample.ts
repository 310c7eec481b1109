import type { OutgoingMessage } from '../../src/send/transport.ts';

/** A message as the sending pipeline hands it over: both parts, both unsubscribe headers. */
export function sampleMessage(i: number, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const url = `https://coach.example.com/u/token-${i}`;
  return {
    id: `delivery-${i}`,
    publicId: samplePublicId(`delivery-${i}`),
    from: { name: 'Physician Coaching Practice', email: 'coach@coach.example.com' },
    replyTo: 'reply@coach.example.com',
    to: `subscriber${i}@example.org`,
    subject: `Lesson 1: the first conversation (${i})`,
    html: `<html><body><p>Hello Dr. ${i}</p><p><a href="${url}">Unsubscribe</a></p></body></html>`,
    text: `Hello Dr. ${i}\n\nUnsubscribe: ${url}\n`,
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    tags: { series: 'physician-coaching', step: '1' },
    date: new Date('2025-03-04T14:00:00Z'),
    ...over,
  };
}

/** What a sample message carries out (X-Coursemail-Delivery) in place of its row id. */
export function samplePublicId(id: string): string {
  return id.replace(/^delivery-/, 'public-');
}

export function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => i + from);
}
