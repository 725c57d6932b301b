// Reading a state.json: a whole record as it is; a damaged one as a `dead` record built from what can be found;
// and the cgroups a container may have, so that rm finds them whatever file is damaged.
import { cgroupPathsOf, conventionalCgroupPath, recordFromText, RecordSource } from '../../../src/runtime/state';

const ID = 'c'.repeat(64);
const source: RecordSource = { id: ID, dir: `/root/containers/${ID}`, file: `/root/containers/${ID}/state.json`, created: () => '2024-01-01T00:00:00.000Z' };

const whole = {
  ociVersion: '1.0.2', id: ID, status: 'stopped', bundle: source.dir, name: 'web', image: 'busybox',
  imageId: 'sha256:' + 'a'.repeat(64), command: ['sh'], created: '2024-05-05T10:00:00.000Z', labels: {},
  autoRemove: false, restartCount: 0, cgroupsPath: `/custom/${'c'.repeat(64)}`,
  hostConfig: { networkMode: 'none', restartPolicy: { name: 'no', maximumRetryCount: 0 } },
};

describe('recordFromText', () => {
  test('a whole state is returned as it is', () => {
    expect(recordFromText(JSON.stringify(whole, null, 2), source)).toEqual(whole);
  });

  test('a truncated one is dead: the ID from the directory, the top-level strings still legible, the parse error', () => {
    const text = JSON.stringify(whole, null, 2);
    const dead = recordFromText(text.slice(0, text.indexOf('"labels"')), source);
    expect(dead).toMatchObject({ id: ID, status: 'dead', name: 'web', image: 'busybox', bundle: source.dir, created: '2024-05-05T10:00:00.000Z', command: [] });
    expect(dead.error).toMatch(new RegExp(`^read container state \`${source.file}\`: .*JSON`));
    expect(dead.hostConfig.restartPolicy).toEqual({ name: 'no', maximumRetryCount: 0 });
  });

  test('nested strings are not taken for top-level ones', () => {
    const nested = `{\n  "id": "${ID}",\n  "labels": {\n    "name": "not-the-name"\n  },\n  "name": "real"`;
    expect(recordFromText(nested, source).name).toBe('real');
  });

  test.each([
    ['', 'the file is empty'],
    ['[]', 'not a JSON object'],
    [JSON.stringify({ ...whole, status: 'exploded' }), '`status` is invalid'],
    [JSON.stringify({ ...whole, status: 'dead' }), '`status` is invalid'],
    [JSON.stringify({ ...whole, command: 'sh' }), '`command` is invalid'],
    [JSON.stringify({ ...whole, hostConfig: undefined }), '`hostConfig` is missing'],
    [JSON.stringify({ ...whole, id: 'd'.repeat(64) }), `\`id\` is \`${'d'.repeat(64)}\`, not the directory's`],
  ])('%s is dead: %s', (text, reason) => {
    const dead = recordFromText(text, source);
    expect(dead.status).toBe('dead');
    expect(dead.error).toBe(`read container state \`${source.file}\`: ${reason}`);
    expect(dead.created).toBe(text === '' || text === '[]' ? '2024-01-01T00:00:00.000Z' : whole.created);
  });
});

describe('cgroupPathsOf', () => {
  test('the state, then the spec, then the convention, each once', () => {
    expect(cgroupPathsOf({ id: ID, cgroupsPath: `/custom/${ID}` }, () => `/spec/${ID}`)).toEqual([`/custom/${ID}`, `/spec/${ID}`, `/berth/${ID}`]);
    expect(cgroupPathsOf({ id: ID, cgroupsPath: `/berth/${ID}` }, () => `/berth/${ID}`)).toEqual([`/berth/${ID}`]);
  });

  test('a path that is not the container\'s own (not ending in its ID) never counts: rm would kill what it holds', () => {
    expect(cgroupPathsOf({ id: ID, cgroupsPath: '/system.slice' }, () => '/')).toEqual([`/berth/${ID}`]);
    expect(cgroupPathsOf({ id: ID, cgroupsPath: `berth/${ID}` }, () => `/x/${ID}y`)).toEqual([`/berth/${ID}`]);
  });

  test('a damaged config.json (the spec throws) and an old state (no cgroupsPath) still give the convention', () => {
    const damaged = (): string => {
      throw new SyntaxError('Unexpected end of JSON input');
    };
    expect(cgroupPathsOf({ id: ID }, damaged)).toEqual([conventionalCgroupPath(ID)]);
    expect(conventionalCgroupPath(ID)).toBe(`/berth/${ID}`);
  });
});
