// Starts making the platform tests' Debian roots in the background (see makeRootsInBackground in
// test/platforms/debianRoot.ts) and returns at once; run after `npm run build:ts`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { makeRootsInBackground } = require('../../dist/test/platforms/debianRoot.js');
const unavailable = makeRootsInBackground();
console.log(
  unavailable
    ? `setup: the platform tests' Debian roots are not made now: ${unavailable}`
    : "setup: making the platform tests' Debian roots in the background (cached under /var/cache/camera-mosaic/roots)",
);
