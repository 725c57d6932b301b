import { goArch, parseOsRelease } from '../../../../src/api/system/host';

describe('parseOsRelease', () => {
  it('prefers PRETTY_NAME, unquoted', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe('Debian GNU/Linux 12 (bookworm)');
  });

  it('falls back to NAME, then to Linux', () => {
    expect(parseOsRelease("NAME='Alpine Linux'\n")).toBe('Alpine Linux');
    expect(parseOsRelease('ID=x\n')).toBe('Linux');
  });
});

describe('goArch', () => {
  it("spells Node's architectures as Go does", () => {
    expect(goArch('x64')).toBe('amd64');
    expect(goArch('arm64')).toBe('arm64');
    expect(goArch('ia32')).toBe('386');
    expect(goArch('mips')).toBe('mips');
  });
});
