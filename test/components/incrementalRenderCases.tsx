/**
 * Run by incrementalRender.test.ts in its own process (`node --import tsx`): a small Ink tree with
 * the bin's hooks, stepped through every kind of change Ink's DOM has (text alone, styles, borders,
 * backgrounds, keyed reorder, insertion above, hiding, clipping and scrolling, transforms, nested
 * text, a resize, a `<Static>` coming and going), each frame's writes compared with Ink's own walk
 * (walkShadow.ts). Prints {frames, replayed, mismatches} as JSON.
 */
import { CountingTty, fakeStdin } from '../../bench/fakeTerminal.js';

const dist = new URL('../../dist/', import.meta.url);
await import(new URL('src/text/inkWidthHook.js', dist).href);
const { walkRedirected } = await import(new URL('components/inkOutputHook.js', dist).href);
const { installWalkShadow, walkStats } = await import('./walkShadow.js');
installWalkShadow();
const React = (await import('react')).default;
const { Box, Static, Text, Transform, render } = await import('ink');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The same object every render: a text node whose only change is its text (React commits nothing else).
const STABLE_STYLE = { flexDirection: 'row' };
const upper = (line: string) => line.toUpperCase();

/** A part that React does not render again: its nodes are drawn from the last frame, wherever they move. */
const Still = React.memo(function Still({ label }: { label: string }) {
  return (
    <Box borderStyle="single" paddingX={1}>
      <Text color="cyan">{label}</Text>
    </Box>
  );
});

let currentStep = 0;
const listeners = new Set<() => void>();
const setStep = (step: number) => {
  currentStep = step;
  for (const listener of listeners) listener();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const useStep = () => React.useSyncExternalStore(subscribe, () => currentStep);

// Parts whose host parent React does not commit again: the DOM changes reach Ink only through its
// mutators (a child removed or inserted, a text alone, a style alone), not through new props.
const Toggled = ({ on }: { on: number }) => (useStep() % 4 === on ? <Text>toggled in</Text> : null);
const Counter = () => String(useStep());
const HOISTED = <Text>same children, new border colour</Text>;
const Holder = React.memo(function Holder() {
  return (
    <Box flexDirection="column" height={6}>
      <Toggled on={1} />
      <Still label="after a toggled sibling" />
      <Toggled on={3} />
    </Box>
  );
});
const CountLine = React.memo(function CountLine() {
  return (
    <Text>
      counted <Counter />
    </Text>
  );
});
const Recoloured = React.memo(function Recoloured() {
  return (
    <Box borderStyle="single" borderColor={useStep() % 2 ? 'red' : 'blue'}>
      {HOISTED}
    </Box>
  );
});

// Stepped by a store, as the cockpit is (rendering the root again would render every Box again:
// Ink's root gives its contexts new values).
function Scene() {
  const step = useStep();
  const order = step % 2 ? ['a', 'b', 'c'] : ['c', 'a', 'b'];
  return (
    <Box flexDirection="column" width={step < 30 ? 50 : 48}>
      {step % 4 === 1 && <Text>inserted above {step}</Text>}
      <Still label="below an insertion" />
      <Holder />
      <CountLine />
      <Recoloured />
      {React.createElement('ink-text', { style: STABLE_STYLE }, `text alone ${Math.floor(step / 2)}`)}
      <Box>
        <Box width={4 + (step % 5)}>
          <Text>left</Text>
        </Box>
        <Still label="moves right" />
      </Box>
      <Box borderStyle="round" borderColor={step % 2 ? 'red' : 'green'} width={24}>
        <Still label="in a border" />
      </Box>
      <Box flexDirection="row">
        {order.map((key) => (
          <Still key={key} label={key} />
        ))}
      </Box>
      <Box display={step % 3 === 0 ? 'none' : 'flex'}>
        <Still label="hidden every third step" />
      </Box>
      <Box height={4} overflow="hidden" flexDirection="column" contentOffsetY={step % 3}>
        {[0, 1, 2].map((line) => (
          <Still key={line} label={`scrolled ${line}`} />
        ))}
        <Text>clipped {step % 2}</Text>
      </Box>
      <Transform transform={upper}>
        <Text>transformed {step % 4}</Text>
      </Transform>
      <Text>
        outer <Text color="red">{step % 3}</Text> tail
      </Text>
      <Box backgroundColor={step % 2 ? 'blue' : undefined} width={12}>
        <Text>background</Text>
      </Box>
      <Box height={1} overflow="hidden">
        <Text>{'wide 中文 '.repeat(1 + (step % 4))}</Text>
      </Box>
      {step >= 24 && step < 28 && <Static items={[step]}>{(item) => <Text key={item}>static {item}</Text>}</Static>}
      <Still label="at the bottom" />
    </Box>
  );
}

const stdout = new CountingTty(60, 60);
const size = { columns: 60, rows: 60 };
Object.defineProperty(stdout, 'columns', { get: () => size.columns });
Object.defineProperty(stdout, 'rows', { get: () => size.rows });
const app = render(<Scene />, {
  stdout: stdout as never,
  stdin: fakeStdin() as never,
  patchConsole: false,
  exitOnCtrlC: false,
});
for (let step = 1; step < 36; step++) {
  await sleep(50);
  if (step === 16 || step === 20) {
    Object.assign(size, step === 16 ? { columns: 40, rows: 50 } : { columns: 60, rows: 60 });
    stdout.emit('resize');
  }
  setStep(step);
}
await sleep(50);
app.unmount();
process.stdout.write(JSON.stringify({ walkRedirected, ...walkStats }));
process.exit(0);
