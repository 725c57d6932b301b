/**
 * Executes a parsed template against plain JS data with Go's text/template
 * semantics: fields look up object keys (a missing key gives `<no value>`,
 * a field of null is an error, as for Go's map[string]interface{}), function
 * values are called like methods, and/or short-circuit, variables are scoped
 * to the control structure that declares them.
 */
import { formatValue, goTypeName, isMapLike, mapEntries } from './go-fmt';
import { Command, Node, Operand, Pipeline, positionOf } from './template-parse';
import { ExecError, TemplateFunction, isTrue } from './template-functions';
import { GoAbsent, GoNil } from './go-values';

export interface ExecOptions {
  functions: Record<string, TemplateFunction>;
  /** Table-header mode: every field chain yields its column name instead of data. */
  header?: (names: string[]) => string;
  /** Go's Option("missingkey=error"), which `docker inspect -f` uses: a missing key is an error. */
  missingKey?: 'default' | 'error';
}

/** An execution error that already names its position in the template. */
export class TemplateExecError extends Error {}

/** Marks "no value piped in" as opposed to an undefined value piped in. */
const NO_FINAL = Symbol('no final value');
type Final = unknown;

class BreakSignal {}
class ContinueSignal {}

interface Variable {
  name: string;
  value: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function hasKey(map: Map<unknown, unknown> | Record<string, unknown>, name: string): boolean {
  return map instanceof Map ? map.has(name) : Object.prototype.hasOwnProperty.call(map, name);
}

class Executor {
  private out = '';
  private readonly vars: Variable[];

  constructor(
    private readonly source: string,
    private readonly options: ExecOptions,
    root: unknown,
  ) {
    this.vars = [{ name: '$', value: root }];
  }

  run(nodes: Node[], dot: unknown): string {
    this.walk(dot, nodes);
    return this.out;
  }

  private walk(dot: unknown, nodes: Node[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          this.out += node.text;
          break;
        case 'action': {
          const value = this.evalPipeline(dot, node.pipe);
          if (node.pipe.decl.length === 0) this.out += value === undefined ? '<no value>' : formatValue(value);
          break;
        }
        case 'if':
        case 'with': {
          const mark = this.vars.length;
          const value = this.evalPipeline(dot, node.pipe);
          if (isTrue(value)) this.walk(node.kind === 'with' ? value : dot, node.list);
          else if (node.elseList) this.walk(dot, node.elseList);
          this.vars.length = mark;
          break;
        }
        case 'range':
          this.walkRange(dot, node.pipe, node.list, node.elseList);
          break;
        case 'break':
          throw new BreakSignal();
        case 'continue':
          throw new ContinueSignal();
      }
    }
  }

  private walkRange(dot: unknown, pipe: Pipeline, list: Node[], elseList: Node[] | undefined): void {
    const mark = this.vars.length;
    const value = this.evalCommands(dot, pipe);
    const entries = this.rangeEntries(value, pipe);
    if (entries.length === 0) {
      if (elseList) this.walk(dot, elseList);
      return;
    }
    for (const [key, element] of entries) {
      this.vars.length = mark;
      if (pipe.decl.length === 1) this.bind(pipe, pipe.decl[0], element);
      if (pipe.decl.length === 2) {
        this.bind(pipe, pipe.decl[0], key);
        this.bind(pipe, pipe.decl[1], element);
      }
      try {
        this.walk(element, list);
      } catch (signal) {
        if (signal instanceof BreakSignal) break;
        if (!(signal instanceof ContinueSignal)) throw signal;
      }
    }
    this.vars.length = mark;
  }

  private rangeEntries(value: unknown, pipe: Pipeline): Array<[unknown, unknown]> {
    if (value === undefined || value === null || value instanceof GoNil) return [];
    if (Array.isArray(value) || ArrayBuffer.isView(value)) {
      return Array.from(value as ArrayLike<unknown>, (element, i) => [i, element]);
    }
    if (isMapLike(value)) return mapEntries(value);
    if (typeof value === 'number' && Number.isInteger(value)) {
      if (pipe.decl.length > 1) this.fail(pipe.pos, 'range', "can't use range over integer with two variables");
      return Array.from({ length: Math.max(value, 0) }, (_, i) => [i, i]);
    }
    return this.fail(pipe.pos, 'range', `range can't iterate over ${formatValue(value)}`);
  }

  private bind(pipe: Pipeline, name: string, value: unknown): void {
    if (!pipe.isAssign) {
      this.vars.push({ name, value });
      return;
    }
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.fail(pipe.pos, name, `undefined variable: ${name}`);
  }

  private evalPipeline(dot: unknown, pipe: Pipeline): unknown {
    const value = this.evalCommands(dot, pipe);
    for (const name of pipe.decl) this.bind(pipe, name, value);
    return value;
  }

  private evalCommands(dot: unknown, pipe: Pipeline): unknown {
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    return value;
  }

  private fail(pos: number, at: string, message: string): never {
    throw new TemplateExecError(
      `template: :${positionOf(this.source, pos)}: executing "" at <${at}>: ${message}`,
    );
  }

  private evalCommand(dot: unknown, cmd: Command, final: Final): unknown {
    try {
      return this.evalCommandUnchecked(dot, cmd, final);
    } catch (err) {
      if (err instanceof ExecError) this.fail(cmd.pos, cmd.text, err.message);
      throw err;
    }
  }

  private evalCommandUnchecked(dot: unknown, cmd: Command, final: Final): unknown {
    const [first, ...rest] = cmd.args;
    const noArguments = (what: string): void => {
      if (rest.length > 0 || final !== NO_FINAL) throw new ExecError(`can't give argument to non-function ${what}`);
    };
    switch (first.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, first.names, rest, final);
      case 'variable': {
        const value = this.lookupVariable(first.name);
        if (first.names.length > 0) return this.evalFieldChain(dot, value, first.names, rest, final);
        noArguments(first.name);
        return value;
      }
      case 'pipe': {
        const value = this.evalPipeline(dot, first.pipe);
        if (first.names.length > 0) return this.evalFieldChain(dot, value, first.names, rest, final);
        noArguments(formatValue(value));
        return value;
      }
      case 'function':
        return this.callFunction(dot, first.name, rest, final);
      case 'dot':
        noArguments('.');
        return dot;
      case 'nil':
        throw new ExecError('nil is not a command');
      case 'literal':
        noArguments(formatValue(first.value));
        return first.value;
    }
  }

  private evalArg(dot: unknown, arg: Operand): unknown {
    switch (arg.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'literal':
        return arg.value;
      case 'field':
        return this.evalFieldChain(dot, dot, arg.names, [], NO_FINAL);
      case 'variable': {
        const value = this.lookupVariable(arg.name);
        return arg.names.length > 0 ? this.evalFieldChain(dot, value, arg.names, [], NO_FINAL) : value;
      }
      case 'pipe': {
        const value = this.evalPipeline(dot, arg.pipe);
        return arg.names.length > 0 ? this.evalFieldChain(dot, value, arg.names, [], NO_FINAL) : value;
      }
      case 'function':
        return this.callFunction(dot, arg.name, [], NO_FINAL);
    }
  }

  private lookupVariable(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    throw new ExecError(`undefined variable: ${name}`);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, names: string[], args: Operand[], final: Final): unknown {
    if (this.options.header) return this.options.header(names);
    let value = receiver;
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      value = this.evalField(dot, name, value, last ? args : [], last ? final : NO_FINAL);
    });
    return value;
  }

  private evalField(dot: unknown, name: string, receiver: unknown, args: Operand[], final: Final): unknown {
    const hasArgs = args.length > 0 || final !== NO_FINAL;
    if (receiver === undefined) return undefined; // a missing key further up, as Go does for maps
    if (receiver === null) throw new ExecError(`nil pointer evaluating interface {}.${name}`);
    if (receiver instanceof GoNil && receiver.kind === 'map') {
      if (this.options.missingKey === 'error') throw new ExecError(`map has no entry for key "${name}"`);
      return undefined;
    }
    if (!isRecord(receiver) && typeof receiver !== 'function') {
      throw new ExecError(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
    }
    if (Array.isArray(receiver)) throw new ExecError(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
    const plain = isMapLike(receiver);
    if (plain && this.options.missingKey === 'error' && !hasKey(receiver, name)) {
      throw new ExecError(`map has no entry for key "${name}"`);
    }
    const found = receiver instanceof Map ? receiver.get(name) : this.property(receiver as Record<string, unknown>, name, plain);
    const value = found instanceof GoAbsent ? found.zero : found;
    if (typeof value === 'function') {
      const values = args.map((a) => this.evalArg(dot, a));
      if (final !== NO_FINAL) values.push(final);
      return (value as (...a: unknown[]) => unknown).apply(receiver, values);
    }
    if (hasArgs) throw new ExecError(`${name} is not a method but has arguments`);
    if (value === undefined && !plain && !(name in (receiver as object))) {
      throw new ExecError(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
    }
    return value;
  }

  /** Own keys of plain objects; for class instances also their getters and methods (never Object.prototype's). */
  private property(receiver: Record<string, unknown>, name: string, plain: boolean): unknown {
    if (Object.prototype.hasOwnProperty.call(receiver, name)) return receiver[name];
    if (plain || name in Object.prototype) return undefined;
    return receiver[name];
  }

  private callFunction(dot: unknown, name: string, args: Operand[], final: Final): unknown {
    const fn = this.options.functions[name];
    const count = args.length + (final === NO_FINAL ? 0 : 1);
    if (count < fn.min || count > fn.max) {
      const want = fn.max === Infinity ? `at least ${fn.min}` : fn.min === fn.max ? `${fn.min}` : `${fn.min} to ${fn.max}`;
      throw new ExecError(`wrong number of args for ${name}: want ${want} got ${count}`);
    }
    if ((name === 'and' || name === 'or') && !this.options.header) {
      // Short-circuit: stop at the first false (and) or true (or) argument.
      let value: unknown;
      const thunks: Array<() => unknown> = args.map((a) => () => this.evalArg(dot, a));
      if (final !== NO_FINAL) thunks.push(() => final);
      for (const thunk of thunks) {
        value = thunk();
        if (isTrue(value) === (name === 'or')) return value;
      }
      return value;
    }
    const values = args.map((a) => this.evalArg(dot, a));
    if (final !== NO_FINAL) values.push(final);
    try {
      return fn.call(values);
    } catch (err) {
      if (err instanceof ExecError || err instanceof TemplateExecError) throw err;
      throw new ExecError(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Run a parsed template with `data` as both `.` and `$`. */
export function executeTemplate(source: string, nodes: Node[], data: unknown, options: ExecOptions): string {
  return new Executor(source, options, data).run(nodes, data);
}
