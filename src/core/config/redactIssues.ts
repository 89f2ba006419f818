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
 * Every secret of a config document, whatever shape it is in (written by a user, half valid, or
 * validated): the passwords of each camera's `url` and `subUrl` and of each publishing output's
 * `url` (top-level or in one of `mosaics`), `server.token` and `server.rtsp.password`. The one
 * place they are collected: the media core masks them in every log line and in stats,
 * validateConfig in its issues, and a face that logs before its media core exists takes them
 * from here too.
 */
export function configSecrets(document: unknown): string[] {
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
  const server = records([root['server']])[0];
  // The bearer token, and the password RTSP clients give the RTSP server (`server.rtsp`).
  const plain = [server?.['token'], records([server?.['rtsp']])[0]?.['password']];
  const secrets = [
    ...urls.flatMap((url) => (typeof url === 'string' ? urlPasswords(url) : [])),
    ...plain.filter((s): s is string => typeof s === 'string' && s !== ''),
  ];
  return [...new Set(secrets)];
}

/** @deprecated The old name of {@link configSecrets} (which also takes the token): use that. */
export const configPasswords = configSecrets;
