/**
 * Masks camera passwords before text reaches a log, an error message, a Node-RED status or a
 * browser. Pure string work that never throws: it runs on malformed URLs and random log lines.
 *
 * The rule for where a password ends: the LAST `@` of the URL (of the whitespace-free run, in
 * free text). Camera passwords often hold unencoded `@`, `#`, `?` or `/`, and a URL that FFmpeg
 * cannot even parse still ends up in "cannot open" logs, so we would rather mask too much (an `@`
 * in a path hides the host too) than leak a password.
 */

const mask = '***';

/**
 * Query and path parameters that carry a secret. Cameras put them after `?`/`&`/`;`
 * (`?user=admin&password=…`, `?token=…`) or in the path between underscores (Dahua/XMeye style
 * `/user=admin_password=…_channel=1_stream=0.sdp`), so `_` and `/` also start one.
 */
const secretParamNames = [
  'password',
  'passwd',
  'passwort',
  'pass',
  'pwd',
  'pw',
  'psw',
  'secret',
  'token',
  'access_token',
  'auth',
  'authorization',
  'key',
  'apikey',
  'api_key',
  'api-key',
  'sig',
  'signature',
  'credentials',
];

/**
 * A secret parameter and its value. The value ends at `&`, whitespace or a quote, or where the next
 * `_name=` of the underscore style begins; anything else (`#`, `?`, `/`, `@`) stays inside it, so a
 * password holding them is masked whole rather than cut short.
 */
const secretParam = new RegExp(
  `([?&;_/])(${secretParamNames.join('|')})=([^&\\s"']*?)(?=_[a-z][a-z0-9]*=|[&\\s"']|$)`,
  'gi',
);

/**
 * Parameter values shorter than this are masked where they appear as a parameter, but not taken
 * as secrets to mask everywhere: `key=1` would otherwise turn every `1` of a log line into `***`.
 */
const minSecretParamLength = 4;

function redactParams(text: string): string {
  return text.replace(secretParam, (_match, start: string, name: string) => `${start}${name}=${mask}`);
}

/** The values of the secret parameters in `url`, as written. */
function paramSecrets(url: string): string[] {
  return [...url.matchAll(secretParam)]
    .map((m) => m[3] ?? '')
    .filter((v) => v.length >= minSecretParamLength);
}

/** `scheme://`, a user without `:` or `/`, `:`, then everything up to the last `@` of the run. */
const credentialsInText = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/]*):\S*@/gi;

/** Where the password of a URL lies, as `[start, end)`; undefined when it carries none. */
function passwordSpan(url: string): [number, number] | undefined {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return undefined;
  const authorityStart = schemeEnd + 3;
  const at = url.lastIndexOf('@');
  if (at < authorityStart) return undefined;
  const colon = url.indexOf(':', authorityStart);
  if (colon < 0 || colon > at) return undefined; // a user without a password
  if (url.slice(authorityStart, colon).includes('/')) return undefined; // `:` of a later part
  return [colon + 1, at];
}

/**
 * `rtsp://user:pass@host/x` → `rtsp://user:***@host/x`, `…?password=x` → `…?password=***`, and
 * `…/user=admin_password=x_channel=1` → `…/user=admin_password=***_channel=1`; anything else
 * comes back unchanged.
 */
export function redactUrl(url: string): string {
  const span = passwordSpan(url);
  return redactParams(span ? url.slice(0, span[0]) + mask + url.slice(span[1]) : url);
}

/**
 * The passwords of a URL (its `user:pass@` and its secret parameters) as written and as decoded
 * (`p%40ss` is also `p@ss`), to pass as {@link redactText}'s `secrets`; empty when it carries none.
 */
export function urlPasswords(url: string): string[] {
  const span = passwordSpan(url);
  const passwords = [...(span ? [url.slice(span[0], span[1])] : []), ...paramSecrets(url)];
  return [...new Set(passwords.filter((p) => p !== '').flatMap(withDecoded))];
}

function withDecoded(password: string): string[] {
  try {
    const decoded = decodeURIComponent(password);
    return decoded === password ? [password] : [password, decoded];
  } catch {
    // A lone `%` is not an escape; the password as written is all there is to mask.
    return [password];
  }
}

/**
 * Masks every `scheme://user:password@` and every secret parameter inside free text, then every
 * listed secret (longest first, so a secret that contains another is masked whole). Empty secrets
 * are ignored.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = text.replace(credentialsInText, (_match, scheme: string, user: string) => {
    return `${scheme}${user}:${mask}@`;
  });
  result = redactParams(result);
  const longestFirst = secrets.filter((s) => s !== '').sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) result = result.split(secret).join(mask);
  return result;
}
