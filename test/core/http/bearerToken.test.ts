import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerTokenMatches } from '../../../src/core/http/bearerToken';

test('bearer tokens: only the exact token passes', () => {
  const cases: [string | undefined, boolean][] = [
    ['Bearer s3cret', true],
    ['bearer s3cret', true],
    ['Bearer  s3cret ', true],
    ['Bearer s3cre', false],
    ['Bearer s3cret2', false],
    ['Basic s3cret', false],
    ['s3cret', false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ];
  for (const [header, expected] of cases)
    assert.equal(bearerTokenMatches(header, 's3cret'), expected, String(header));
});
