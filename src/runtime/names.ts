/**
 * Container names: Docker's validation rule, and Docker-style random names
 * (adjective_surname) for containers created without --name.
 */
import { randomInt } from 'node:crypto';
import { UsageError } from '../errors/kinds';

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Throws Docker's message for a name it would refuse; returns it without a leading '/'. */
export function validateName(name: string): string {
  if (!VALID_NAME.test(name)) {
    throw new UsageError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, { exitCode: 125 });
  }
  return name.replace(/^\//, '');
}

const ADJECTIVES = [
  'admiring', 'adoring', 'agitated', 'amazing', 'angry', 'awesome', 'blissful', 'bold', 'brave', 'busy',
  'charming', 'clever', 'compassionate', 'competent', 'confident', 'cool', 'dazzling', 'determined', 'eager',
  'ecstatic', 'elastic', 'elegant', 'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'focused', 'friendly',
  'frosty', 'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'happy', 'hardcore', 'heuristic', 'hopeful',
  'hungry', 'infallible', 'inspiring', 'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind',
  'laughing', 'loving', 'lucid', 'magical', 'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice',
  'nifty', 'nostalgic', 'objective', 'optimistic', 'peaceful', 'pensive', 'practical', 'priceless', 'quirky',
  'quizzical', 'relaxed', 'reverent', 'romantic', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange',
  'suspicious', 'sweet', 'tender', 'thirsty', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'vigorous',
  'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];

// Scientists and engineers, as Docker's generator uses.
const SURNAMES = [
  'agnesi', 'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bartik', 'bell', 'bhabha',
  'blackwell', 'bohr', 'booth', 'borg', 'bose', 'brahmagupta', 'brown', 'burnell', 'cannon', 'carson', 'cerf',
  'chandrasekhar', 'clarke', 'colden', 'curie', 'darwin', 'davinci', 'dijkstra', 'einstein', 'elion',
  'engelbart', 'euclid', 'euler', 'faraday', 'fermat', 'fermi', 'feynman', 'franklin', 'galileo', 'gauss',
  'goldberg', 'goodall', 'hamilton', 'hawking', 'heisenberg', 'hertz', 'hodgkin', 'hopper', 'hypatia',
  'jackson', 'jang', 'johnson', 'kalam', 'keller', 'kepler', 'khorana', 'knuth', 'kowalevski', 'lamarr',
  'lamport', 'leakey', 'lehmann', 'lovelace', 'lumiere', 'mahavira', 'maxwell', 'mayer', 'mccarthy',
  'mcclintock', 'meitner', 'mendel', 'merkle', 'mirzakhani', 'morse', 'newton', 'nobel', 'noether',
  'pasteur', 'payne', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ramanujan', 'ride', 'ritchie',
  'rubin', 'saha', 'sammet', 'shannon', 'shockley', 'sinoussi', 'stonebraker', 'swartz', 'tesla',
  'thompson', 'torvalds', 'turing', 'varahamihira', 'wescoff', 'wilbur', 'wiles', 'williams', 'wing',
  'wozniak', 'wright', 'yalow', 'yonath',
];

/** A random `adjective_surname`, avoiding `taken`. Docker never names one boring_wozniak. */
export function randomName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    let name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
    if (name === 'boring_wozniak') continue;
    if (attempt > 10) name += randomInt(10);
    if (!taken(name)) return name;
  }
}
