import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

/** The host product's own OIDC issuer, whose access tokens the hub accepts. */
export interface TrustedIssuerOptions {
  issuer: string;
  audience: string;
  /** Default: `jwks_uri` from the issuer's `/.well-known/openid-configuration`. */
  jwksUrl?: string;
}

/** Asymmetric algorithms only: an HMAC token "signed" with the public key never passes. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface TrustedIssuer {
  readonly issuer: string;
  /** The verified claims, or null (bad signature, wrong issuer or audience, expired, ...). */
  verify(token: string): Promise<(JWTPayload & { sub: string }) | null>;
}

export function createTrustedIssuer(options: TrustedIssuerOptions): TrustedIssuer {
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keys = () => {
    jwks ??= (async () => {
      let url = options.jwksUrl;
      if (!url) {
        const discovery = await fetch(
          `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        );
        if (!discovery.ok)
          throw new Error(`OIDC discovery of ${options.issuer} answered ${discovery.status}`);
        url = ((await discovery.json()) as { jwks_uri?: string }).jwks_uri;
        if (!url) throw new Error(`OIDC discovery of ${options.issuer} has no jwks_uri`);
      }
      return createRemoteJWKSet(new URL(url));
    })().catch((error) => {
      jwks = undefined;
      throw error;
    });
    return jwks;
  };
  return {
    issuer: options.issuer,
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await keys(), {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALGORITHMS,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: 5,
        });
        return typeof payload.sub === 'string' && payload.sub !== ''
          ? (payload as JWTPayload & { sub: string })
          : null;
      } catch {
        return null;
      }
    },
  };
}
