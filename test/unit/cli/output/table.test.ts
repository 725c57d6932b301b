import { displayWidth, formatTable, tabwrite } from '../../../../src/cli/output/table';

describe('formatTable (docker ps alignment)', () => {
  it('pads each column to its widest cell plus 3, at least 10, and never pads the last one', () => {
    const out = formatTable(
      ['CONTAINER ID', 'IMAGE', 'COMMAND', 'STATUS'],
      [
        ['0123456789ab', 'busybox', '"sh"', 'Up 2 minutes'],
        ['ba9876543210', 'docker.io/library/nginx:1.25', '"nginx -g …"', 'Exited (0) 3 hours ago'],
      ],
    );
    expect(out).toBe(
      'CONTAINER ID   IMAGE                          COMMAND        STATUS\n' +
      '0123456789ab   busybox                        "sh"           Up 2 minutes\n' +
      'ba9876543210   docker.io/library/nginx:1.25   "nginx -g …"   Exited (0) 3 hours ago\n',
    );
  });

  it('gives short columns the minimum width of 10', () => {
    expect(formatTable(['A', 'B', 'C'], [['1', '2', '3']])).toBe('A         B         C\n1         2         3\n');
  });

  it('prints a header alone when there are no rows', () => {
    expect(formatTable(['IMAGE ID', 'SIZE'], [])).toBe('IMAGE ID   SIZE\n');
  });

  it('keeps empty cells aligned', () => {
    expect(formatTable(['NAME', 'PORTS', 'STATUS'], [['web', '', 'Up']])).toBe(
      'NAME      PORTS     STATUS\nweb                 Up\n',
    );
  });

  it('counts East Asian wide characters as two columns', () => {
    expect(formatTable(['NAME', 'X'], [['컨테이너', 'y']])).toBe('NAME       X\n컨테이너   y\n');
  });

  it('turns tabs and newlines inside a cell into spaces so they cannot break the grid', () => {
    expect(formatTable(['A', 'B'], [['x\ty', 'z\nw']])).toBe('A         B\nx y       z w\n');
  });
});

describe('tabwrite (Go text/tabwriter semantics)', () => {
  const tight = { minWidth: 0, padding: 1 };

  it('sizes a column only over consecutive lines that have it', () => {
    // Go's documentation example: b and c are distinct columns.
    expect(tabwrite('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n', tight)).toBe(
      'aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n',
    );
  });

  it('lets a line without tabs end a column block', () => {
    expect(tabwrite('a\tb\nxxxxxxxxxxxxxxxx\nlonger-cell\tc\n', tight)).toBe('a b\nxxxxxxxxxxxxxxxx\nlonger-cell c\n');
  });

  it('leaves text without tabs untouched, trailing text included', () => {
    expect(tabwrite('REPOSITORY\nbusybox\n')).toBe('REPOSITORY\nbusybox\n');
    expect(tabwrite('no newline at the end')).toBe('no newline at the end');
    expect(tabwrite('')).toBe('');
  });

  it('uses Docker settings by default', () => {
    expect(tabwrite('ab\tc\n')).toBe('ab        c\n');
    expect(tabwrite('abcdefghij\tc\n')).toBe('abcdefghij   c\n');
  });
});

describe('displayWidth', () => {
  it('counts ASCII as one, CJK as two and combining marks as zero', () => {
    expect(displayWidth('busybox')).toBe(7);
    expect(displayWidth('컨테이너_이름')).toBe(13);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('…')).toBe(1);
  });
});
