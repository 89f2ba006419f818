import type { ConfigIssue } from '../errors';
import { redactText, urlPasswords } from '../redact';

/** A JSON string literal: how every value echoed from a document appears in a reason. */
const quotedValue = /"(?:[^"\\]|\\.)*"/g;

/**
 * Masks passwords in issues before anyone sees them, with two nets: any `scheme://user:pass@`
 * anywhere (a camera URL pasted into a name or a key), and the given secrets wherever a reason
 * echoes a value. Secrets are masked inside the quotes only, so a password such as `1` cannot
 * garble our own words (`cameras[1]` stays `cameras[1]`).
 */
export function redactIssues(issues: readonly ConfigIssue[], secrets: readonly string[]): ConfigIssue[] {
  return issues.map(({ field, reason }) => ({
    field: redactText(field),
    reason: redactText(reason).replace(quotedValue, (quoted) => redactText(quoted, secrets)),
  }));
}

/**
 * The passwords of every URL in a config document, whatever shape it is in: each camera's `url`
 * and `subUrl`, and each publishing output's `url`, top-level or in one of `mosaics`.
 */
export function configPasswords(document: unknown): string[] {
  const records = (value: unknown): Record<string, unknown>[] =>
    Array.isArray(value)
      ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
      : [];
  const root = records([document])[0] ?? {};
  const urls: unknown[] = [];
  for (const camera of records(root['cameras'])) urls.push(camera['url'], camera['subUrl']);
  for (const output of records(root['outputs'])) urls.push(output['url']);
  for (const mosaic of records(root['mosaics'])) {
    for (const output of records(mosaic['outputs'])) urls.push(output['url']);
  }
  return urls.flatMap((url) => (typeof url === 'string' ? urlPasswords(url) : []));
}
