import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultMaxConnections,
  descriptorLimit,
  isDescriptorExhaustion,
} from '../../../src/core/http/connectionBudget';

const limits = (soft: string) =>
  'Limit                     Soft Limit           Hard Limit           Units     \n' +
  'Max processes             63704                63704                processes \n' +
  `Max open files            ${soft.padEnd(20)} 524288               files     \n`;

describe('connection budget', () => {
  it('reads the soft descriptor limit from /proc/self/limits text', () => {
    assert.equal(descriptorLimit(limits('256')), 256);
    assert.equal(descriptorLimit(limits('unlimited')), Number.MAX_SAFE_INTEGER);
    assert.equal(descriptorLimit('no such line'), 1024);
    assert.ok(descriptorLimit() >= 16, 'this process has a limit');
  });

  it('holds a quarter of the descriptors as connections, between 16 and 1024', () => {
    assert.equal(defaultMaxConnections(256), 64);
    assert.equal(defaultMaxConnections(1024), 256);
    assert.equal(defaultMaxConnections(32), 16);
    assert.equal(defaultMaxConnections(1_048_576), 1024);
  });

  it('knows EMFILE and ENFILE', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    assert.ok(isDescriptorExhaustion(error('EMFILE')));
    assert.ok(isDescriptorExhaustion(error('ENFILE')));
    assert.ok(!isDescriptorExhaustion(error('ECONNRESET')));
    assert.ok(!isDescriptorExhaustion(undefined));
  });
});
