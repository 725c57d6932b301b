import { compileTemplate } from '../../../../src/cli/output/template';
import { CONTAINER_SHAPE, IMAGE_SHAPE, typedByShape } from '../../../../src/cli/output/go-values';
import { renderFormat } from '../../../../src/cli/output/template';

const container = {
  Id: 'c0ffee',
  Args: [],
  ExecIDs: null,
  State: { Status: 'created' },
  HostConfig: { Binds: null, CapAdd: null, PidsLimit: null, Tmpfs: undefined as unknown, PortBindings: {}, LogConfig: { Type: 'json-file', Config: {} } },
  Mounts: [],
  Config: { Entrypoint: null, Cmd: ['sh'], Volumes: null, ExposedPorts: { '80/tcp': {} }, Labels: {} },
  NetworkSettings: { Networks: { none: { Links: null, IPAMConfig: null, DriverOpts: null } } },
};
delete (container.HostConfig as Record<string, unknown>).Tmpfs;

const inspect = (source: string, doc: unknown = container, shape = CONTAINER_SHAPE): string =>
  compileTemplate(source, { missingKey: 'error' })(typedByShape(doc, shape));

describe('typedByShape: Go values JSON cannot tell apart, as `docker inspect -f` prints them', () => {
  it.each([
    // regression: berth printed <nil> for Docker's nil slices and maps, map[] for its sets' members
    ['{{.Config.Entrypoint}}', '[]'],
    ['{{.ExecIDs}}', '[]'],
    ['{{.HostConfig.Binds}} {{.HostConfig.CapAdd}}', '[] []'],
    ['{{.Config.Volumes}}', 'map[]'],
    ['{{.Config.ExposedPorts}}', 'map[80/tcp:{}]'],
    ['{{.NetworkSettings.Networks.none.Links}} {{.NetworkSettings.Networks.none.DriverOpts}}', '[] map[]'],
    // a nil pointer stays <nil>
    ['{{.HostConfig.PidsLimit}} {{.NetworkSettings.Networks.none.IPAMConfig}}', '<nil> <nil>'],
    // an omitempty field left out of the JSON is still in Go's struct, at its zero value
    ['{{.HostConfig.Init}} {{.HostConfig.Tmpfs}} {{.Config.StopSignal}}|{{.Config.Shell}}', '<nil> map[] |[]'],
    ['{{len .Config.Entrypoint}} {{if .Config.Entrypoint}}yes{{else}}no{{end}} {{range .Config.Entrypoint}}x{{end}}.', '0 no .'],
  ])('%s', (source, expected) => {
    expect(inspect(source)).toBe(expected);
  });

  it('keeps JSON as dockerd sends it: nil is null, a set member {}, an absent field absent', () => {
    expect(inspect('{{json .Config}}')).toBe('{"Entrypoint":null,"Cmd":["sh"],"Volumes":null,"ExposedPorts":{"80/tcp":{}},"Labels":{}}');
    expect(inspect('{{json .HostConfig.Binds}} {{json .HostConfig.Init}}')).toBe('null null');
    expect(JSON.stringify(typedByShape(container, CONTAINER_SHAPE))).toBe(JSON.stringify(container));
  });

  it('leaves the document it was given alone', () => {
    typedByShape(container, CONTAINER_SHAPE);
    expect(container.Config.Entrypoint).toBeNull();
    expect(container.Config.ExposedPorts['80/tcp']).toEqual({});
  });

  it('still says a key is missing when Go has no such field either', () => {
    expect(() => inspect('{{.Nope}}')).toThrow('map has no entry for key "Nope"');
    expect(() => inspect('{{.Config.Labels.nope}}')).toThrow('map has no entry for key "nope"');
  });

  it('types image documents too', () => {
    const image = { RepoDigests: null, Config: { Env: null, Volumes: { '/data': {} } }, ContainerConfig: { Cmd: null } };
    expect(inspect('{{.RepoDigests}} {{.Config.Env}} {{.Config.Volumes}} {{.ContainerConfig.Cmd}} {{.Variant}}|', image, IMAGE_SHAPE)).toBe(
      '[] [] map[/data:{}] [] |',
    );
  });
});

describe('renderFormat: `{{json .}}` of a list row is its MarshalJSON, HTML-escaped (regression: it was not)', () => {
  it('escapes <, > and & in a whole row, not in a field of it', () => {
    const rows = [{ Digest: '<none>', Tag: 'a&b' }];
    expect(renderFormat('{{json .}}', rows, { defaultTable: 'table {{.Tag}}', headers: {} })).toBe(
      '{"Digest":"\\u003cnone\\u003e","Tag":"a\\u0026b"}\n',
    );
    expect(renderFormat('json', rows, { defaultTable: 'table {{.Tag}}', headers: {} })).toBe('{"Digest":"\\u003cnone\\u003e","Tag":"a\\u0026b"}\n');
    expect(renderFormat('{{json .Digest}}', rows, { defaultTable: 'table {{.Tag}}', headers: {} })).toBe('"<none>"\n');
  });

  it('calls a row method with its argument, as `{{.Label "k"}}` (regression: "Label is not a method")', () => {
    const rows = [{ Labels: 'a=1', Label: (name: string) => ({ a: '1' } as Record<string, string>)[name] ?? '' }];
    expect(renderFormat('{{.Label "a"}}|{{.Label "b"}}|{{json .}}', rows, { defaultTable: 'table {{.Labels}}', headers: {} })).toBe('1||{"Labels":"a=1"}\n');
  });
});
