import { ConfigError } from '../../errors';
import { HttpError } from '../httpError';
import type { MosaicControl } from '../mosaicControl';
import { readBody, requireMediaType } from '../requestBody';
import { sendJson } from '../responses';
import type { Route } from '../route';
import { routePath } from './routePath';

/**
 * GET the tiles; PUT a layout (preset or explicit tiles), applied without reconnecting viewers.
 * At `path`: `/api/layout` for the first mosaic, `/mosaics/<name>/layout` for each.
 */
export function layoutRoutes(mosaic: MosaicControl, maxBodyBytes: number, path = '/api/layout'): Route[] {
  const pattern = routePath(path, '');
  return [
    {
      method: 'GET',
      path: pattern,
      handle({ res }) {
        sendJson(res, 200, { tiles: mosaic.tiles });
      },
    },
    {
      method: 'PUT',
      path: pattern,
      async handle({ req, res }) {
        requireMediaType(req, 'application/json');
        const body = (await readBody(req, maxBodyBytes)).toString('utf8');
        let layout: unknown;
        try {
          layout = JSON.parse(body);
        } catch (error) {
          throw new HttpError(400, `the body is not JSON: ${(error as Error).message}`);
        }
        try {
          sendJson(res, 200, { tiles: mosaic.setLayout(layout) });
        } catch (error) {
          if (error instanceof ConfigError) throw new HttpError(400, error.message, {}, error.issues);
          throw error;
        }
      },
    },
  ];
}
