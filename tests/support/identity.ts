// Apart from project.ts (which hooks into vitest) so that bench/ can use it too.

/** A sender, address and URLs a real send (smtp, resend) accepts: the example's are placeholders. */
export function realIdentity(c: Record<string, unknown>): void {
  Object.assign(c, {
    sender: { name: 'Lee Coaching', email: 'lee@leecoaching.org' },
    coach: { name: 'Dr. Lee Park', credentials: 'MD, certified physician coach' },
    postalAddress: '12 Harbor Road, Suite 3, Portland, ME 04101, USA',
    siteUrl: 'https://leecoaching.org',
    publicUrl: 'https://mail.leecoaching.org',
    consultationUrl: 'https://leecoaching.org/book',
    // Every link the course names, on the real-looking domain: a placeholder one is refused too.
    links: Object.fromEntries(
      Object.keys((c.links as Record<string, string> | undefined) ?? { 'coaching-for-physicians': '' }).map((k) => [k, `https://leecoaching.org/${k}`]),
    ),
  });
}
