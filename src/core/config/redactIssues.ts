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

/** The passwords of every camera URL in a config document, whatever shape it is in. */
export function cameraPasswords(document: unknown): string[] {
  if (typeof document !== 'object' || document === null || !('cameras' in document)) return [];
  const { cameras } = document;
  if (!Array.isArray(cameras)) return [];
  return cameras.flatMap((camera: unknown) => {
    const url: unknown =
      typeof camera === 'object' && camera !== null && 'url' in camera ? camera.url : undefined;
    return typeof url === 'string' ? urlPasswords(url) : [];
  });
}
