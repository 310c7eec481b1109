export { signToken, verifyToken, type TokenPurpose, type TokenPayload, type VerifyResult } from './token.ts';
export { signingSecret } from './secret.ts';
export { subscriberLinks, confirmUrl } from './links.ts';
export { devSigningSecret, type DevSecret } from './dev-secret.ts';
export { publicId, rowIdOf, type PublicKind } from './public-id.ts';
export { SAMPLE_LINK_KEY, isSampleToken } from './sample.ts';
