import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { send } from '../responses';
import type { Route } from '../route';
import { routePath } from './routePath';

/**
 * The page's files live in src/core/http/public; tsc does not copy them, so from
 * dist/src/core/http/routes we look back into the package's src/ as well.
 */
const publicDirectory = [
  join(__dirname, '..', 'public'),
  join(__dirname, '..', '..', '..', '..', '..', 'src', 'core', 'http', 'public'),
].find((dir) => existsSync(join(dir, 'index.html')));

const files: Record<string, { name: string; type: string }> = {
  '/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/player.js': { name: 'player.js', type: 'text/javascript; charset=utf-8' },
  '/whepPlayer.js': { name: 'whepPlayer.js', type: 'text/javascript; charset=utf-8' },
  '/msePlayer.js': { name: 'msePlayer.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * `/` and its scripts, without the token: the page asks for it and sends it on its requests.
 * Under `prefix` (`/mosaics/<name>`) the page is `<prefix>/`; `<prefix>` alone redirects there, so
 * the page's relative `whep`, `stats` and `player.js` resolve under the prefix.
 */
export function pageRoutes(prefix = ''): Route[] {
  const routes: Route[] = [
    {
      method: 'GET',
      path: routePath(prefix, '/(index\\.html|player\\.js|whepPlayer\\.js|msePlayer\\.js)?'),
      public: true,
      async handle({ res, url }) {
        const file = files[url.pathname.slice(prefix.length)];
        if (!publicDirectory || !file) {
          send(res, 404, 'the player page is not installed', { 'Content-Type': 'text/plain; charset=utf-8' });
          return;
        }
        const body = await readFile(join(publicDirectory, file.name));
        send(res, 200, body, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' });
      },
    },
  ];
  if (prefix !== '') {
    routes.push({
      method: 'GET',
      path: routePath(prefix, ''),
      public: true,
      handle({ res, url }) {
        // A browser keeps the #token fragment across a redirect whose Location has none.
        send(res, 301, '', { Location: `${prefix}/${url.search}` });
      },
    });
  }
  return routes;
}
