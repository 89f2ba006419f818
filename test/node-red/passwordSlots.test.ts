import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineDocument, PASSWORD_SLOTS } from '../../src/node-red/engineDocument';

/** Camera URLs of the engine document, where the credentials' logins end up. */
function urls(cameras: object[], credentials: Record<string, string>): unknown[] {
  const { config } = engineDocument({ cameras }, credentials);
  return (config['cameras'] as { url: unknown }[]).map((c) => c.url);
}

test("each camera's password comes from its own slot, whatever its name or place", () => {
  const cameras = [
    { name: 'back', url: 'rtsp://cam-b/1', passwordSlot: 1 },
    { name: 'front', url: 'rtsp://cam-a/1', passwordSlot: 0 },
  ];
  const users = JSON.stringify({ front: 'admin', back: 'admin' });
  assert.deepEqual(urls(cameras, { users, password0: 'front-pw', password1: 'back-pw' }), [
    'rtsp://admin:back-pw@cam-b/1',
    'rtsp://admin:front-pw@cam-a/1',
  ]);
});

test('a camera without a slot keeps the password older versions stored under its name', () => {
  const cameras = [
    { name: 'front', url: 'rtsp://cam-a/1', passwordSlot: 0 },
    { name: 'back', url: 'rtsp://cam-b/1' },
  ];
  const credentials = {
    users: JSON.stringify({ front: 'admin', back: 'admin' }),
    passwords: JSON.stringify({ front: 'old-front', back: 'old-back' }),
    password0: 'new-front',
  };
  assert.deepEqual(urls(cameras, credentials), [
    'rtsp://admin:new-front@cam-a/1',
    'rtsp://admin:old-back@cam-b/1',
  ]);
});

test('a slot out of range or emptied falls back to the stored map, and every password is a secret', () => {
  const cameras = [
    { name: 'a', url: 'rtsp://cam-a/1', passwordSlot: PASSWORD_SLOTS },
    { name: 'b', url: 'rtsp://cam-b/1', passwordSlot: 3 },
  ];
  const credentials = {
    users: JSON.stringify({ a: 'u', b: 'u' }),
    passwords: JSON.stringify({ a: 'map-a' }),
    password3: '',
    password9: 'unused-pw',
  };
  assert.deepEqual(urls(cameras, credentials), ['rtsp://u:map-a@cam-a/1', 'rtsp://u@cam-b/1']);
  const { storedPasswords } = engineDocument({ cameras }, credentials);
  assert.ok(
    storedPasswords.includes('map-a') && storedPasswords.includes('unused-pw'),
    'stored passwords are masked',
  );
});
