#!/usr/bin/env node
// Runs the compiled CLI (npm install / npm ci build it through the `prepare` script).
// React's development build re-checks every render and costs several times the CPU: an app
// that stays open all day runs the production one unless told otherwise.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/src/cli/main.js');
const { printText } = await import('../dist/src/cli/print.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    printText(process.stderr, `trainyard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
