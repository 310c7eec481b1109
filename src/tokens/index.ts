export { signToken, verifyToken, type TokenPurpose, type TokenPayload, type VerifyResult } from './token.ts';
export { signingSecret } from './secret.ts';
export { subscriberLinks, confirmUrl, CONFIRM_TTL_SECONDS } from './links.ts';
export { SAMPLE_LINK_KEY, isSampleToken } from './sample.ts';
