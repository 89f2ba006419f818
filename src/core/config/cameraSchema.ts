import type { FromSchema } from 'json-schema-to-ts';
import { motionSchema } from './motionSchema';

/**
 * The pattern is what the Homebridge form can check as one types; the format is the whole check
 * (streamUrl.ts: scheme, host, port), its reasons given by issuesFromAjv.
 */
const streamUrlPattern = {
  pattern: '^(rtsps?://|demo:)',
  format: 'cameraUrl',
  errorReasons: { pattern: 'must start with rtsp://, rtsps:// or demo:' },
} as const;

/** One camera: a name the layout refers to, and where its picture comes from. */
export const cameraSchema = {
  type: 'object',
  properties: {
    name: {
      description: 'Unique name the layout uses to place this camera; 1–64 of A–Z a–z 0–9 _ - .',
      type: 'string',
      minLength: 1,
      maxLength: 64,
      // `*`, not `+`: an empty name already fails minLength and should say only that.
      pattern: '^[A-Za-z0-9_.-]*$',
      errorReasons: { pattern: 'may contain only letters, digits, _, - and .' },
    },
    url: {
      description:
        'rtsp:// or rtsps:// URL of the camera (credentials allowed; messages mask the password), or ' +
        'demo:<lavfi source> for a synthetic camera, e.g. demo:testsrc2?size=640x360&rate=25.',
      type: 'string',
      ...streamUrlPattern,
    },
    subUrl: {
      description:
        "The camera's substream (low resolution), in the same forms as url: small tiles show it, and " +
        'the main stream is then opened only while a large tile shows the camera.',
      type: 'string',
      ...streamUrlPattern,
    },
    title: {
      description: 'What labels show for this camera; its name when left out.',
      type: 'string',
      minLength: 1,
      maxLength: 64,
    },
    motion: { ...motionSchema, default: {} },
    transport: {
      description: 'RTSP lower transport. TCP (default) survives lossy networks and NAT; UDP is lighter.',
      enum: ['tcp', 'udp'],
      default: 'tcp',
    },
    tlsFingerprint: {
      description:
        "SHA-256 fingerprint of the camera's TLS certificate (AB:CD:… or 64 hex digits, as " +
        '`openssl x509 -noout -fingerprint -sha256` prints it). For rtsps:// streams: the camera is ' +
        'reached only if its certificate has this fingerprint, checked on the connection that ' +
        'carries the stream. Without it an rtsps:// certificate is not verified, and the password is ' +
        'never sent as Basic authentication over such a connection (Digest only).',
      type: 'string',
      pattern: '^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$',
      errorReasons: {
        pattern: 'must be a SHA-256 fingerprint: 32 hex pairs separated by ":", or 64 hex digits',
      },
    },
    followRedirects: {
      description:
        'Follow an RTSP redirect (3xx) to another host, port or scheme. Off by default: such a ' +
        'camera stays offline and names where it pointed. Credentials are only ever sent to the ' +
        'host of url (or subUrl), never to the host a redirect names.',
      type: 'boolean',
      default: false,
    },
  },
  required: ['name', 'url'],
  additionalProperties: false,
} as const;

/** A camera after validation: `transport` and `followRedirects` are always present. */
export type CameraConfig = FromSchema<typeof cameraSchema>;
