import { endpointsFor, isInsecure } from '../../../src/api/images/endpoints';
import { Settings } from '../../../src/config/settings';

function settings(partial: Partial<Settings> = {}): Settings {
  return { root: '/r', configFile: '/c.json', registryMirrors: [], insecureRegistries: [], ...partial };
}

describe('endpointsFor', () => {
  test('docker.io goes to mirrors first, then Docker Hub over https', () => {
    const eps = endpointsFor('docker.io', settings({ registryMirrors: ['http://127.0.0.1:5000', 'https://mirror.example'] }));
    expect(eps.map((e) => [e.host, e.insecure, e.mirror])).toEqual([
      ['127.0.0.1:5000', true, true],
      ['mirror.example', false, true],
      ['registry-1.docker.io', false, false],
    ]);
    expect(eps[2].credentialKey).toBe('docker.io');
  });

  test('other domains are their own registry; loopback may use plain http', () => {
    expect(endpointsFor('127.0.0.1:5000', settings())).toEqual([
      { host: '127.0.0.1:5000', insecure: true, mirror: false, credentialKey: '127.0.0.1:5000' },
    ]);
    expect(endpointsFor('quay.io', settings())[0].insecure).toBe(false);
  });

  test('insecure-registries by host, host:port and CIDR', () => {
    expect(isInsecure('reg.local:5000', settings({ insecureRegistries: ['reg.local:5000'] }))).toBe(true);
    expect(isInsecure('reg.local:5000', settings({ insecureRegistries: ['reg.local'] }))).toBe(true);
    expect(isInsecure('10.1.2.3:5000', settings({ insecureRegistries: ['10.0.0.0/8'] }))).toBe(true);
    expect(isInsecure('11.1.2.3:5000', settings({ insecureRegistries: ['10.0.0.0/8'] }))).toBe(false);
    expect(isInsecure('other.local', settings({ insecureRegistries: ['reg.local'] }))).toBe(false);
  });
});
