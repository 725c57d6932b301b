import { commandText } from '../../../../../src/cli/commands/container/ps';
import { goQuote } from '../../../../../src/cli/output/go-fmt';

describe("ps COMMAND as dockerd and Docker's CLI write it (regression: berth joined and JSON-quoted the arguments)", () => {
  it('single-quotes an argument holding a space', () => {
    expect(commandText(['sh', '-c', 'echo "a b"; exit 0'])).toBe(`sh -c 'echo "a b"; exit 0'`);
    expect(commandText(['echo', 'x y', 'z'])).toBe(`echo 'x y' z`);
    expect(commandText(['sh'])).toBe('sh');
  });

  it('quotes as strconv.Quote', () => {
    expect(goQuote(`sh -c 'echo "it is"'`)).toBe(`"sh -c 'echo \\"it is\\"'"`);
    expect(goQuote('a\tb\x1b\u00a0é\u{1f600}')).toBe('"a\\tb\\x1b\\u00a0é\u{1f600}"');
  });
});
