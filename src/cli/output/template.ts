/**
 * Docker's `--format`: Go text/template over each row, plus the CLI's
 * conventions around it (docker/cli cli/command/formatter):
 *   ''/undefined   the command's default table format
 *   'table'        the default table format too
 *   'table TMPL'   a header line, then TMPL per row, aligned by tabwriter
 *   'json'         `{{json .}}` per row
 *   anything else  the template per row, each followed by a newline
 * A literal `\t` or `\n` typed in the format becomes a tab or newline.
 */
import { UsageError } from '../../errors';
import { tabwrite } from './table';
import { ExecOptions, TemplateExecError, executeTemplate } from './template-exec';
import { BASE_FUNCTIONS, HEADER_FUNCTIONS, asFormatterRows, toJson } from './template-functions';
import { TemplateSyntaxError, parseTemplate } from './template-parse';

const TABLE_KEY = 'table';
const JSON_KEY = 'json';

function parseError(err: unknown): never {
  if (err instanceof TemplateSyntaxError || err instanceof TemplateExecError) {
    throw new UsageError(`template parsing error: ${err.message}`, { cause: err });
  }
  throw err;
}

function compileWith(source: string, options: ExecOptions): (data: unknown) => string {
  let nodes;
  try {
    nodes = parseTemplate(source, new Set(Object.keys(options.functions)));
  } catch (err) {
    parseError(err);
  }
  return (data) => {
    try {
      return executeTemplate(source, nodes, data, options);
    } catch (err) {
      return parseError(err);
    }
  };
}

export interface CompileOptions {
  /**
   * 'error' makes a missing key an error (`map has no entry for key "X"`),
   * as `docker inspect -f` runs its templates; the default prints `<no value>`.
   */
  missingKey?: 'default' | 'error';
}

/**
 * Compile a Go text/template with Docker's functions. Bad syntax throws a
 * UsageError "template parsing error: template: :LINE: ..." at once; an
 * error while rendering (a field of nil, a bad index) throws one too, as
 * `docker inspect -f` reports it.
 */
export function compileTemplate(source: string, options: CompileOptions = {}): (data: unknown) => string {
  return compileWith(source, { functions: BASE_FUNCTIONS, missingKey: options.missingKey });
}

export interface RenderFormatOptions {
  /** The command's default, a 'table ...' format. */
  defaultTable: string;
  /** Column names by field: { Repository: 'REPOSITORY', ID: 'IMAGE ID' }. */
  headers: Record<string, string>;
}

/** The template of a format, after Docker's preFormat: no 'table' prefix, spaces trimmed, escapes expanded. */
function templateBody(format: string, isTable: boolean): string {
  const body = isTable ? format.slice(TABLE_KEY.length) : format;
  return body.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

/** Render rows as `docker <noun> ls --format FORMAT` does. */
export function renderFormat(format: string | undefined, rows: object[], opts: RenderFormatOptions): string {
  asFormatterRows(rows);
  let chosen = format ?? '';
  if (chosen === '' || chosen === TABLE_KEY) chosen = opts.defaultTable;
  if (chosen === JSON_KEY) return rows.map((row) => `${toJson(row)}\n`).join('');

  const isTable = chosen.startsWith(TABLE_KEY);
  const body = templateBody(chosen, isTable);
  const render = compileTemplate(body);
  const lines = rows.map((row) => `${render(row)}\n`).join('');
  if (!isTable) return lines;

  const headerFor = (names: string[]): string => {
    const last = names[names.length - 1] ?? '';
    return opts.headers[names.join('.')] ?? opts.headers[last] ?? last.toUpperCase();
  };
  const header = compileWith(body, { functions: HEADER_FUNCTIONS, header: headerFor })(opts.headers);
  return tabwrite(`${header}\n${lines}`);
}
