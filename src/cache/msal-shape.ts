// Checks that a decoded MSAL cache has the shape msal-node 7 serialises before it is handed to
// TokenCache.deserialize, which trusts its input (a wrong type there crashes later, mid-login).

type FieldRule = 'string' | 'string?' | 'jsonObjects?' | 'stringMap?';

const SECTIONS: Record<string, Record<string, FieldRule>> = {
  Account: {
    home_account_id: 'string', environment: 'string', realm: 'string?', local_account_id: 'string?', username: 'string?',
    authority_type: 'string?', name: 'string?', client_info: 'string?', last_modification_time: 'string?',
    last_modification_app: 'string?', tenantProfiles: 'jsonObjects?',
  },
  IdToken: { home_account_id: 'string', environment: 'string', credential_type: 'string', client_id: 'string', secret: 'string', realm: 'string?' },
  AccessToken: {
    home_account_id: 'string', environment: 'string', credential_type: 'string', client_id: 'string', secret: 'string',
    realm: 'string?', target: 'string?', cached_at: 'string', expires_on: 'string', extended_expires_on: 'string?',
    refresh_on: 'string?', key_id: 'string?', token_type: 'string?', userAssertionHash: 'string?', resource: 'string?',
    additionalCacheKeyComponents: 'stringMap?',
  },
  RefreshToken: {
    home_account_id: 'string', environment: 'string', credential_type: 'string', client_id: 'string', secret: 'string',
    family_id: 'string?', target: 'string?', realm: 'string?',
  },
  AppMetadata: { client_id: 'string', environment: 'string', family_id: 'string?' },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Undefined when `text` is a well-formed MSAL cache, else what is wrong with it. */
export function msalCacheProblem(text: string): string | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!isObject(root)) return 'not a JSON object';
  for (const [section, rules] of Object.entries(SECTIONS)) {
    const entries = root[section];
    if (entries === undefined) continue;
    if (!isObject(entries)) return `${section} is not an object`;
    for (const entry of Object.values(entries)) {
      if (!isObject(entry)) return `${section} entry is not an object`;
      const bad = Object.entries(rules).find(([field, rule]) => !fits(entry[field], rule));
      if (bad) return `${section} entry has a bad ${bad[0]}`;
    }
  }
  return undefined;
}

function fits(v: unknown, rule: FieldRule): boolean {
  if (rule === 'string') return typeof v === 'string';
  if (v === undefined || v === null) return true;
  if (rule === 'string?') return typeof v === 'string';
  if (rule === 'stringMap?') return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
  return Array.isArray(v) && v.every((x) => {
    try {
      return typeof x === 'string' && isObject(JSON.parse(x));
    } catch {
      return false;
    }
  });
}
