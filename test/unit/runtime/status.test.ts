import { assertCan, canDo, dockerStatus } from '../../../src/runtime/status';
import { ConflictError } from '../../../src/errors/kinds';

describe('container status', () => {
  test('OCI statuses map to Docker words', () => {
    expect(dockerStatus('creating')).toBe('created');
    expect(dockerStatus('created')).toBe('created');
    expect(dockerStatus('running')).toBe('running');
    expect(dockerStatus('paused')).toBe('paused');
    expect(dockerStatus('stopped')).toBe('exited');
    expect(dockerStatus('stopped', true)).toBe('dead');
    expect(dockerStatus('dead')).toBe('dead');
  });

  test.each([
    ['start', 'created', true],
    ['start', 'stopped', true],
    ['start', 'running', false],
    ['kill', 'running', true],
    ['kill', 'stopped', false],
    ['delete', 'stopped', true],
    ['delete', 'running', false],
    ['pause', 'running', true],
    ['resume', 'paused', true],
    ['exec', 'created', false],
    ['delete', 'dead', true],
    ['start', 'dead', false],
    ['kill', 'dead', false],
    ['exec', 'dead', false],
  ] as const)('%s while %s: %s', (action, status, allowed) => {
    expect(canDo(action, status)).toBe(allowed);
  });

  test('refusals carry Docker-worded messages', () => {
    expect(() => assertCan('delete', 'running', 'web')).toThrow(ConflictError);
    expect(() => assertCan('delete', 'running', 'web')).toThrow(
      'cannot remove container "web": container is running: stop the container before removing or force remove',
    );
    expect(() => assertCan('kill', 'stopped', 'web')).toThrow('container web is not running');
    expect(() => assertCan('start', 'running', 'web')).toThrow('cannot start container web: container is running');
  });

  test('a dead record cannot be started, only removed', () => {
    expect(() => assertCan('start', 'dead', 'web')).toThrow('cannot start container web: container is dead');
    expect(() => assertCan('delete', 'dead', 'web')).not.toThrow();
  });
});
