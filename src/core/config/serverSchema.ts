import type { FromSchema } from 'json-schema-to-ts';

/** The HTTP server that serves the player page, WHEP, /stats and /snapshot.jpg. */
export const serverSchema = {
  type: 'object',
  properties: {
    port: {
      description: 'TCP port of the HTTP server.',
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 8081,
    },
    host: {
      description: 'Address to listen on; 0.0.0.0 (default) is every IPv4 interface.',
      type: 'string',
      minLength: 1,
      default: '0.0.0.0',
    },
    token: {
      description: 'When set, every request needs `Authorization: Bearer <token>`.',
      type: 'string',
      minLength: 1,
    },
    maxViewers: {
      description: 'WebRTC viewers served at once; more are refused.',
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 20,
    },
    iceAddresses: {
      description:
        'Extra addresses offered to browsers as ICE candidates, e.g. the public IP behind NAT ' +
        'or the host address when running in Docker.',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
    },
  },
  additionalProperties: false,
} as const;

/** The server settings after validation: all but `token` present. */
export type ServerConfig = FromSchema<typeof serverSchema>;
