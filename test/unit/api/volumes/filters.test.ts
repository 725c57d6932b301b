import { matchesFilter, parseVolumeFilters } from '../../../../src/api/volumes/filters';
import { VolumeRecord } from '../../../../src/api/volumes/record';

function record(name: string, labels: Record<string, string> = {}): VolumeRecord {
  return {
    Name: name, Driver: 'local', Mountpoint: `/v/${name}/_data`, CreatedAt: '2024-01-01T00:00:00Z',
    Labels: labels, Options: {}, Scope: 'local', Anonymous: false, Populated: false,
  };
}

describe('volume filters', () => {
  it('parses dangling, name, driver and label', () => {
    expect(parseVolumeFilters(['dangling=true', 'name=web', 'driver=local', 'label=env=prod', 'label=tier'])).toEqual({
      dangling: true, names: ['web'], drivers: ['local'], labels: ['env=prod', 'tier'],
    });
    expect(parseVolumeFilters(['dangling=0']).dangling).toBe(false);
    expect(parseVolumeFilters([])).toEqual({ names: [], drivers: [], labels: [] });
  });

  it("refuses what Docker refuses", () => {
    expect(() => parseVolumeFilters(['dangling'])).toThrow('bad format of filter (expected name=value)');
    expect(() => parseVolumeFilters(['colour=red'])).toThrow("invalid filter 'colour'");
    expect(() => parseVolumeFilters(['dangling=maybe'])).toThrow("Invalid filter 'dangling=maybe'");
    expect(() => parseVolumeFilters(['dangling=true', 'dangling=false'])).toThrow("Invalid filter 'dangling=false'");
  });

  it('dangling=true keeps unused volumes, dangling=false used ones', () => {
    const v = record('data');
    expect(matchesFilter(v, parseVolumeFilters(['dangling=true']), false)).toBe(true);
    expect(matchesFilter(v, parseVolumeFilters(['dangling=true']), true)).toBe(false);
    expect(matchesFilter(v, parseVolumeFilters(['dangling=false']), true)).toBe(true);
    expect(matchesFilter(v, parseVolumeFilters(['dangling=false']), false)).toBe(false);
  });

  it('name matches as a regular expression, any value may match', () => {
    expect(matchesFilter(record('web-data'), parseVolumeFilters(['name=data']), false)).toBe(true);
    expect(matchesFilter(record('web-data'), parseVolumeFilters(['name=^web']), false)).toBe(true);
    expect(matchesFilter(record('web-data'), parseVolumeFilters(['name=^data']), false)).toBe(false);
    expect(matchesFilter(record('db'), parseVolumeFilters(['name=web', 'name=db']), false)).toBe(true);
  });

  it('labels all have to match, by key or by key and value', () => {
    const v = record('x1', { env: 'prod', tier: '' });
    expect(matchesFilter(v, parseVolumeFilters(['label=env']), false)).toBe(true);
    expect(matchesFilter(v, parseVolumeFilters(['label=env=prod', 'label=tier']), false)).toBe(true);
    expect(matchesFilter(v, parseVolumeFilters(['label=env=dev']), false)).toBe(false);
    expect(matchesFilter(v, parseVolumeFilters(['label=env', 'label=owner']), false)).toBe(false);
  });
});
