export { signToken, verifyToken, type TokenPurpose, type TokenPayload, type VerifyResult } from './token.ts';
export { signingSecret } from './secret.ts';
export { subscriberLinks, confirmUrl, CONFIRM_TTL_SECONDS } from './links.ts';
export { devSigningSecret, DEV_SECRET_FILE, type DevSecret } from './dev-secret.ts';
export { publicId, rowIdOf, type PublicKind } from './public-id.ts';
export { SAMPLE_LINK_KEY, isSampleToken } from './sample.ts';
