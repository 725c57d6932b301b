/**
 * Parser for the subset of Go's text/template that Docker's `--format` uses:
 * text, actions with trim markers `{{- -}}`, comments, pipelines with `|`,
 * parenthesised pipelines, field chains, variables (`$x := ...`, `$x = ...`,
 * `$`), literals, and the control structures if/else if/range/with/else
 * with/break/continue. define/template/block are not supported.
 *
 * Like Go, unknown functions and undeclared variables are parse errors.
 * Errors read `template: :LINE: message`, Go's own wording.
 */

import { Item, ItemType, TemplateSyntaxError, fail, lex, lineOf } from './template-lex';

export { TemplateSyntaxError };

export type Operand =
  | { kind: 'dot'; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'literal'; value: string | number | boolean; pos: number }
  | { kind: 'field'; names: string[]; pos: number }
  | { kind: 'variable'; name: string; names: string[]; pos: number }
  | { kind: 'function'; name: string; pos: number }
  | { kind: 'pipe'; pipe: Pipeline; names: string[]; pos: number };

export interface Command {
  args: Operand[];
  pos: number;
  /** Source text of the command, for `at <...>` in execution errors. */
  text: string;
}

export interface Pipeline {
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
  pos: number;
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipeline; list: Node[]; elseList?: Node[] }
  | { kind: 'break' | 'continue'; pos: number };

function parseNumber(src: string, item: Item): number {
  const text = item.value.replace(/_/g, '');
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  const prefixed = /^0[xob]/i.test(body);
  const value = prefixed ? sign * Number(body) : Number(text);
  if (Number.isNaN(value)) fail(src, item.pos, `bad number syntax: "${item.value}"`);
  return value;
}

const COMMAND_STARTS = new Set<ItemType>([
  'bool', 'char', 'dot', 'field', 'identifier', 'number', 'nil', 'string', 'variable', 'leftParen',
]);

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly src: string,
    private readonly items: Item[],
    private readonly functions: ReadonlySet<string>,
  ) {}

  private peek(): Item {
    return this.items[this.i];
  }
  private next(): Item {
    return this.items[this.i++];
  }
  private peekNonSpace(): Item {
    while (this.peek().type === 'space') this.i++;
    return this.peek();
  }
  private nextNonSpace(): Item {
    this.peekNonSpace();
    return this.next();
  }
  private fail(item: Item, message: string): never {
    fail(this.src, item.pos, message);
  }
  private unexpected(item: Item, context: string): never {
    const what = item.type === 'eof' ? 'EOF' : item.type === 'rightDelim' ? '"}}"' : `"${item.value}"`;
    this.fail(item, `unexpected ${what} in ${context}`);
  }
  private expectRightDelim(context: string): void {
    const item = this.nextNonSpace();
    if (item.type !== 'rightDelim') this.unexpected(item, context);
  }

  parseTemplate(): Node[] {
    const { nodes, stop } = this.parseList();
    if (stop.type !== 'eof') this.fail(stop, `unexpected {{${stop.value}}}`);
    return nodes;
  }

  /** Nodes up to EOF or to an `{{end}}`/`{{else...}}` keyword, which is returned unconsumed past the keyword. */
  private parseList(): { nodes: Node[]; stop: Item } {
    const nodes: Node[] = [];
    for (;;) {
      const item = this.next();
      if (item.type === 'eof') return { nodes, stop: item };
      if (item.type === 'text') {
        nodes.push({ kind: 'text', text: item.value });
        continue;
      }
      // leftDelim
      const head = this.peekNonSpace();
      if (head.type === 'keyword') {
        this.next();
        switch (head.value) {
          case 'end':
          case 'else':
            return { nodes, stop: head };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.parseControl(head.value));
            break;
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) this.fail(head, `{{${head.value}}} outside {{range}}`);
            this.expectRightDelim(head.value);
            nodes.push({ kind: head.value, pos: head.pos });
            break;
          default:
            this.fail(head, `{{${head.value}}} is not supported`);
        }
        continue;
      }
      const pipe = this.parsePipeline('command', 'rightDelim');
      nodes.push({ kind: 'action', pipe });
    }
  }

  private parseControl(kind: 'if' | 'with' | 'range'): Node {
    const varsBefore = this.vars.length;
    const pipe = this.parsePipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const { nodes: list, stop } = this.parseList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (stop.type === 'eof') this.fail(stop, 'unexpected EOF');
    if (stop.value === 'else') {
      const chained = this.peekNonSpace();
      if ((kind === 'if' && chained.value === 'if') || (kind === 'with' && chained.value === 'with')) {
        // `{{else if ...}}` is `{{else}}{{if ...}}...{{end}}` sharing the outer `{{end}}`.
        this.next();
        elseList = [this.parseControl(kind)];
      } else {
        this.expectRightDelim('else');
        const rest = this.parseList();
        if (rest.stop.type === 'eof') this.fail(rest.stop, 'unexpected EOF');
        if (rest.stop.value !== 'end') this.fail(rest.stop, `expected end; found {{${rest.stop.value}}}`);
        this.expectRightDelim('end');
        elseList = rest.nodes;
      }
    } else {
      this.expectRightDelim('end');
    }
    this.vars.length = varsBefore;
    return { kind, pipe, list, elseList };
  }

  private parsePipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipeline {
    const start = this.peekNonSpace();
    const pipe: Pipeline = { decl: [], isAssign: false, cmds: [], pos: start.pos };
    this.parseDeclarations(pipe, context);
    let wantCommand = true;
    for (;;) {
      const item = this.nextNonSpace();
      if (item.type === end && (!wantCommand || pipe.cmds.length === 0)) break;
      if (item.type === 'pipe' && !wantCommand) {
        wantCommand = true;
        continue;
      }
      if (wantCommand && COMMAND_STARTS.has(item.type)) {
        this.i--;
        pipe.cmds.push(this.parseCommand());
        wantCommand = false;
        continue;
      }
      this.unexpected(item, context);
    }
    if (pipe.cmds.length === 0) this.fail(start, `missing value for ${context}`);
    pipe.cmds.forEach((cmd, n) => {
      const first = cmd.args[0];
      if (n > 0 && (first.kind === 'literal' || first.kind === 'nil')) {
        this.fail(start, `non executable command in pipeline stage ${n + 1}`);
      }
    });
    return pipe;
  }

  private parseDeclarations(pipe: Pipeline, context: string): void {
    const first = this.peekNonSpace();
    if (first.type !== 'variable') return;
    const save = this.i;
    this.next();
    const after = this.peekNonSpace();
    if (after.type === 'declare' || after.type === 'assign') {
      this.next();
      if (after.type === 'assign' && !this.vars.includes(first.value)) {
        this.fail(first, `undefined variable "${first.value}"`);
      }
      pipe.isAssign = after.type === 'assign';
      pipe.decl.push(first.value);
    } else if (after.type === 'comma' && context === 'range') {
      this.next();
      const second = this.nextNonSpace();
      const op = this.nextNonSpace();
      if (second.type !== 'variable' || (op.type !== 'declare' && op.type !== 'assign')) {
        this.fail(second, 'range can only initialize variables');
      }
      pipe.isAssign = op.type === 'assign';
      pipe.decl.push(first.value, second.value);
    } else if (after.type === 'comma') {
      this.fail(after, `too many declarations in ${context}`);
    } else {
      this.i = save;
      return;
    }
    if (!pipe.isAssign) this.vars.push(...pipe.decl);
  }

  private parseCommand(): Command {
    const start = this.peekNonSpace();
    const args: Operand[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.parseOperand();
      if (operand) args.push(operand);
      const item = this.next();
      if (item.type === 'space') continue;
      if (item.type === 'rightDelim' || item.type === 'rightParen') {
        this.i--;
        break;
      }
      if (item.type === 'pipe') {
        this.i--;
        break;
      }
      this.unexpected(item, 'operand');
    }
    if (args.length === 0) this.fail(start, 'empty command');
    const endPos = this.peek().pos;
    return { args, pos: start.pos, text: this.src.slice(start.pos, endPos).trim() };
  }

  /** A term followed by any `.Field` chain written without spaces; undefined if none is here. */
  private parseOperand(): Operand | undefined {
    const item = this.peek();
    let term: Operand;
    switch (item.type) {
      case 'identifier':
        if (!this.functions.has(item.value)) this.fail(item, `function "${item.value}" not defined`);
        term = { kind: 'function', name: item.value, pos: item.pos };
        break;
      case 'dot':
        term = { kind: 'dot', pos: item.pos };
        break;
      case 'nil':
        term = { kind: 'nil', pos: item.pos };
        break;
      case 'variable':
        if (!this.vars.includes(item.value)) this.fail(item, `undefined variable "${item.value}"`);
        term = { kind: 'variable', name: item.value, names: [], pos: item.pos };
        break;
      case 'field':
        term = { kind: 'field', names: [item.value.slice(1)], pos: item.pos };
        break;
      case 'bool':
        term = { kind: 'literal', value: item.value === 'true', pos: item.pos };
        break;
      case 'number':
        term = { kind: 'literal', value: parseNumber(this.src, item), pos: item.pos };
        break;
      case 'char':
        term = { kind: 'literal', value: Number(item.value), pos: item.pos };
        break;
      case 'string':
        term = { kind: 'literal', value: item.value, pos: item.pos };
        break;
      case 'leftParen': {
        this.next();
        const pipe = this.parsePipeline('parenthesized pipeline', 'rightParen');
        this.i--; // leave the ')' as the current item, consumed below
        term = { kind: 'pipe', pipe, names: [], pos: item.pos };
        break;
      }
      default:
        return undefined;
    }
    this.next();
    const chain: string[] = [];
    while (this.peek().type === 'field') chain.push(this.next().value.slice(1));
    if (chain.length === 0) return term;
    switch (term.kind) {
      case 'field':
        term.names.push(...chain);
        return term;
      case 'variable':
      case 'pipe':
        term.names.push(...chain);
        return term;
      case 'dot':
        return { kind: 'field', names: chain, pos: term.pos };
      default:
        this.fail(item, `unexpected . after term "${item.value}"`);
    }
  }
}

/** Parse a template; `functions` are the names that may be called. */
export function parseTemplate(source: string, functions: ReadonlySet<string>): Node[] {
  return new Parser(source, lex(source), functions).parseTemplate();
}

/** 1-based line and 0-based column of an offset, as Go reports them in execution errors. */
export function positionOf(source: string, pos: number): string {
  const before = source.slice(0, pos);
  return `${lineOf(source, pos)}:${pos - before.lastIndexOf('\n') - 1}`;
}
