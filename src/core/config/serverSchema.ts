import type { FromSchema } from 'json-schema-to-ts';

/** The built-in RTSP server's settings, when it is on. */
export const rtspServerSchema = {
  type: 'object',
  properties: {
    enabled: {
      description:
        'false keeps these settings but turns the server off (the Homebridge form and the ' +
        'Node-RED dialog write it; a config file may simply leave server.rtsp out).',
      type: 'boolean',
      default: true,
    },
    port: {
      description: 'TCP port of the RTSP server (RTP over UDP uses a pair of ports the system picks).',
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 8554,
    },
    host: {
      description: 'Address to listen on; server.host when left out.',
      type: 'string',
      minLength: 1,
    },
    username: {
      description: 'With password: every RTSP client needs them (Basic or Digest authentication).',
      type: 'string',
      minLength: 1,
    },
    password: {
      description: 'With username: every RTSP client needs them. A secret: never logged.',
      type: 'string',
      minLength: 1,
    },
    maxClients: {
      description: 'RTSP clients served at once, over all mosaics; more get 503.',
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 20,
    },
  },
  dependencies: { username: ['password'], password: ['username'] },
  errorReasons: { dependencies: 'username and password go together: set both or neither' },
  additionalProperties: false,
} as const;

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
    rtsp: {
      description:
        'The built-in RTSP server: each mosaic at rtsp://host:port/<mosaic name>, the first also ' +
        'at /mosaic, for NVRs, VLC and home hubs. Off unless set (false, left out, or enabled: ' +
        'false): it opens ' +
        "another port showing every camera, and 8554 is MediaMTX's default, often running beside " +
        'us as the target of `outputs`. With server.token set it needs username and password, so ' +
        'it is never more open than the HTTP server.',
      if: { type: 'object' },
      then: rtspServerSchema,
      else: { const: false, errorReasons: { const: 'must be false or an object (port, host, username, …)' } },
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
  // An RTSP server without credentials beside a token-protected HTTP server would show the
  // cameras to anyone the token keeps out.
  if: {
    required: ['token', 'rtsp'],
    properties: {
      rtsp: { type: 'object', not: { required: ['enabled'], properties: { enabled: { const: false } } } },
    },
  },
  then: {
    properties: {
      rtsp: {
        type: 'object',
        required: ['username', 'password'],
        errorReasons: { required: 'is required when server.token is set (else RTSP would be open to all)' },
      },
    },
  },
  additionalProperties: false,
} as const;

/** The RTSP server's settings after validation: enabled, port and maxClients present. */
export type RtspServerConfig = FromSchema<typeof rtspServerSchema>;

/**
 * The RTSP server's settings when it is on: `server.rtsp` an object not `enabled: false`. Takes
 * the validated config's `server`, whose `rtsp` FromSchema cannot type (ServerConfig spells it).
 */
export function rtspServerOn(server: object): RtspServerConfig | undefined {
  const { rtsp } = server as ServerConfig;
  return rtsp && rtsp.enabled !== false ? rtsp : undefined;
}

/**
 * The server settings after validation: all but `token` and `rtsp` present. `rtsp` spelled out:
 * json-schema-to-ts cannot type its if/then/else.
 */
export type ServerConfig = Omit<FromSchema<typeof serverSchema>, 'rtsp'> & {
  rtsp?: false | RtspServerConfig;
};
