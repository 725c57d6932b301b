import { UsageError } from '../../../../src/errors';
import { compileTemplate, renderFormat } from '../../../../src/cli/output/template';

const render = (source: string, data: unknown = {}): string => compileTemplate(source)(data);

const image = {
  ID: 'sha256:4fb3',
  Repository: 'busybox',
  Tag: 'latest',
  RepoTags: ['busybox:latest', 'busybox:1.36'],
  Config: { Cmd: ['sh', '-c', 'echo hi'], Labels: { 'org.b': '2', 'org.a': '1' }, Entrypoint: null },
  State: { Status: 'running', Running: true, Pid: 4242, ExitCode: 0 },
};

describe('compileTemplate: fields and printing (Go %v)', () => {
  it.each([
    ['{{.Repository}}:{{.Tag}}', 'busybox:latest'],
    ['{{.State.Status}}', 'running'],
    ['{{.Config.Cmd}}', '[sh -c echo hi]'],
    ['{{.RepoTags}}', '[busybox:latest busybox:1.36]'],
    ['{{.Config.Labels}}', 'map[org.a:1 org.b:2]'],
    ['{{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}', 'true 4242 0'],
    ['{{.Config.Entrypoint}}', '<nil>'],
    ['{{.NoSuchField}}', '<no value>'],
    ['{{.NoSuchField.Deeper}}', '<no value>'],
    ['{{.}}', 'map[ID:sha256:4fb3 Repository:busybox Tag:latest]'],
  ])('%s', (source, expected) => {
    const data = source === '{{.}}' ? { Tag: 'latest', ID: 'sha256:4fb3', Repository: 'busybox' } : image;
    expect(render(source, data)).toBe(expected);
  });

  it('prints integers as Go ints and other numbers as Go float64s', () => {
    expect(render('{{.A}} {{.B}} {{.C}} {{.D}} {{.E}} {{.F}}', { A: 1.5, B: 1e21, C: 0.00001, D: -0.5, E: 123456789, F: 2500000.5 }))
      .toBe('1.5 1e+21 1e-05 -0.5 123456789 2.5000005e+06');
  });

  it('prints nested slices and maps', () => {
    expect(render('{{.}}', [[1, 2], [3]])).toBe('[[1 2] [3]]');
    expect(render('{{.M}}', { M: { k: ['a', 'b'], e: {} } })).toBe('map[e:map[] k:[a b]]');
    expect(render('{{.M}}', { M: new Map([['z', 1], ['y', 2]]) })).toBe('map[y:2 z:1]');
  });

  it('leaves text alone, HTML included', () => {
    expect(render('<b>&{{.X}}</b>', { X: '<i>' })).toBe('<b>&<i></b>');
  });

  it('calls function values like methods, with arguments', () => {
    expect(render('{{.Double 21}}', { Double: (n: number) => n * 2 })).toBe('42');
    expect(render('{{.Hello}}', { Hello: () => 'hi' })).toBe('hi');
  });

  it('reads getters of class instances and refuses unknown fields on them', () => {
    class Container {
      get Name(): string {
        return 'web';
      }
    }
    expect(render('{{.Name}}', new Container())).toBe('web');
    expect(() => render('{{.Nope}}', new Container())).toThrow("can't evaluate field Nope");
    expect(() => render('{{.constructor}}', {})).not.toThrow();
    expect(render('{{.toString}}', {})).toBe('<no value>');
  });
});

describe('compileTemplate: functions', () => {
  it.each([
    ['{{index .RepoTags 0}}', 'busybox:latest'],
    ['{{index .RepoTags 1}}', 'busybox:1.36'],
    ['{{index .Config.Labels "org.a"}}', '1'],
    ['{{index .Config.Labels "missing"}}', '<no value>'],
    ['{{len .RepoTags}}', '2'],
    ['{{len .Config.Labels}}', '2'],
    ['{{len "héllo"}}', '6'],
    ['{{join .Config.Cmd ","}}', 'sh,-c,echo hi'],
    ['{{lower "BusyBox"}} {{upper "busybox"}}', 'busybox BUSYBOX'],
    ['{{title "hello wORLD foo_bar a-b"}}', 'Hello WORLD Foo_bar A-B'],
    ['{{split "a,b,c" ","}}', '[a b c]'],
    ['{{index (split "a:b" ":") 1}}', 'b'],
    ['{{slice "hello" 1 3}} {{slice .RepoTags 1}}', 'el [busybox:1.36]'],
    ['{{pad "ab" 1 2}}|{{pad "" 1 2}}|', ' ab  ||'],
    ['{{truncate "abcdef" 3}} {{truncate "ab" 3}}', 'abc ab'],
    ['{{json .Config.Cmd}}', '["sh","-c","echo hi"]'],
    ['{{json "a<b>&c"}}', '"a<b>&c"'],
    ['{{json .Missing}}', 'null'],
    ['{{.State | json}}', '{"Status":"running","Running":true,"Pid":4242,"ExitCode":0}'],
    ['{{println "a" 1 2}}', 'a 1 2\n'],
    ['{{print "a" 1 2 "b"}}', 'a1 2b'],
    ['{{printf "%s:%d" .Repository 5}}', 'busybox:5'],
    ['{{printf "%-8s|%5.1f|%05d|%x|%q|%t|%v" "ab" 3.14159 -42 255 "q\\"" true .RepoTags}}', 'ab      |  3.1|-0042|ff|"q\\""|true|[busybox:latest busybox:1.36]'],
    ['{{printf "%d %s"}}', '%!d(MISSING) %!s(MISSING)'],
    ['{{printf "%d" "x"}}', '%!d(string=x)'],
    ['{{printf "%d" 1 2}}', '1%!(EXTRA int=2)'],
    ['{{printf "100%%"}}', '100%'],
    ['{{printf "%c%c" 104 105}}', 'hi'],
    ['{{html "<a href=\'x\'>"}}', '&lt;a href=&#39;x&#39;&gt;'],
    ['{{urlquery "a b&c"}}', 'a+b%26c'],
    ['{{not true}} {{not 0}} {{not ""}} {{not .RepoTags}}', 'false true true false'],
    ['{{and 1 0 2}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}}', '0 2 x '],
    ['{{or .Missing "default"}}', 'default'],
    ['{{eq .Tag "latest"}} {{eq .Tag "a" "b" "latest"}} {{ne 1 2}}', 'true true true'],
    ['{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', 'true true true false'],
    ['{{eq .Missing nil}}', 'true'],
  ])('%s', (source, expected) => {
    expect(render(source, image)).toBe(expected);
  });

  it('short-circuits and/or like Go 1.18+', () => {
    expect(render('{{and false (index .L 5)}}', { L: [] })).toBe('false');
    expect(render('{{or true (index .L 5)}}', { L: [] })).toBe('true');
    expect(() => render('{{and true (index .L 5)}}', { L: [] })).toThrow('index out of range: 5');
  });
});

describe('compileTemplate: pipelines, variables, control structures', () => {
  it.each([
    ['{{.Repository | upper | printf "<%s>"}}', '<BUSYBOX>'],
    ['{{3 | printf "%d-%d" 2}}', '2-3'],
    ['{{(index .RepoTags 0) | len}}', '14'],
    ['{{range .RepoTags}}{{.}} {{end}}', 'busybox:latest busybox:1.36 '],
    ['{{range $i, $t := .RepoTags}}{{$i}}={{$t}};{{end}}', '0=busybox:latest;1=busybox:1.36;'],
    ['{{range $t := .RepoTags}}[{{$t}}]{{end}}', '[busybox:latest][busybox:1.36]'],
    ['{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}', 'org.a=1 org.b=2 '],
    ['{{range .Config.Labels}}{{.}}{{end}}', '12'],
    ['{{range .Nothing}}x{{else}}empty{{end}}', 'empty'],
    ['{{range .RepoTags}}{{$.Repository}} {{end}}', 'busybox busybox '],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{range $i, $t := .RepoTags}}{{if $i}}{{break}}{{end}}{{$t}}{{end}}', 'busybox:latest'],
    ['{{range $i, $t := .RepoTags}}{{if not $i}}{{continue}}{{end}}{{$t}}{{end}}', 'busybox:1.36'],
    ['{{if .State.Running}}up{{else}}down{{end}}', 'up'],
    ['{{if .Missing}}a{{else if eq .Tag "latest"}}b{{else}}c{{end}}', 'b'],
    ['{{if and .State.Running (eq .State.ExitCode 0)}}ok{{end}}', 'ok'],
    ['{{with .State}}{{.Status}}/{{.Pid}}{{end}}', 'running/4242'],
    ['{{with .Missing}}x{{else}}none{{end}}', 'none'],
    ['{{with .Missing}}x{{else with .Tag}}{{.}}{{end}}', 'latest'],
    ['{{$x := .Tag}}{{$x}}-{{$x}}', 'latest-latest'],
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
    ['{{with $s := .State}}{{$s.Status}}{{end}}', 'running'],
    ['{{(index .RepoTags 0)}}', 'busybox:latest'],
    ['{{$.State.Status}}', 'running'],
  ])('%s', (source, expected) => {
    expect(render(source, image)).toBe(expected);
  });

  it('applies trim markers to the adjacent text only', () => {
    expect(render('a  {{- .X -}}  b', { X: 'q' })).toBe('aqb');
    expect(render('a \n {{- .X}} \n b', { X: 'q' })).toBe('aq \n b');
    expect(render('a {{.X -}} \n\t b', { X: 'q' })).toBe('a qb');
    expect(render('x {{-3}} y')).toBe('x -3 y');
  });

  it('skips comments', () => {
    expect(render('{{/* a comment */}}x{{- /* trimmed */ -}} y')).toBe('xy');
  });

  it('understands string, raw string and character literals', () => {
    expect(render('{{"a\\tb\\u00e9"}}')).toBe('a\tb\u00e9');
    expect(render('{{`a\\nb`}}')).toBe('a\\nb');
    expect(render("{{'a'}} {{printf \"%c\" 'x'}}")).toBe('97 x');
    expect(render('{{0x1F}} {{1_000}} {{-2}} {{+3}} {{1.0}}')).toBe('31 1000 -2 3 1');
  });

  it('supports fields of parenthesised pipelines', () => {
    expect(render('{{(index .L 1).Name}}', { L: [{ Name: 'a' }, { Name: 'b' }] })).toBe('b');
  });
});

describe('compileTemplate: parse errors', () => {
  it.each([
    ['{{foo .X}}', 'template parsing error: template: :1: function "foo" not defined'],
    ['{{.X', 'template parsing error: template: :1: unclosed action'],
    ['{{if .X}}a', 'template parsing error: template: :1: unexpected EOF'],
    ['a{{end}}', 'template parsing error: template: :1: unexpected {{end}}'],
    ['{{else}}', 'unexpected {{else}}'],
    ['{{}}', 'missing value for command'],
    ['{{if}}x{{end}}', 'missing value for if'],
    ['{{.X | "a"}}', 'non executable command in pipeline stage 2'],
    ['{{break}}', '{{break}} outside {{range}}'],
    ['{{template "x"}}', '{{template}} is not supported'],
    ['{{"abc}}', 'unterminated quoted string'],
    ['{{3x}}', 'bad number syntax'],
    ['{{.X @}}', 'unrecognized character in action'],
    ['{{$y}}', 'undefined variable "$y"'],
    ['{{if true}}{{$y := 1}}{{end}}{{$y}}', 'undefined variable "$y"'],
    ['{{$z = 1}}', 'undefined variable "$z"'],
    ['{{/* open', 'unclosed comment'],
    ['{{/* c */ .X}}', 'comment ends before closing delimiter'],
    ['{{(.X}}', 'unclosed left paren'],
    ['{{.X)}}', 'unexpected right paren'],
    ['{{.X |}}', 'unexpected "}}" in command'],
    ['line one\n{{.X | nope}}', 'template: :2: function "nope" not defined'],
  ])('%j', (source, message) => {
    expect(() => compileTemplate(source)).toThrow(UsageError);
    expect(() => compileTemplate(source)).toThrow(message);
  });
});

describe('compileTemplate: execution errors', () => {
  it.each([
    ['{{.A.B}}', { A: null }, 'template parsing error: template: :1:2: executing "" at <.A.B>: nil pointer evaluating interface {}.B'],
    ['{{.X.Y}}', { X: 'str' }, "can't evaluate field Y in type string"],
    ['{{.L.Y}}', { L: [1] }, "can't evaluate field Y in type []interface {}"],
    ['x{{index .L 5}}', { L: [] }, ':1:3: executing "" at <index .L 5>: error calling index: index out of range: 5'],
    ['{{index .X 0}}', {}, 'index of untyped nil'],
    ['{{len 1 2}}', {}, 'wrong number of args for len: want 1 got 2'],
    ['{{len 3}}', {}, 'len of type int'],
    ['{{lower 3}}', {}, 'wrong type for value; expected string; got int'],
    ['{{.X 1}}', { X: 'a' }, 'X is not a method but has arguments'],
    ['{{"a" 1}}', {}, "can't give argument to non-function a"],
    ['{{nil}}', {}, 'nil is not a command'],
    ['{{eq 1 "a"}}', {}, 'incompatible types for comparison'],
    ['{{lt .L 1}}', { L: [] }, 'invalid type for comparison'],
    ['{{range .S}}{{end}}', { S: 'abc' }, "range can't iterate over abc"],
  ])('%s', (source, data, message) => {
    const run = compileTemplate(source);
    expect(() => run(data)).toThrow(UsageError);
    expect(() => run(data)).toThrow(message);
  });
});

describe('compileTemplate with missingKey: error (docker inspect -f)', () => {
  const strict = (source: string, data: unknown): string => compileTemplate(source, { missingKey: 'error' })(data);
  it('reports a missing key as Go does', () => {
    expect(() => strict('{{.Foo}}', { Bar: 1 })).toThrow(
      'template parsing error: template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"',
    );
    expect(() => strict('{{.State.Nope}}', image)).toThrow('map has no entry for key "Nope"');
  });
  it('still renders present keys, null values and index lookups', () => {
    expect(strict('{{.State.Status}} {{.Config.Entrypoint}}', image)).toBe('running <nil>');
    expect(strict('{{index .Config.Labels "none"}}', image)).toBe('<no value>');
  });
});

describe('renderFormat (docker/cli formatter semantics)', () => {
  const rows = [
    { ID: '4fb3c2a1b7e9', Repository: 'busybox', Tag: 'latest', Size: '4.26MB' },
    { ID: '0a1b2c3d4e5f', Repository: 'docker.io/some/very-long-name', Tag: '1', Size: '1.23GB' },
  ];
  const opts = {
    defaultTable: 'table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.Size}}',
    headers: { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Size: 'SIZE' },
  };
  const expectedDefault =
    'REPOSITORY                      TAG       IMAGE ID       SIZE\n' +
    'busybox                         latest    4fb3c2a1b7e9   4.26MB\n' +
    'docker.io/some/very-long-name   1         0a1b2c3d4e5f   1.23GB\n';

  it('uses the default table when no format is given', () => {
    expect(renderFormat(undefined, rows, opts)).toBe(expectedDefault);
    expect(renderFormat('', rows, opts)).toBe(expectedDefault);
  });

  it("treats a bare 'table' as the default table", () => {
    expect(renderFormat('table', rows, opts)).toBe(expectedDefault);
  });

  it('renders a custom table with headers from the field names', () => {
    const out = renderFormat('table {{.ID}}\t{{.Repository}}', rows, opts);
    expect(out).toBe(
      'IMAGE ID       REPOSITORY\n' +
      '4fb3c2a1b7e9   busybox\n' +
      '0a1b2c3d4e5f   docker.io/some/very-long-name\n',
    );
  });

  it('expands a typed \\t and trims surrounding spaces of the template', () => {
    expect(renderFormat('table   {{.Tag}}\\t{{.Size}}  ', rows, opts)).toBe(
      'TAG       SIZE\nlatest    4.26MB\n1         1.23GB\n',
    );
  });

  it('keeps column names intact through functions and upper-cases unknown fields', () => {
    const out = renderFormat('table {{lower .Repository}}\t{{.Other}}\t{{json .Tag}}', [rows[0]], opts);
    expect(out).toBe('REPOSITORY   OTHER        TAG\nbusybox      <no value>   "latest"\n');
  });

  it('prints only the header for an empty table', () => {
    expect(renderFormat(undefined, [], opts)).toBe('REPOSITORY   TAG       IMAGE ID   SIZE\n');
  });

  it("'json' prints one object per line", () => {
    expect(renderFormat('json', rows, opts)).toBe(
      '{"ID":"4fb3c2a1b7e9","Repository":"busybox","Tag":"latest","Size":"4.26MB"}\n' +
      '{"ID":"0a1b2c3d4e5f","Repository":"docker.io/some/very-long-name","Tag":"1","Size":"1.23GB"}\n',
    );
    expect(renderFormat('{{json .}}', [rows[0]], opts)).toBe(renderFormat('json', [rows[0]], opts));
    expect(renderFormat('json', [], opts)).toBe('');
  });

  it('renders a raw template per row, each followed by a newline, without alignment', () => {
    expect(renderFormat('{{.Repository}}:{{.Tag}}', rows, opts)).toBe(
      'busybox:latest\ndocker.io/some/very-long-name:1\n',
    );
    expect(renderFormat('{{.ID}}\t{{.Tag}}', [rows[0]], opts)).toBe('4fb3c2a1b7e9\tlatest\n');
    expect(renderFormat('{{.ID}}', [], opts)).toBe('');
  });

  it('reports a bad format as a usage error', () => {
    expect(() => renderFormat('{{.ID', rows, opts)).toThrow(UsageError);
    expect(() => renderFormat('table {{nope .ID}}', rows, opts)).toThrow('function "nope" not defined');
  });
});
