import type { WhepSessions } from '../../webrtc/whepSessions';
import { HttpError } from '../httpError';
import type { MosaicMetrics } from '../metrics';
import type { MosaicControl } from '../mosaicControl';
import { send, sendJson } from '../responses';
import type { Route } from '../route';
import { statsDocument } from '../statsDocument';
import { routePath } from './routePath';

/**
 * Snapshots being encoded, shared by every snapshot route of a server: each is a scale and a
 * JPEG encode on a native thread, and a reloading dashboard must not be able to queue them
 * without bound, whichever mosaic (or route to it) it asks.
 */
export class SnapshotGate {
  private inFlight = 0;

  constructor(private readonly maxInFlight = 2) {}

  /** Runs `take`, or throws 503 when `maxInFlight` are already running. */
  async run<T>(take: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight) {
      throw new HttpError(503, 'too many snapshots at once', { 'Retry-After': '1' });
    }
    this.inFlight++;
    try {
      return await take();
    } finally {
      this.inFlight--;
    }
  }
}

export interface StatusRoutesOptions {
  /** `''` (the root) or `/mosaics/<name>`. Default `''`. */
  prefix?: string;
  /** What `<prefix>/stats` answers; default this mosaic's document. */
  stats?: () => unknown;
  /** Served at `<prefix>/metrics` when given (the root only). */
  metrics?: MosaicMetrics;
  snapshots: SnapshotGate;
}

/** <prefix>/stats (JSON), /metrics (Prometheus) and <prefix>/snapshot.jpg. */
export function statusRoutes(
  mosaic: MosaicControl,
  sessions: WhepSessions,
  options: StatusRoutesOptions,
): Route[] {
  const { prefix = '', metrics, snapshots } = options;
  const stats = options.stats ?? (() => statsDocument(mosaic.stats(), sessions.stats()));
  const routes: Route[] = [
    {
      method: 'GET',
      path: routePath(prefix, '/stats'),
      handle({ res }) {
        sendJson(res, 200, stats());
      },
    },
    {
      method: 'GET',
      path: routePath(prefix, '/snapshot\\.jpe?g'),
      async handle({ res, url }) {
        if (!mosaic.running) throw new HttpError(503, 'the mosaic is not running', { 'Retry-After': '2' });
        const width = optionalSize(url, 'width');
        const height = optionalSize(url, 'height');
        const jpeg = await snapshots.run(() =>
          mosaic.snapshot({ ...(width ? { width } : {}), ...(height ? { height } : {}) }),
        );
        send(res, 200, jpeg, { 'Content-Type': 'image/jpeg' });
      },
    },
  ];
  if (metrics) {
    routes.push({
      method: 'GET',
      path: routePath(prefix, '/metrics'),
      async handle({ res }) {
        send(res, 200, await metrics.text(), { 'Content-Type': metrics.contentType });
      },
    });
  }
  return routes;
}

/** `?width=` / `?height=`: an even size the encoder's scaler accepts, or absent. */
function optionalSize(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 16 || value > 7680) {
    throw new HttpError(400, `${name} must be an integer from 16 to 7680`);
  }
  return value;
}
