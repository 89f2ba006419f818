import type { FromSchema } from 'json-schema-to-ts';

/**
 * Where the encoded mosaic is also sent, as encoded (no second encode): to a media server that
 * fans it out further (the README's "Scaling past one machine").
 * - `rtsp`: RTSP publish (ANNOUNCE/RECORD) to `url`, e.g. MediaMTX or go2rtc.
 * - `rtp`: plain RTP (RFC 6184) to `host`:`port`, e.g. a Janus Streaming mountpoint.
 */
export const publishSchema = {
  type: 'object',
  properties: {
    name: {
      description: 'Name in /stats, /metrics and events; default output1, output2, …',
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_.-]*$',
      errorReasons: { pattern: 'may contain only letters, digits, _, - and .' },
    },
    type: { description: 'rtsp (publish) or rtp (plain RTP over UDP).', enum: ['rtsp', 'rtp'] },
    url: {
      description: 'rtsp:// URL to publish to (type rtsp); credentials allowed, always masked.',
      type: 'string',
      pattern: '^rtsp://',
      format: 'publishUrl',
      errorReasons: { pattern: 'must start with rtsp://' },
    },
    transport: { description: 'RTSP lower transport (type rtsp).', enum: ['tcp', 'udp'], default: 'tcp' },
    host: { description: 'Receiver address (type rtp).', type: 'string', minLength: 1, maxLength: 253 },
    port: { description: 'Receiver UDP port (type rtp).', type: 'integer', minimum: 1, maximum: 65535 },
    payloadType: {
      description: 'RTP payload type the receiver expects (type rtp).',
      type: 'integer',
      minimum: 96,
      maximum: 127,
      default: 96,
    },
  },
  required: ['type'],
  additionalProperties: false,
} as const;

export type PublishConfig = FromSchema<typeof publishSchema>;
