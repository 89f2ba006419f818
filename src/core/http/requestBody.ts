import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpError';

/**
 * The request body, refused with 413 as soon as it passes `limitBytes` — from Content-Length when
 * the client sends one, else while reading — so a client cannot make us buffer without bound.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) {
    return Promise.reject(new HttpError(413, `request body over ${limitBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        reject(new HttpError(413, `request body over ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpError(400, `the request body could not be read: ${error.message}`));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** The media type of a request without its parameters (`application/sdp; charset=x` → `application/sdp`). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Refuses with 415 unless the body is declared as `expected`. */
export function requireMediaType(req: IncomingMessage, expected: string): void {
  const actual = mediaType(req);
  if (actual !== expected) {
    throw new HttpError(415, `Content-Type must be ${expected}${actual ? `, not ${actual}` : ''}`, {
      Accept: expected,
    });
  }
}
