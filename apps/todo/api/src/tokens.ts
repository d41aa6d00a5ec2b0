import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  tokenId: string;
  expiresAt: Date;
}

export interface VerifiedToken {
  userId: string;
  tokenId: string;
  expiresAt: Date;
}

// The one algorithm accepted: a token naming any other (none, RS256, …) is
// refused before its signature is looked at, which closes alg confusion.
const ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Bearer tokens: HS256 JWTs with issuer, audience, expiry and a token id (for revocation). */
export function tokenService(settings: TokenSettings) {
  const key = new TextEncoder().encode(settings.secret);
  return {
    async issue(userId: string): Promise<IssuedToken> {
      const tokenId = randomUUID();
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAt = new Date((issuedAt + settings.ttlSeconds) * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setJti(tokenId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, tokenId, expiresAt };
    },

    /** The token's claims, or undefined when it is malformed, forged, expired or for someone else. */
    async verify(token: string): Promise<VerifiedToken | undefined> {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
          clockTolerance: 5,
        });
        if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return undefined;
        if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return undefined;
        return { userId: payload.sub, tokenId: payload.jti, expiresAt: new Date(payload.exp * 1000) };
      } catch {
        return undefined;
      }
    },
  };
}

export type TokenService = ReturnType<typeof tokenService>;
