/**
 * The output of Docker's inspect verbs (docker/cli cli/command/inspect):
 * every name is looked up and rendered in turn, a failure is reported and
 * the others still print, the command exits 1 if any failed.
 *
 *   no format, `json`   one indented JSON array of the documents as dockerd
 *                       sends them (so `<`, `>`, `&` escaped as Go's encoder
 *                       does), `[]` when none was found
 *   a template          run on each document as Go's typed value (go-values.ts)
 *                       with missingkey=error, one line each; a lone newline
 *                       when nothing was printed at all
 */
import { report } from '../report';
import { compileTemplate } from './template';
import { typedByShape, type GoShape } from './go-values';

export interface Inspected {
  doc: unknown;
  shape: GoShape;
}

/** JSON as Go's encoding/json writes it by default: HTML characters and U+2028/9 escaped. */
export function goJsonIndent(value: unknown): string {
  const text = JSON.stringify(value, null, 4) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function printInspected(names: readonly string[], find: (name: string) => Inspected, format: string | undefined): void {
  const asJson = format === undefined || format === '' || format === 'json';
  const render = asJson ? undefined : compileTemplate(format, { missingKey: 'error' });
  const docs: unknown[] = [];
  let text = '';
  let failed = false;
  for (const name of names) {
    try {
      const found = find(name);
      if (render) text += `${render(typedByShape(found.doc, found.shape))}\n`;
      else docs.push(found.doc);
    } catch (err) {
      report(err);
      failed = true;
    }
  }
  process.stdout.write(render ? text || '\n' : `${goJsonIndent(docs)}\n`);
  if (failed) process.exitCode = 1;
}
