import { applyChange, applyChanges, splitWords, unquote } from '../../../src/image/config-changes';
import { UsageError } from '../../../src/errors';

describe('applyChanges (import --change)', () => {
  it('takes CMD and ENTRYPOINT in JSON form as is, and wraps shell form in /bin/sh -c', () => {
    expect(applyChanges(['CMD ["sh", "-c", "echo hi"]']).Cmd).toEqual(['sh', '-c', 'echo hi']);
    expect(applyChanges(['CMD echo "a b"']).Cmd).toEqual(['/bin/sh', '-c', 'echo "a b"']);
    expect(applyChanges(['ENTRYPOINT ["/bin/tool"]']).Entrypoint).toEqual(['/bin/tool']);
    expect(applyChanges(['entrypoint /bin/tool --x']).Entrypoint).toEqual(['/bin/sh', '-c', '/bin/tool --x']);
    // Not a JSON array of strings: shell form, as Docker does.
    expect(applyChanges(['CMD [1, 2]']).Cmd).toEqual(['/bin/sh', '-c', '[1, 2]']);
  });

  it('sets ENV in key=value and legacy forms, replacing an existing key', () => {
    const config = applyChanges(['ENV A=1 B="two words" C=\'x y\'', 'ENV A=changed', 'ENV LEGACY some value here']);
    expect(config.Env).toEqual(['A=changed', 'B=two words', 'C=x y', 'LEGACY=some value here']);
  });

  it('merges LABELs, EXPOSEd ports (ranges, protocols) and VOLUMEs', () => {
    const config = applyChanges(['LABEL a=b "c d"=e', 'EXPOSE 80 8000-8002/udp', 'VOLUME ["/data", "/logs"]', 'VOLUME /cache /tmp/x']);
    expect(config.Labels).toEqual({ a: 'b', 'c d': 'e' });
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(['80/tcp', '8000/udp', '8001/udp', '8002/udp']);
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/data', '/logs', '/cache', '/tmp/x']);
  });

  it('sets USER, STOPSIGNAL and WORKDIR (relative to the previous one)', () => {
    const config = applyChanges(['USER 1000:1000', 'STOPSIGNAL SIGINT', 'WORKDIR /app', 'WORKDIR src']);
    expect(config.User).toBe('1000:1000');
    expect(config.StopSignal).toBe('SIGINT');
    expect(config.WorkingDir).toBe('/app/src');
  });

  it('does not touch the base config it starts from', () => {
    const base = { Env: ['PATH=/bin'] };
    expect(applyChanges(['ENV X=1'], base).Env).toEqual(['PATH=/bin', 'X=1']);
    expect(base.Env).toEqual(['PATH=/bin']);
  });

  it('refuses other instructions, missing arguments and bad ports', () => {
    expect(() => applyChange({}, 'RUN echo no')).toThrow(/`RUN` is not a valid change instruction/);
    expect(() => applyChange({}, 'CMD')).toThrow(UsageError);
    expect(() => applyChange({}, 'EXPOSE http')).toThrow(/invalid port `http`/);
    expect(() => applyChange({}, 'EXPOSE 70000')).toThrow(/invalid port range/);
    expect(() => applyChange({}, 'ENV A="unterminated')).toThrow(/unmatched double quote/);
    expect(() => applyChange({}, 'ENV =x')).toThrow(/expects key=value/);
  });
});

describe('word splitting and unquoting', () => {
  it('splits on unquoted whitespace only', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`)).toEqual(['a', '"b c"', "'d e'", 'f\\ g']);
  });
  it('removes quotes and escapes', () => {
    expect(unquote('"b \\"c\\""')).toBe('b "c"');
    expect(unquote("'d \\e'")).toBe('d \\e');
    expect(unquote('f\\ g')).toBe('f g');
  });
});
