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

/** `rtsp://user:pass@host/x` → `rtsp://user:***@host/x`; anything else comes back unchanged. */
export function redactUrl(url: string): string {
  const span = passwordSpan(url);
  return span ? url.slice(0, span[0]) + mask + url.slice(span[1]) : url;
}

/**
 * The password of a URL as written and as decoded (`p%40ss` is also `p@ss`), to pass as
 * {@link redactText}'s `secrets`; empty when the URL carries none.
 */
export function urlPasswords(url: string): string[] {
  const span = passwordSpan(url);
  const password = span ? url.slice(span[0], span[1]) : '';
  if (password === '') return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A lone `%` is not an escape; the password as written is all there is to mask.
  }
  return decoded === password ? [password] : [password, decoded];
}

/**
 * Masks every `scheme://user:password@` inside free text, then every listed secret (longest
 * first, so a secret that contains another is masked whole). Empty secrets are ignored.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = text.replace(credentialsInText, (_match, scheme: string, user: string) => {
    return `${scheme}${user}:${mask}@`;
  });
  const longestFirst = secrets.filter((s) => s !== '').sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) result = result.split(secret).join(mask);
  return result;
}
