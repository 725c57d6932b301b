import {
  CopyRuleError, absolutePath, archiveBaseOf, assertTwoSides, renamedEntry, resolveCopyPlan, specifiesCurrentDir, splitCpArg, splitPathDirEntry,
} from '../../../../src/api/containers/copy/copy-plan';
import { UsageError } from '../../../../src/errors/kinds';

const file = { srcIsDir: false };
const dir = { srcIsDir: true };
const missing = { destExists: false, destIsDir: false };
const existingDir = { destExists: true, destIsDir: true };
const existingFile = { destExists: true, destIsDir: false };

describe('splitCpArg (docker/cli splitCpArg)', () => {
  it('splits CONTAINER:PATH at the first colon', () => {
    expect(splitCpArg('web:/usr/local/apache2/htdocs')).toEqual({ container: 'web', path: '/usr/local/apache2/htdocs' });
    expect(splitCpArg('web:a:b')).toEqual({ container: 'web', path: 'a:b' });
    expect(splitCpArg('web:')).toEqual({ container: 'web', path: '' });
  });
  it('keeps absolute paths, paths starting with `.` and paths without a colon local', () => {
    expect(splitCpArg('/tmp/file:name.txt')).toEqual({ path: '/tmp/file:name.txt' });
    expect(splitCpArg('./file:name.txt')).toEqual({ path: './file:name.txt' });
    expect(splitCpArg('../x:y')).toEqual({ path: '../x:y' });
    expect(splitCpArg('relative/file')).toEqual({ path: 'relative/file' });
    expect(splitCpArg('-')).toEqual({ path: '-' });
  });
  it('a `:` after a `/` still splits (Docker does not look for a slash)', () => {
    expect(splitCpArg('dir/name:x')).toEqual({ container: 'dir/name', path: 'x' });
  });
  it('needs exactly one container side', () => {
    expect(() => assertTwoSides({ container: 'a' }, { container: 'b' })).toThrow(new UsageError('copying between containers is not supported'));
    expect(() => assertTwoSides({}, {})).toThrow(new UsageError('must specify at least one container source'));
    expect(() => assertTwoSides({ container: 'a' }, {})).not.toThrow();
  });
});

describe('path helpers (moby pkg/archive)', () => {
  it('splitPathDirEntry keeps `.` as the base of "the content of"', () => {
    expect(splitPathDirEntry('/a/b')).toEqual(['/a', 'b']);
    expect(splitPathDirEntry('/a/b/')).toEqual(['/a', 'b']);
    expect(splitPathDirEntry('/a/b/.')).toEqual(['/a/b', '.']);
    expect(splitPathDirEntry('/a/b/./')).toEqual(['/a/b', '.']);
    expect(splitPathDirEntry('.')).toEqual(['.', '.']);
    expect(splitPathDirEntry('./')).toEqual(['.', '.']);
    expect(splitPathDirEntry('b')).toEqual(['.', 'b']);
    expect(splitPathDirEntry('/b')).toEqual(['/', 'b']);
  });
  it('specifiesCurrentDir', () => {
    expect(specifiesCurrentDir('.')).toBe(true);
    expect(specifiesCurrentDir('./')).toBe(true);
    expect(specifiesCurrentDir('/x/.')).toBe(true);
    expect(specifiesCurrentDir('/x/')).toBe(false);
    expect(specifiesCurrentDir('/x/..')).toBe(false);
  });
  it('absolutePath keeps a trailing `/` and `/.` (PreserveTrailingDotOrSeparator)', () => {
    expect(absolutePath('.', '/work')).toBe('/work/.');
    expect(absolutePath('./', '/work')).toBe('/work/./');
    expect(absolutePath('site/', '/work')).toBe('/work/site/');
    expect(absolutePath('site/.', '/work')).toBe('/work/site/.');
    expect(absolutePath('../x', '/work/a')).toBe('/work/x');
    expect(absolutePath('tmp/x', '/')).toBe('/tmp/x');
    expect(absolutePath('/', '/work')).toBe('/');
  });
  it('archiveBaseOf names the root entry by the requested base, `.` for content', () => {
    expect(archiveBaseOf('/work/site')).toBe('site');
    expect(archiveBaseOf('/work/site/')).toBe('site');
    expect(archiveBaseOf('/work/site/.')).toBe('.');
    expect(archiveBaseOf('/work/./')).toBe('.');
    expect(archiveBaseOf('/')).toBe('.');
  });
  it('renamedEntry renames only the first component', () => {
    const plan = { archiveBase: 'a', rename: 'b' };
    expect(renamedEntry('a', plan)).toBe('b');
    expect(renamedEntry('a/a/x', plan)).toBe('b/a/x');
    expect(renamedEntry('ab/x', plan)).toBe('ab/x');
    expect(renamedEntry('./x', { archiveBase: '.', rename: 'new' })).toBe('new/x');
    expect(renamedEntry('.', { archiveBase: '.', rename: 'new' })).toBe('new');
    expect(renamedEntry('./x', { archiveBase: '.', rename: '.' })).toBe('./x');
  });
});

describe('resolveCopyPlan: SRC is a file', () => {
  it('DEST missing: the file is created as DEST', () => {
    expect(resolveCopyPlan('/h/f.txt', '/tmp/new.txt', { ...file, ...missing })).toEqual({ dstDir: '/tmp', archiveBase: 'f.txt', rename: 'new.txt' });
  });
  it('DEST missing and ending with `/`: no such directory', () => {
    expect(() => resolveCopyPlan('/h/f.txt', '/tmp/nodir/', { ...file, ...missing })).toThrow(new CopyRuleError('no such directory'));
    expect(() => resolveCopyPlan('/h/f.txt', '/tmp/nodir/.', { ...file, ...missing })).toThrow(CopyRuleError);
  });
  it('DEST an existing file: overwritten (same name as DEST)', () => {
    expect(resolveCopyPlan('/h/f.txt', '/etc/motd', { ...file, ...existingFile })).toEqual({ dstDir: '/etc', archiveBase: 'f.txt', rename: 'motd' });
  });
  it('DEST an existing directory: copied into it under its own name', () => {
    expect(resolveCopyPlan('/h/f.txt', '/tmp', { ...file, ...existingDir })).toEqual({ dstDir: '/tmp', archiveBase: 'f.txt', rename: 'f.txt' });
    expect(resolveCopyPlan('/h/f.txt', '/tmp/', { ...file, ...existingDir })).toEqual({ dstDir: '/tmp/', archiveBase: 'f.txt', rename: 'f.txt' });
  });
});

describe('resolveCopyPlan: SRC is a directory', () => {
  it('DEST missing: created as a copy of SRC (its content under DEST\'s name)', () => {
    expect(resolveCopyPlan('/h/site', '/srv/www', { ...dir, ...missing })).toEqual({ dstDir: '/srv', archiveBase: 'site', rename: 'www' });
    expect(resolveCopyPlan('/h/site/.', '/srv/www', { ...dir, ...missing })).toEqual({ dstDir: '/srv', archiveBase: '.', rename: 'www' });
    expect(resolveCopyPlan('/h/site', '/srv/www/', { ...dir, ...missing })).toEqual({ dstDir: '/srv', archiveBase: 'site', rename: 'www' });
  });
  it('DEST an existing file: cannot copy directory', () => {
    expect(() => resolveCopyPlan('/h/site', '/etc/motd', { ...dir, ...existingFile })).toThrow(new CopyRuleError('cannot copy directory'));
    expect(() => resolveCopyPlan('/h/site/.', '/etc/motd', { ...dir, ...existingFile })).toThrow(CopyRuleError);
  });
  it('DEST an existing directory: SRC copied into it as a subdirectory', () => {
    expect(resolveCopyPlan('/h/site', '/srv', { ...dir, ...existingDir })).toEqual({ dstDir: '/srv', archiveBase: 'site', rename: 'site' });
    expect(resolveCopyPlan('/h/site/', '/srv', { ...dir, ...existingDir })).toEqual({ dstDir: '/srv', archiveBase: 'site', rename: 'site' });
  });
  it('SRC ending with `/.` (or `.`, `./` from a cwd) and DEST an existing directory: the content is copied into it', () => {
    expect(resolveCopyPlan('/h/site/.', '/usr/local/apache2/htdocs', { ...dir, ...existingDir })).toEqual({
      dstDir: '/usr/local/apache2/htdocs', archiveBase: '.', rename: '.',
    });
    expect(resolveCopyPlan(absolutePath('./', '/h/site'), '/srv', { ...dir, ...existingDir })).toMatchObject({ dstDir: '/srv', archiveBase: '.' });
    expect(resolveCopyPlan(absolutePath('.', '/h/site'), '/srv', { ...dir, ...existingDir })).toMatchObject({ dstDir: '/srv', archiveBase: '.' });
  });
});
