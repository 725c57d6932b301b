import {
  formatGoE,
  formatGoF,
  formatGoG,
  formatValue,
  sprint,
  sprintf,
  sprintln,
} from '../../../../src/cli/output/go-fmt';

describe('formatGoG (strconv.FormatFloat with g)', () => {
  it.each<[number, number, string]>([
    [4.26, 3, '4.26'],
    [4, 3, '4'],
    [10, 3, '10'],
    [100, 3, '100'],
    [999.5, 3, '1e+03'],
    [0.000012345, 3, '1.23e-05'],
    [0.0001, 3, '0.0001'],
    [1.125, 3, '1.12'],
    [2.5, 1, '2'],
    [3.5, 1, '4'],
    [-1.5, 2, '-1.5'],
    [0, 3, '0'],
    [123456789, -1, '1.23456789e+08'],
    [1e21, -1, '1e+21'],
    [100000, -1, '100000'],
    [1e6, -1, '1e+06'],
    [1234567.5, -1, '1.2345675e+06'],
    [0.0001, -1, '0.0001'],
    [0.00001, -1, '1e-05'],
    [0.1, -1, '0.1'],
    [1 / 3, -1, '0.3333333333333333'],
    [Infinity, -1, '+Inf'],
    [NaN, 3, 'NaN'],
  ])('%d with precision %d -> %s', (x, precision, expected) => {
    expect(formatGoG(x, precision)).toBe(expected);
  });
});

describe('formatGoE and formatGoF', () => {
  it('formats %e with a two-digit exponent', () => {
    expect(formatGoE(1234567)).toBe('1.234567e+06');
    expect(formatGoE(0)).toBe('0.000000e+00');
    expect(formatGoE(0.5, 2)).toBe('5.00e-01');
  });
  it('formats %f with the requested decimals, rounding ties to even', () => {
    expect(formatGoF(3.14159)).toBe('3.141590');
    expect(formatGoF(3.14159, 2)).toBe('3.14');
    expect(formatGoF(0.5, 0)).toBe('0');
    expect(formatGoF(1.5, 0)).toBe('2');
    expect(formatGoF(0.125, 2)).toBe('0.12');
    expect(formatGoF(-2.75, 1)).toBe('-2.8');
    expect(formatGoF(99.99, 1)).toBe('100.0');
  });
});

describe('formatValue (%v)', () => {
  it('prints JS values as Go prints their counterparts', () => {
    expect(formatValue('s')).toBe('s');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('<nil>');
    expect(formatValue(['a', 1, null])).toBe('[a 1 <nil>]');
    expect(formatValue({ b: 1, a: { c: [] } })).toBe('map[a:map[c:[]] b:1]');
    expect(formatValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500)))).toBe('2024-01-02 03:04:05.5 +0000 UTC');
    expect(formatValue(10n)).toBe('10');
  });
});

describe('sprint, sprintln, sprintf', () => {
  it('spaces operands as fmt.Sprint and fmt.Sprintln do', () => {
    expect(sprint(['a', 'b', 1, 2, 'c'])).toBe('ab1 2c');
    expect(sprintln(['a', 'b', 1])).toBe('a b 1\n');
    expect(sprintln([])).toBe('\n');
  });

  it.each<[string, unknown[], string]>([
    ['%s=%v', ['k', [1, 2]], 'k=[1 2]'],
    ['%5s|%-5s|', ['ab', 'cd'], '   ab|cd   |'],
    ['%.2s', ['abcdef'], 'ab'],
    ['%d %+d % d', [7, 7, 7], '7 +7  7'],
    ['%04d|%-4d|', [-7, 7], '-007|7   |'],
    ['%x %X %#x %o %b', [255, 255, 255, 8, 5], 'ff FF 0xff 10 101'],
    ['%x', ['hi'], '6869'],
    ['%q', ['a"b\n'], '"a\\"b\\n"'],
    ['%q', [["a", "b"]], '["a" "b"]'],
    ['%c', [0x1f600], '\u{1f600}'],
    ['%t %t', [true, false], 'true false'],
    ['%e|%.1f|%g|%G', [1500, 2.25, 0.00001, 1e30], '1.500000e+03|2.2|1e-05|1E+30'],
    ['%8.3f|', [3.14159], '   3.142|'],
    ['%*d', [5, 42], '   42'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%t', [1], '%!t(int=1)'],
    ['%d %d', [1], '1 %!d(MISSING)'],
    ['%d', [1, 'x'], '1%!(EXTRA string=x)'],
    ['%z', [1], '%!z(int=1)'],
    ['100%%', [], '100%'],
    ['%', [], '%!(NOVERB)'],
  ])('sprintf(%j)', (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });
});
