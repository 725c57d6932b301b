import { BerthError } from '../../../../src/errors';
import type { ContainerConfig } from '../../../../src/image/oci-types';
import { resolveCommand } from '../../../../src/runtime/spec/entrypoint';

const nginx: ContainerConfig = { Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'] };
const alpine: ContainerConfig = { Cmd: ['/bin/sh'] };
const entrypointOnly: ContainerConfig = { Entrypoint: ['/bin/app'] };

describe('resolveCommand (Docker ENTRYPOINT/CMD rules)', () => {
  it('runs the image ENTRYPOINT with its CMD', () => {
    expect(resolveCommand(nginx, { cmd: [] }).args).toEqual(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
  });
  it('runs the image CMD when there is no ENTRYPOINT', () => {
    expect(resolveCommand(alpine, { cmd: [] })).toEqual({ entrypoint: [], cmd: ['/bin/sh'], args: ['/bin/sh'] });
  });
  it('replaces CMD with the arguments after the image, keeping ENTRYPOINT', () => {
    expect(resolveCommand(nginx, { cmd: ['nginx', '-T'] }).args).toEqual(['/docker-entrypoint.sh', 'nginx', '-T']);
    expect(resolveCommand(alpine, { cmd: ['echo', 'hi'] }).args).toEqual(['echo', 'hi']);
  });
  it('--entrypoint replaces the ENTRYPOINT and drops the image CMD', () => {
    expect(resolveCommand(nginx, { entrypoint: '/bin/sh', cmd: [] })).toEqual({
      entrypoint: ['/bin/sh'],
      cmd: [],
      args: ['/bin/sh'],
    });
  });
  it('--entrypoint with arguments after the image', () => {
    expect(resolveCommand(nginx, { entrypoint: '/bin/sh', cmd: ['-c', 'ls'] }).args).toEqual(['/bin/sh', '-c', 'ls']);
  });
  it('does not split --entrypoint on spaces', () => {
    expect(resolveCommand(alpine, { entrypoint: 'echo hi', cmd: [] }).args).toEqual(['echo hi']);
  });
  it('--entrypoint "" clears the ENTRYPOINT and runs the arguments', () => {
    expect(resolveCommand(nginx, { entrypoint: '', cmd: ['ls', '/'] })).toEqual({
      entrypoint: [],
      cmd: ['ls', '/'],
      args: ['ls', '/'],
    });
  });
  it('--entrypoint "" also drops the image CMD, leaving nothing to run', () => {
    expect(() => resolveCommand(nginx, { entrypoint: '', cmd: [] })).toThrow('no command specified');
  });
  it('runs an ENTRYPOINT-only image with arguments or alone', () => {
    expect(resolveCommand(entrypointOnly, { cmd: [] }).args).toEqual(['/bin/app']);
    expect(resolveCommand(entrypointOnly, { cmd: ['--help'] }).args).toEqual(['/bin/app', '--help']);
  });
  it('treats null ENTRYPOINT/CMD (docker save output) as absent', () => {
    expect(resolveCommand({ Entrypoint: null, Cmd: ['x'] }, { cmd: [] }).args).toEqual(['x']);
  });
  it('fails with exit 125 when there is no command at all', () => {
    for (const image of [undefined, {}, { Cmd: [] as string[] }, { Entrypoint: null, Cmd: null }]) {
      try {
        resolveCommand(image, { cmd: [] });
        throw new Error('not thrown');
      } catch (err) {
        expect(err).toBeInstanceOf(BerthError);
        expect((err as BerthError).message).toBe('no command specified');
        expect((err as BerthError).exitCode).toBe(125);
      }
    }
  });
  it('does not alias the image’s arrays', () => {
    const resolved = resolveCommand(nginx, { cmd: [] });
    resolved.args.push('x');
    resolved.cmd.push('y');
    expect(nginx.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
  });
});
