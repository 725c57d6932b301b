#!/usr/bin/env node
// @ts-check
/*
 * berth embedded in a program: no CLI, just the library (the built package,
 * `require('berth')` for a program that depends on it; here `require('..')`).
 *
 *   node examples/embed.js --root DIR (--tar ROOTFS.tar | --pull REFERENCE) [-- COMMAND...]
 *
 * Gets an image (imports a rootfs tarball, or pulls from a registry), creates
 * a container running COMMAND (default: a greeting), captures its output
 * through a pipe, prints the output and the exit code, and removes the
 * container. Run as root, after `npm run build && make -C native`.
 */
'use strict';

const { Berth, defaultRunOptions } = require('..');

const USAGE = 'usage: node examples/embed.js --root DIR (--tar ROOTFS.tar | --pull REFERENCE) [-- COMMAND...]';

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ root?: string, tar?: string, pull?: string, command: string[] }} */
  const args = { command: ['sh', '-c', 'echo "hello from $(hostname), PID $$"'] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--') {
      if (i + 1 < argv.length) args.command = argv.slice(i + 1);
      break;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--root') args.root = value;
    else if (flag === '--tar') args.tar = value;
    else if (flag === '--pull') args.pull = value;
    else throw new Error(`unknown flag ${flag}\n${USAGE}`);
  }
  if (!args.root || (!args.tar && !args.pull)) throw new Error(USAGE);
  return args;
}

/** @param {NodeJS.ReadableStream | null} stream @returns {Promise<string>} */
function collect(stream) {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    let text = '';
    stream.on('data', (chunk) => (text += chunk.toString()));
    stream.on('end', () => resolve(text));
  });
}

/** Every line of `text` behind `mark`. @param {string} text @param {string} mark */
function quoted(text, mark) {
  if (text === '') return '';
  return text.replace(/\n$/, '').split('\n').map((line) => `${mark}${line}\n`).join('');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const berth = new Berth({ root: args.root });

  // 1. An image: a rootfs tarball becomes a one-layer image, or a registry gives one.
  let image;
  if (args.tar) {
    image = 'embed-example:latest';
    const imported = await berth.images.import(args.tar, {
      reference: image,
      changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    });
    console.log(`imported ${imported.id}`);
  } else {
    image = /** @type {string} */ (args.pull);
    const pulled = await berth.images.pull(image);
    console.log(`pulled ${pulled.id}`);
  }

  // 2. A container, its output captured through pipes.
  const state = await berth.containers.create({ image, options: { ...defaultRunOptions(), cmd: args.command }, pull: 'never' });
  try {
    const started = await berth.containers.start(state.id);
    const [stdout, stderr, status] = await Promise.all([
      collect(started.stdout),
      collect(started.stderr),
      started.exited,
    ]);
    console.log(`container ${state.name} (${state.id.slice(0, 12)}) said:`);
    process.stdout.write(quoted(stdout, '  | ') + quoted(stderr, '  ! '));
    console.log(`exit code: ${status.exitCode}`);
  } finally {
    // 3. Gone again: state, bundle, writable layer.
    await berth.containers.remove(state.id, { force: true });
    console.log(`removed ${state.name}`);
  }
}

main().catch((err) => {
  console.error(`embed: ${err && err.message ? err.message : err}`);
  process.exitCode = err && typeof err.exitCode === 'number' ? err.exitCode : 1;
});
