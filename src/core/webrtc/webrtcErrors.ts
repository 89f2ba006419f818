/**
 * Errors of the WebRTC side that the HTTP layer turns into status codes: a caller's mistake
 * (a bad offer) is a 4xx, a full house a 503 — never a crash.
 */

/** The SDP offer cannot be answered: not SDP, no video, or no H.264 we can send. */
export class SdpError extends Error {
  override readonly name = 'SdpError';
}

/** `maxViewers` are already watching. */
export class ViewerLimitError extends Error {
  override readonly name = 'ViewerLimitError';
}

/** The machine cannot take another viewer now (out of descriptors: EMFILE, ENFILE). */
export class ResourceExhaustedError extends Error {
  override readonly name = 'ResourceExhaustedError';
}
