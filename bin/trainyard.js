#!/bin/sh
//usr/bin/env true; case "$NODE_OPTIONS" in *--max-semi-space-size*) exec node "$0" "$@";; esac; exec node --max-semi-space-size=8 "$0" "$@"
// Run as a program, the line above is shell that starts node at once with the flag explained
// below, unless NODE_OPTIONS sets it already (`//usr/bin/env true` does nothing); to JavaScript it
// is a comment, and so is the shebang.
// Runs the compiled CLI. An installed package ships dist/ built; a clone of the repository builds
// it here when it is missing or older than the sources, so the package needs no install script.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, 'dist', 'src', 'cli', 'main.js');

function newestSourceMs(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSourceMs(full));
    else if (/\.tsx?$/.test(item.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

// Only a clone has tsconfig.build.json (the package's `files` leave it out).
if (existsSync(path.join(root, 'tsconfig.build.json'))) {
  const builtMs = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (builtMs < Math.max(newestSourceMs(path.join(root, 'src')), newestSourceMs(path.join(root, 'components')))) {
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    if (!existsSync(tsc)) {
      process.stderr.write(
        'trainyard: this clone is not built and has no TypeScript compiler — run `npm install` first\n',
      );
      process.exit(2);
    }
    process.stderr.write('trainyard: building dist/ from the sources…\n');
    execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}

const args = process.argv.slice(2);

/**
 * The cockpit and the MCP server stay up for days. V8 lets the young generation grow to 32 MiB a
 * half, which a frame a second fills with short-lived garbage and keeps as RSS; 8 MiB keeps the
 * cockpit near 130 MiB at the same CPU (BENCHMARKS.md). The flag only works at start-up: run as a
 * program the shell line at the top gave it; started as `node bin/trainyard.js` the process
 * replaces itself (same pid) with one started with it, where Node can (process.execve), which
 * costs a second Node start-up (~50 ms).
 */
const SEMI_SPACE_FLAG = '--max-semi-space-size=8';
async function isLongRunning() {
  const { parseCliArgs } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'args.js')).href);
  try {
    const { command, help, version } = parseCliArgs(args);
    return (command === 'cockpit' || command === 'mcp') && !help && !version;
  } catch {
    return false; // main reports the usage error
  }
}
if (
  typeof process.execve === 'function' &&
  ![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size')) &&
  (await isLongRunning())
) {
  process.execve(process.execPath, [
    process.execPath,
    SEMI_SPACE_FLAG,
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...args,
  ]);
}

if (args[0] === '__complete') {
  // The shells run this on every Tab: load only what completion needs.
  const { runCompleteWords } = await import(
    pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'completion', 'run.js')).href
  );
  process.exitCode = runCompleteWords(args.slice(1));
} else {
  // React's development build re-checks every render and costs several times the CPU: an app
  // that stays open all day runs the production one unless told otherwise.
  process.env.NODE_ENV ??= 'production';
  // Ink measures every line of every frame with string-width and rebuilds every frame from nothing:
  // give it the faster string-width and a frame buffer that remembers the last frames, first (and
  // only the es-toolkit module it uses, not the 415 behind es-toolkit/compat).
  await import(pathToFileURL(path.join(root, 'dist', 'src', 'text', 'inkWidthHook.js')).href);
  await import(pathToFileURL(path.join(root, 'dist', 'components', 'inkImportsHook.js')).href);
  const { main } = await import(pathToFileURL(entry).href);
  const { printText } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'print.js')).href);
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      printText(process.stderr, `trainyard: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
