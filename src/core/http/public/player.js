// The player page: plays the mosaic over WHEP and shows a small live overlay (mosaic name, fps,
// resolution, viewers, tile states and why a camera is offline) polled from /stats. When WebRTC
// has not shown a frame within a few seconds (UDP blocked), it falls back by itself to MSE over
// a WebSocket (`mse`, beside `whep`), and back again if that shows nothing; the overlay says
// which transport plays; /#transport=mse starts with MSE (a network where WebRTC connects but
// stutters). A token, when the server wants one, comes from the page's address: /#token=SECRET
// (the fragment never reaches a server log); a refused or missing one stops every request and
// asks for it.
import { WhepPlayer } from './whepPlayer.js';

const pageOptions = new URLSearchParams(location.hash.slice(1));
const token = pageOptions.get('token') ?? undefined;
const startWithMse = pageOptions.get('transport') === 'mse';
const video = document.getElementById('mosaic');
const overlay = document.getElementById('overlay');
const showButton = document.getElementById('show');
const nameLine = document.getElementById('name');
const statusLine = document.getElementById('status');
const numbersLine = document.getElementById('numbers');
const tilesLine = document.getElementById('tiles');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');
const transportLine = document.getElementById('transport');

const statsIntervalMs = 1000;
/** WebRTC's first trial: without a frame (and not connected) by then, try MSE. */
const firstWebrtcTrialMs = 3000;
const maxWebrtcTrialMs = 30000;
/** MSE without a frame this long: try WebRTC again, for longer each round. */
const mseTrialMs = 8000;
let webrtcTrialMs = firstWebrtcTrialMs;
let statsTimer;
let switchTimer;
let refused = false;

function onstate(state, detail) {
  if (state === 'unauthorized') {
    askForToken();
    return;
  }
  statusLine.className = '';
  statusLine.textContent = detail ? `${state}: ${detail}` : state;
}

const player = new WhepPlayer(video, { endpoint: 'whep', token, onstate });
/** @type {import('./msePlayer.js').MsePlayer | undefined} */
let msePlayer;

const shownFrames = () => video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
const playing = () => shownFrames() > 0 || video.videoWidth > 0;

function useWebRtc() {
  msePlayer?.stop();
  transportLine.textContent = 'WebRTC';
  player.start();
  const trialMs = webrtcTrialMs;
  webrtcTrialMs = Math.min(webrtcTrialMs * 2, maxWebrtcTrialMs);
  checkAfter(trialMs, () => {
    // Connected, and the first picture on its way (a busy machine): give it longer.
    if (player.connected) checkAfter(trialMs, () => void useMse());
    else void useMse();
  });
}

async function useMse() {
  let MsePlayer;
  try {
    // Loaded only when needed: most viewers never fall back.
    ({ MsePlayer } = await import('./msePlayer.js'));
  } catch {
    // A server without MSE: WebRTC goes on trying by itself.
    transportLine.textContent = 'WebRTC (no MSE on this server)';
    return;
  }
  if (refused || playing()) return;
  player.stop();
  transportLine.textContent = startWithMse ? 'MSE' : 'MSE (WebRTC did not connect)';
  msePlayer ??= new MsePlayer(video, { endpoint: 'mse', token, onstate });
  msePlayer.start();
  checkAfter(mseTrialMs, useWebRtc);
}

/** Unless a frame has shown by then (the transport that plays stays), runs `next` after `ms`. */
function checkAfter(ms, next) {
  clearTimeout(switchTimer);
  switchTimer = setTimeout(() => {
    if (!refused && !playing()) next();
  }, ms);
}
if (startWithMse) void useMse();
else useWebRtc();

function setOverlayShown(shown) {
  overlay.classList.toggle('hidden', !shown);
  showButton.classList.toggle('hidden', shown);
}
const toggleOverlay = () => setOverlayShown(overlay.classList.contains('hidden'));
addEventListener('keydown', (event) => {
  if (event.key === 's' && event.target !== tokenInput) toggleOverlay();
});
// Touch screens have no s key: a tap on the picture, or the buttons.
video.addEventListener('click', toggleOverlay);
document.getElementById('hide').addEventListener('click', () => setOverlayShown(false));
showButton.addEventListener('click', () => setOverlayShown(true));

/**
 * The server refused the token (or wants one): retrying cannot help, so every request stops and
 * the overlay asks for the token, which reopens the page with it in the address.
 */
function askForToken() {
  if (refused) return;
  refused = true;
  player.stop();
  msePlayer?.stop();
  clearTimeout(switchTimer);
  clearTimeout(statsTimer);
  setOverlayShown(true);
  statusLine.className = 'error';
  statusLine.textContent = token
    ? 'wrong token: the server refused it. Enter the right one:'
    : 'this mosaic needs a token. Enter it:';
  numbersLine.textContent = '';
  tilesLine.replaceChildren();
  tokenForm.classList.remove('hidden');
  tokenInput.focus();
}
tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = tokenInput.value.trim();
  if (typed === '') return;
  location.hash = new URLSearchParams({ token: typed }).toString();
  location.reload();
});

let lastFrames = 0;
let lastAt = performance.now();

async function pollStats() {
  try {
    const response = await fetch('stats', { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (response.status === 401) {
      askForToken();
      return;
    }
    showStats(await response.json());
  } catch {
    numbersLine.textContent = 'stats unavailable';
  }
  if (!refused) statsTimer = setTimeout(pollStats, statsIntervalMs);
}

function showStats(stats) {
  nameLine.textContent = stats.mosaic ? `mosaic ${stats.mosaic}` : '';
  document.title = stats.mosaic ? `${stats.mosaic} · camera-mosaic` : 'camera-mosaic';
  const frames = video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
  const now = performance.now();
  const shownFps = ((frames - lastFrames) * 1000) / (now - lastAt);
  lastFrames = frames;
  lastAt = now;
  numbersLine.textContent =
    `${stats.resolution} · server ${stats.fps} fps · shown ${shownFps.toFixed(0)} fps · ` +
    `${stats.clients} viewer${stats.clients === 1 ? '' : 's'}`;
  const cameras = new Map((stats.cameras ?? []).map((camera) => [camera.name, camera]));
  tilesLine.replaceChildren(
    ...stats.tiles.map((tile) => {
      const span = document.createElement('span');
      span.className = tile.state;
      span.textContent = `${tile.camera} ${tile.state} ${tile.fps} fps${tileReason(tile, cameras)}`;
      return span;
    }),
  );
}

/** Why a tile shows no live picture: the camera's last error (password masked by the server). */
function tileReason(tile, cameras) {
  const why = tile.state === 'live' ? tile.problem : (tile.problem ?? cameras.get(tile.camera)?.lastError);
  return why ? `: ${why}` : '';
}

void pollStats();
