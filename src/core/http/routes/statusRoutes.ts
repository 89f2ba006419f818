import type { WhepSessions } from '../../webrtc/whepSessions';
import { HttpError } from '../httpError';
import type { MosaicMetrics } from '../metrics';
import type { MosaicControl } from '../mosaicControl';
import { send, sendJson } from '../responses';
import type { Route } from '../route';
import { statsDocument } from '../statsDocument';

/** /stats (JSON), /metrics (Prometheus) and /snapshot.jpg. */
export function statusRoutes(mosaic: MosaicControl, sessions: WhepSessions, metrics: MosaicMetrics): Route[] {
  // Each snapshot is a scale and a JPEG encode on a native thread: a reloading dashboard must not
  // be able to queue them without bound.
  let snapshotsInFlight = 0;
  return [
    {
      method: 'GET',
      path: /^\/stats$/,
      handle({ res }) {
        sendJson(res, 200, statsDocument(mosaic.stats(), sessions.stats()));
      },
    },
    {
      method: 'GET',
      path: /^\/metrics$/,
      async handle({ res }) {
        send(res, 200, await metrics.text(), { 'Content-Type': metrics.contentType });
      },
    },
    {
      method: 'GET',
      path: /^\/snapshot\.jpe?g$/,
      async handle({ res, url }) {
        if (!mosaic.running) throw new HttpError(503, 'the mosaic is not running', { 'Retry-After': '2' });
        const width = optionalSize(url, 'width');
        const height = optionalSize(url, 'height');
        if (snapshotsInFlight >= maxSnapshotsInFlight) {
          throw new HttpError(503, 'too many snapshots at once', { 'Retry-After': '1' });
        }
        snapshotsInFlight++;
        try {
          const jpeg = await mosaic.snapshot({ ...(width ? { width } : {}), ...(height ? { height } : {}) });
          send(res, 200, jpeg, { 'Content-Type': 'image/jpeg' });
        } finally {
          snapshotsInFlight--;
        }
      },
    },
  ];
}

const maxSnapshotsInFlight = 2;

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
