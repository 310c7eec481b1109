import type { BroadcastProps } from '../Broadcast.tsx';
import { mjmlLayout } from './Layout.ts';

export function broadcastMjml({ subject, preheader, bodyHtml, cta, footer }: BroadcastProps): string {
  return mjmlLayout({ title: subject, preheader, contentHtml: bodyHtml, cta, footer });
}
