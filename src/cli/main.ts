import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/load.js';
import { packageRoot } from '../packageRoot.js';
import { parseCliArgs, USAGE, UsageError } from './args.js';
import { printText } from './print.js';

function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The CLI: returns the exit code. Config and usage errors are messages, never stack traces.
 * Each command's code is imported when it runs, so the cockpit, which starts against the clock,
 * loads none of the others' (help, completion, status and doctor bring cli-table3 and more).
 */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === '__complete') return (await import('./completion/run.js')).runCompleteWords(argv.slice(1));
    const args = parseCliArgs(argv);
    if (args.version) {
      printText(process.stdout, version());
      return 0;
    }
    if (args.command === 'help' && args.positionals.length) {
      printText(process.stdout, (await import('./help.js')).commandHelp(args.positionals[0]));
      return 0;
    }
    if (args.help || args.command === 'help') {
      const [{ findCommand }, { commandHelp }] = await Promise.all([import('./commandTable.js'), import('./help.js')]);
      printText(process.stdout, findCommand(args.command) ? commandHelp(args.command) : USAGE);
      return 0;
    }
    if (args.command === 'completion') return (await import('./completion/run.js')).runCompletionCli(args.positionals);
    if (args.command === 'init') return await (await import('./init/run.js')).runInitCli(args);
    const config = loadConfig(args.config);
    switch (args.command) {
      case 'cockpit': {
        const { runCockpit } = await import('./cockpit.js');
        return await runCockpit(config);
      }
      case 'status':
        return await (await import('./status.js')).runStatus(config, {
          json: args.json,
          timeoutSeconds: args.timeoutSeconds,
        });
      case 'doctor':
        return await (await import('./doctor.js')).runDoctor(config, { timeoutSeconds: args.timeoutSeconds });
      case 'sync':
      case 'smoke':
      case 'launch':
      case 'restart':
      case 'pull':
      case 'stop':
      case 'attach':
      case 'clear':
        return await (await import('./actions.js')).runActionCli(config, args);
      case 'sweep':
        return await (await import('./sweep.js')).runSweepCli(config, args);
      case 'watchdog':
        return await (await import('./watchdog.js')).runWatchdogCli(config, args);
      case 'events':
        return await (await import('./events.js')).runEventsCli(config, args);
      case 'runs':
        return await (await import('./runs.js')).runRunsCli(config, args);
      case 'compare':
        return await (await import('./compare.js')).runCompareCli(config, args);
      case 'mcp':
        return await (await import('../mcp/server.js')).runMcpServer(config, version());
      default:
        throw new UsageError(`unknown command "${args.command}"\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      printText(process.stderr, `trainyard: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
