import { randomName, validateName } from '../../../src/runtime/names';
import { UsageError } from '../../../src/errors/kinds';

describe('container names', () => {
  test.each(['web', 'my_web2', 'a.b-c', 'A1', '/web'])('accepts %s', (name) => {
    expect(validateName(name)).toBe(name.replace(/^\//, ''));
  });

  test.each(['컨테이너_이름', 'a', '-web', '_web', 'we b', 'web!', ''])('refuses %s with exit 125', (name) => {
    let caught: unknown;
    try {
      validateName(name);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(125);
    expect((caught as UsageError).message).toBe(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  });

  test('random names look like adjective_surname and avoid taken ones', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = randomName((n) => taken.has(n));
      expect(name).toMatch(/^[a-z]+_[a-z]+\d?$/);
      expect(taken.has(name)).toBe(false);
      expect(() => validateName(name)).not.toThrow();
      taken.add(name);
    }
  });
});
