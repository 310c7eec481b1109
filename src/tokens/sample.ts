import { isSignedWith, type TokenPurpose } from './token.ts';

/**
 * The key sample readers' links are signed with (previews and test sends): real links'
 * length and shape, so sizes and line wraps are true to life, but a key no server signs
 * real links with, so a sample link can never unsubscribe or confirm anyone.
 */
export const SAMPLE_LINK_KEY = 'coursemail-preview-sample-links-are-not-valid-anywhere';

/** True for a link made for a sample reader: the server answers it with the test-send page. */
export function isSampleToken(purpose: TokenPurpose, token: string): boolean {
  // Only the signature counts: a sample reader has no row id, and a confirmation test send
  // opened a week later (expired) is still a test.
  return isSignedWith(purpose, token, SAMPLE_LINK_KEY);
}
