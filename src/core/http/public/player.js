// The player page: plays the mosaic over WHEP and shows a small live overlay (fps, resolution,
// viewers, tile states) polled from /stats. A token, when the server wants one, comes from the
// page's address: /#token=SECRET (the fragment never reaches a server log).
import { WhepPlayer } from './whepPlayer.js';

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
const video = document.getElementById('mosaic');
const overlay = document.getElementById('overlay');
const statusLine = document.getElementById('status');
const numbersLine = document.getElementById('numbers');
const tilesLine = document.getElementById('tiles');

const player = new WhepPlayer(video, {
  endpoint: 'whep',
  token,
  onstate: (state, detail) => {
    statusLine.textContent = detail ? `${state}: ${detail}` : state;
  },
});
player.start();

addEventListener('keydown', (event) => {
  if (event.key === 's') overlay.classList.toggle('hidden');
});

let lastFrames = 0;
let lastAt = performance.now();

async function pollStats() {
  try {
    const response = await fetch('stats', { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (response.status === 401) {
      numbersLine.textContent = 'a token is needed: open this page as /#token=…';
      return;
    }
    const stats = await response.json();
    const frames = video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    const now = performance.now();
    const shownFps = ((frames - lastFrames) * 1000) / (now - lastAt);
    lastFrames = frames;
    lastAt = now;
    numbersLine.textContent =
      `${stats.resolution} · server ${stats.fps} fps · shown ${shownFps.toFixed(0)} fps · ` +
      `${stats.clients} viewer${stats.clients === 1 ? '' : 's'}`;
    tilesLine.replaceChildren(
      ...stats.tiles.flatMap((tile, i) => {
        const span = document.createElement('span');
        span.className = tile.state;
        span.textContent = `${tile.camera} ${tile.state} ${tile.fps} fps`;
        return i === 0 ? [span] : [document.createTextNode(' · '), span];
      }),
    );
  } catch {
    numbersLine.textContent = 'stats unavailable';
  } finally {
    setTimeout(pollStats, 1000);
  }
}
void pollStats();
