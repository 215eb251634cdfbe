// Reads a JWT's payload for display (whoami). Decode only: the signature is not checked, because
// nothing is trusted or decided on these claims here; the API server verifies the token itself.

export type Claims = Record<string, unknown>;

/** The payload of a compact JWS, or undefined when the text is not one (an opaque token). */
export function decodeJwtPayload(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Claims) : undefined;
  } catch {
    return undefined;
  }
}
