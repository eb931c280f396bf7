/**
 * The streams a CLI command is given in process (stdout, stderr, an empty stdin), and what it
 * wrote to them, for tests that call the commands' functions instead of starting the bin.
 */
import { PassThrough } from 'node:stream';

export function capturedIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const written = { stdout: '', stderr: '' };
  stdout.on('data', (d) => (written.stdout += d));
  stderr.on('data', (d) => (written.stderr += d));
  return { stdout, stderr, stdin: new PassThrough(), written };
}
