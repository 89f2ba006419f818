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
    corsOrigins: {
      description:
        'Origins (scheme://host[:port], no path) of pages elsewhere that may read this server and ' +
        'send WHEP offers and layouts, e.g. a dashboard; none by default: only the page at / may.',
      type: 'array',
      items: {
        type: 'string',
        pattern:
          '^https?://(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$',
        errorReasons: {
          pattern: 'must be an origin: http:// or https://, a host, an optional :port, no path',
        },
      },
      uniqueItems: true,
      default: [],
    },
    allowedHosts: {
      description:
        'Host names browsers may reach this server by, beyond IP addresses, localhost and the ' +
        "machine's own name (and name.local); any other Host header is refused (DNS rebinding).",
      type: 'array',
      items: {
        type: 'string',
        pattern:
          '^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?$',
        errorReasons: { pattern: 'must be a host name: letters, digits, - and dots, no port or scheme' },
      },
      uniqueItems: true,
      default: [],
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
