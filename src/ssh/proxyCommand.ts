import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { ResolvedHost } from './resolve.js';

export class ProxyCommandError extends Error {}

/** What each ProxyCommand token may expand to: values reach the shell as text, so only plain ones. */
const SAFE: Record<string, RegExp> = {
  h: /^[A-Za-z0-9_.:-]+$/,
  n: /^[A-Za-z0-9_.+-]+$/,
  p: /^[0-9]+$/,
  r: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
};

/**
 * Expands the tokens OpenSSH expands in ProxyCommand (%h host name, %p port, %r user, %n the alias
 * as given, %%). A value with characters a shell would treat as code is refused, not quoted, so the
 * command means what it says; an unknown token is refused as ssh refuses it.
 */
export function expandProxyCommand(
  template: string,
  host: Pick<ResolvedHost, 'alias' | 'hostname' | 'port' | 'user'>,
): string {
  const values: Record<string, string> = { h: host.hostname, p: String(host.port), r: host.user, n: host.alias };
  return template.replace(/%(.?)/g, (_whole, token: string) => {
    if (token === '%') return '%';
    const value = values[token];
    if (value === undefined)
      throw new ProxyCommandError(
        `ProxyCommand for ${host.alias} uses %${token}, which is not a token ssh expands there (%h %p %r %n %%) — fix: write %% for a literal %`,
      );
    if (!SAFE[token].test(value))
      throw new ProxyCommandError(
        `ProxyCommand for ${host.alias}: %${token} would be "${value.replace(/[\p{Cc}]/gu, '?')}", which is not a plain host name, port or user — fix: correct HostName / User / Port in your ssh_config`,
      );
    return value;
  });
}

/** The last bytes a command wrote to stderr, as one line without control characters. */
function tail(text: string): string {
  return text
    .slice(-500)
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .trim();
}

/**
 * A Duplex over a local command's stdin and stdout, which ssh2 uses as its socket (the `sock`
 * option). The command starts when ssh2 first reads or writes, so its failure reaches ssh2's
 * handlers; closing the stream ends the command; the command ending closes the stream, with its
 * stderr in the error when it failed.
 */
class CommandStream extends Duplex {
  private child: ChildProcessWithoutNullStreams | null = null;
  private stderr = '';

  constructor(
    private readonly shell: string,
    private readonly command: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    super();
  }

  private get label(): string {
    return `ProxyCommand "${this.command}"`;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.shell, ['-c', `exec ${this.command}`], { stdio: ['pipe', 'pipe', 'pipe'], env: this.env });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000)));
    child.stdin.on('error', () => {});
    child.on('error', (error) =>
      this.destroy(new ProxyCommandError(`${this.label} could not be started with ${this.shell}: ${error.message}`)),
    );
    // 'close' comes after both the exit and the end of output: a failure is reported as the
    // command's own error, not as an SSH connection that merely ended
    child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) return void this.push(null);
      const why = tail(this.stderr);
      this.destroy(new ProxyCommandError(`${this.label} exited with ${code ?? signal}${why ? `: ${why}` : ''}`));
    });
    return child;
  }

  override _read(): void {
    this.start().stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const child = this.start();
    // a write to a command that has exited fails with EPIPE; its exit status, reported on 'close', says why
    if (child.stdin.destroyed) return done();
    child.stdin.write(chunk, () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.child?.stdin.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    done(error);
  }
}

/**
 * The host's ProxyCommand, run as ssh runs it (`$SHELL -c "exec COMMAND"`, tokens expanded), as the
 * stream to speak SSH over. Rejects at once when the command cannot be expanded.
 */
export async function openProxyCommand(host: ResolvedHost, env: NodeJS.ProcessEnv = process.env): Promise<Duplex> {
  if (!host.proxyCommand) throw new ProxyCommandError(`${host.alias} has no ProxyCommand`);
  if (host.proxyUseFdpass)
    throw new ProxyCommandError(
      `${host.alias} sets ProxyUseFdpass yes, which trainyard does not support — fix: a ProxyCommand that speaks on its stdio (e.g. ssh -W %h:%p jump) with ProxyUseFdpass no, or ProxyJump`,
    );
  return new CommandStream(env.SHELL || '/bin/sh', expandProxyCommand(host.proxyCommand, host), env);
}
