/** Titles of the detail panes: which host they show, and whether what they show is live. */

import { Text } from 'ink';
import { connectionLabel, isUp } from '../src/format/connection.js';
import { useStaleAge } from './clocks.js';
import { useTrainyard } from './storeContext.js';
import { useTheme } from './theme.js';
import { useShallow } from './useShallow.js';

export function GpuTitle({ alias }: { alias: string | undefined }) {
  const theme = useTheme();
  const host = useTrainyard(
    useShallow((s) =>
      alias && s.hosts[alias]
        ? {
            label: s.hosts[alias].label,
            state: s.hosts[alias].connection.state,
            cluster: s.hosts[alias].cluster != null,
          }
        : null,
    ),
  );
  const stale = useStaleAge(alias);
  if (!alias || !host) return <Text>GPUs</Text>;
  const state = connectionLabel(host.state);
  return (
    <Text>
      {host.cluster ? 'Slurm GPUs' : 'GPUs'} · {alias}
      {host.label ? ` (${host.label})` : ''}{' '}
      <Text {...theme.tone(state.tone)}>
        {state.glyph} {state.word}
      </Text>
      {stale && <Text {...theme.tone('warn')}> · no sample for {stale}</Text>}
    </Text>
  );
}

export function SessionsTitle({ alias }: { alias: string | undefined }) {
  const theme = useTheme();
  const stale = useTrainyard((s) => {
    const h = alias ? s.hosts[alias] : undefined;
    return h ? !isUp(h.connection.state) && h.sessions.length > 0 : false;
  });
  const cluster = useTrainyard((s) => (alias ? s.hosts[alias]?.cluster != null : false));
  return (
    <Text>
      {cluster ? 'Slurm jobs (mine)' : 'tmux sessions'}
      {stale && <Text {...theme.tone('muted')}> · last seen</Text>}
    </Text>
  );
}
