import { envKeyWithNul, imageConfigProblem, processConfigProblem } from '../../../src/image/image-config';

const rootfs = { type: 'layers', diff_ids: [] };

describe('envKeyWithNul', () => {
  test('names the key of the first entry with a NUL, never its value', () => {
    expect(envKeyWithNul(['A=1', 'TOKEN=se\0cret', 'B=x\0'])).toBe('TOKEN');
  });
  test('a NUL in the key is shown as \\0', () => {
    expect(envKeyWithNul(['A\0B=1'])).toBe('A\\0B');
    expect(envKeyWithNul(['BARE\0'])).toBe('BARE\\0');
  });
  test('none: undefined', () => {
    expect(envKeyWithNul(['A=1', 'B'])).toBeUndefined();
    expect(envKeyWithNul(undefined)).toBeUndefined();
    expect(envKeyWithNul(null)).toBeUndefined();
  });
});

describe('processConfigProblem', () => {
  test('a config that can run has none', () => {
    expect(processConfigProblem({ Env: ['PATH=/bin'], Cmd: ['sh'], Entrypoint: null, WorkingDir: '/', User: '0' })).toBeUndefined();
    expect(processConfigProblem(undefined)).toBeUndefined();
  });
  test.each([
    [{ Env: ['A=x\0y'] }, 'its environment variable `A` holds a NUL byte'],
    [{ Cmd: ['echo', 'a\0b'] }, 'its Cmd holds a NUL byte'],
    [{ Entrypoint: ['/bin/\0sh'] }, 'its Entrypoint holds a NUL byte'],
    [{ WorkingDir: '/w\0' }, 'its WorkingDir holds a NUL byte'],
    [{ User: 'root\0' }, 'its User holds a NUL byte'],
    [{ Env: 'A=1' }, 'its Env is not a list of strings'],
    [{ Cmd: ['sh', 1] }, 'its Cmd is not a list of strings'],
    [{ WorkingDir: 7 }, 'its WorkingDir is not a string'],
  ])('%j: %s', (config, problem) => {
    expect(processConfigProblem(config as never)).toBe(problem);
  });
});

describe('imageConfigProblem', () => {
  test('needs rootfs.diff_ids', () => {
    expect(imageConfigProblem({ architecture: 'amd64', os: 'linux' })).toBe('it has no rootfs.diff_ids');
    expect(imageConfigProblem('text')).toBe('it is not a JSON object');
    expect(imageConfigProblem(null)).toBe('it is not a JSON object');
  });
  test('checks the process fields', () => {
    expect(imageConfigProblem({ rootfs, config: { Env: ['A=x\0y'] } })).toBe('its environment variable `A` holds a NUL byte');
    expect(imageConfigProblem({ rootfs, config: { Env: ['A=1'] } })).toBeUndefined();
  });
});
