/**
 * Offline email lint: advice shown in the preview, never a refusal (only the compliance
 * guard in src/render/guard.ts refuses). Pure functions over a message's parts.
 */
import { lintContrast } from './contrast.ts';
import { lintDocument } from './document.ts';
import { lintImages } from './images.ts';
import { lintInbox } from './inbox.ts';
import { lintLinks, lintUnfilled } from './links.ts';
import { lintPhoneWidth } from './phone-width.ts';
import type { LintInput, LintOptions, LintWarning } from './types.ts';

export function lintMessage(msg: LintInput, opts: LintOptions): LintWarning[] {
  return [
    ...(opts.filled ? lintUnfilled(msg) : []),
    ...lintInbox(msg.subject, msg.preheader),
    ...lintLinks(msg.html, opts),
    ...lintImages(msg.html),
    ...lintDocument(msg.html),
    ...lintContrast(msg.html),
    ...lintPhoneWidth(msg.html),
  ];
}

export { lintContrast, lintDocument, lintImages, lintInbox, lintLinks, lintPhoneWidth, lintUnfilled };
export { clientSupport, type ClientSupportIssue } from './client-support.ts';
export { adviceFor, clientName, type SupportAdvice } from './client-support-advice.ts';
export { contrastRatio, parseColor } from './color.ts';
export { CLAIM_RULES, claimRules, formatClaim, lintClaims, stripClaimMarkers, type ClaimFinding } from './claims.ts';
