import type { BroadcastProps } from '../Broadcast.tsx';
import { mjmlLayout } from './Layout.ts';

export function broadcastMjml({ preheader, bodyHtml, cta, footer }: BroadcastProps): string {
  return mjmlLayout({ preheader, contentHtml: bodyHtml, cta, footer });
}
