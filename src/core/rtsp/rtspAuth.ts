import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface RtspCredentials {
  username: string;
  password: string;
}

const realm = 'camera-mosaic';
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Basic and Digest authentication of RTSP requests (RFC 2326 §D.2 borrows HTTP's: RFC 2617,
 * with MD5 as RFC 7616 keeps it), since NVRs and players use either. Digest nonces are a random
 * value and its HMAC under a per-server key, so no nonce table grows with strangers' requests;
 * they stay valid for the server's life, because players send the same nonce with every
 * keep-alive for as long as they play.
 */
export class RtspAuth {
  private readonly nonceKey = randomBytes(32);
  private readonly expectedBasic: Buffer;

  constructor(private readonly credentials: RtspCredentials) {
    this.expectedBasic = sha256(`${credentials.username}:${credentials.password}`);
  }

  /** The two challenges of a 401, Digest first: clients pick the strongest they know anyway. */
  challenges(): string[] {
    return [`Digest realm="${realm}", nonce="${this.newNonce()}", algorithm=MD5`, `Basic realm="${realm}"`];
  }

  /** True when `authorization` (the header's value) proves the configured credentials. */
  accepts(method: string, authorization: string | undefined): boolean {
    if (authorization === undefined) return false;
    const space = authorization.indexOf(' ');
    if (space === -1) return false;
    const scheme = authorization.slice(0, space).toLowerCase();
    const rest = authorization.slice(space + 1).trim();
    if (scheme === 'basic') return this.acceptsBasic(rest);
    if (scheme === 'digest') return this.acceptsDigest(method, rest);
    return false;
  }

  private acceptsBasic(token: string): boolean {
    if (!/^[A-Za-z0-9+/]+=*$/.test(token)) return false;
    // Hashed first: timingSafeEqual needs equal lengths, and the hashes say nothing of them.
    return timingSafeEqual(sha256(Buffer.from(token, 'base64').toString('utf8')), this.expectedBasic);
  }

  /** RFC 2617 §3.2.2: with `qop=auth` when the client sends one, else the RFC 2069 form. */
  private acceptsDigest(method: string, text: string): boolean {
    const p = digestParams(text);
    const { username, nonce, uri, response } = p;
    if (username === undefined || nonce === undefined || uri === undefined || response === undefined)
      return false;
    if (p.realm !== realm || !this.isOurNonce(nonce)) return false;
    if (p.algorithm !== undefined && p.algorithm.toUpperCase() !== 'MD5') return false;
    if (username !== this.credentials.username) return false;
    const ha1 = md5(`${username}:${realm}:${this.credentials.password}`);
    const ha2 = md5(`${method}:${uri}`);
    let expected: string;
    if (p.qop === undefined) {
      expected = md5(`${ha1}:${nonce}:${ha2}`);
    } else if (p.qop === 'auth' && p.nc !== undefined && p.cnonce !== undefined) {
      expected = md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    } else {
      return false;
    }
    return timingSafeEqual(sha256(response.toLowerCase()), sha256(expected));
  }

  private newNonce(): string {
    const value = randomBytes(12).toString('hex');
    return value + this.nonceMac(value);
  }

  private isOurNonce(nonce: string): boolean {
    if (!/^[0-9a-f]{56}$/.test(nonce)) return false;
    return timingSafeEqual(Buffer.from(this.nonceMac(nonce.slice(0, 24))), Buffer.from(nonce.slice(24)));
  }

  private nonceMac(value: string): string {
    return createHmac('sha256', this.nonceKey).update(value).digest('hex').slice(0, 32);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** `k="v", k=v, …` (RFC 2617 §3.2.2) into a record; unknown keys are kept and ignored. */
function digestParams(text: string): Record<string, string | undefined> {
  // No prototype: a stranger's `__proto__=…` must stay a plain key.
  const params = Object.create(null) as Record<string, string | undefined>;
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const match of text.slice(0, 2048).matchAll(pattern)) {
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return params;
}
