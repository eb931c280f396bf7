/**
 * Whether ssh2 encrypts with its optional native binding (compiled by node-gyp when ssh2 is
 * installed) or with its JavaScript fallback, which builds a cipher object for every packet
 * (BENCHMARKS.md: about 0.1 % of a core at 32 hosts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { shQuote } from '../shell/quote.js';
import type { Check } from './check.js';

const require = createRequire(import.meta.url);

export interface Ssh2Crypto {
  /** ssh2's own answer: it loaded lib/protocol/crypto/build/Release/sshcrypto.node. */
  native: boolean;
  /** Where ssh2 is installed (…/node_modules/ssh2). */
  dir: string;
}

export function ssh2Crypto(): Ssh2Crypto {
  const dir = path.dirname(path.dirname(require.resolve('ssh2')));
  const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable?: boolean };
  return { native: bindingAvailable === true, dir };
}

/** Informational either way: the fallback works, at a little more CPU per packet. */
export function sshCryptoCheck({ native, dir }: Ssh2Crypto): Check {
  const host = 'this machine';
  if (native) return { host, name: 'ssh crypto', ok: true, detail: "ssh2's native binding" };
  return {
    host,
    name: 'ssh crypto',
    ok: true,
    detail: `ssh2's JavaScript fallback, a little more CPU per SSH packet (to build the native binding, with python3, make and a C++ compiler: cd ${shQuote(path.dirname(path.dirname(dir)))} && npm rebuild ssh2)`,
  };
}
