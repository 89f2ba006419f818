import type { WhepSessions } from '../../webrtc/whepSessions';
import { ResourceExhaustedError, SdpError, ViewerLimitError } from '../../webrtc/webrtcErrors';
import { HttpError } from '../httpError';
import { readBody, requireMediaType } from '../requestBody';
import { send } from '../responses';
import type { Route } from '../route';
import { routePath } from './routePath';

/**
 * WHEP (RFC 9725): POST an offer → 201 with the answer and the session's Location; DELETE the
 * Location ends it. We gather every candidate before answering, so there is no trickle (PATCH →
 * 405, as the RFC lets a server say). Under `prefix` (`''` or `/mosaics/<name>`), which the
 * session's Location carries too.
 */
export function whepRoutes(sessions: WhepSessions, maxBodyBytes: number, prefix = ''): Route[] {
  const sessionPath = routePath(prefix, '/whep/(?<id>[0-9a-f-]{36})');
  return [
    {
      method: 'POST',
      path: routePath(prefix, '/whep/?'),
      async handle({ req, res }) {
        requireMediaType(req, 'application/sdp');
        const offer = (await readBody(req, maxBodyBytes)).toString('utf8');
        try {
          const viewer = await sessions.create(offer);
          send(res, 201, viewer.answerSdp, {
            'Content-Type': 'application/sdp',
            Location: `${prefix}/whep/${viewer.id}`,
          });
        } catch (error) {
          if (error instanceof SdpError) throw new HttpError(400, error.message);
          if (error instanceof ViewerLimitError || error instanceof ResourceExhaustedError)
            throw new HttpError(503, error.message, { 'Retry-After': '5' });
          throw error;
        }
      },
    },
    {
      method: 'DELETE',
      path: sessionPath,
      async handle({ res, params }) {
        if (!(await sessions.delete(params.id))) throw new HttpError(404, 'no such WHEP session');
        send(res, 200, '');
      },
    },
    {
      method: 'PATCH',
      path: sessionPath,
      handle({ params }) {
        if (!sessions.has(params.id)) throw new HttpError(404, 'no such WHEP session');
        throw new HttpError(405, 'trickle ICE is not supported: the answer carries every candidate', {
          Allow: 'DELETE, OPTIONS',
        });
      },
    },
  ];
}
