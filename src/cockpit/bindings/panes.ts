/** The three panes' own keys: moving through hosts, GPUs and sessions. */
import type { CockpitUi } from '../cockpitUi.js';
import type { Binding, KeyScope } from '../keys.js';

function movement(what: { down: string; up: string; top: string; bottom: string; footer: string }): Binding<CockpitUi>[] {
  return [
    { id: 'down', keys: [{ input: 'j' }, { key: 'downArrow' }], help: what.down, footer: what.footer, run: (ui) => ui.move(1) },
    { id: 'up', keys: [{ input: 'k' }, { key: 'upArrow' }], help: what.up, run: (ui) => ui.move(-1) },
    { id: 'top', keys: [{ input: 'g' }], help: what.top, run: (ui) => ui.edge('top') },
    { id: 'bottom', keys: [{ input: 'G' }], help: what.bottom, run: (ui) => ui.edge('bottom') },
  ];
}

export const hostsScope: KeyScope<CockpitUi> = {
  id: 'hosts',
  title: 'Hosts pane',
  bindings: movement({ down: 'next host', up: 'previous host', top: 'first host', bottom: 'last host', footer: 'j/k host' }),
  hints: ['r reconnect', 'w watchdog'],
};

export const gpusScope: KeyScope<CockpitUi> = {
  id: 'gpus',
  title: 'GPUs pane',
  bindings: movement({ down: 'scroll down', up: 'scroll up', top: 'top', bottom: 'bottom', footer: 'j/k scroll' }),
};

export const sessionsScope: KeyScope<CockpitUi> = {
  id: 'sessions',
  title: 'Sessions pane',
  bindings: movement({ down: 'next session', up: 'previous session', top: 'first session', bottom: 'last session', footer: 'j/k session' }),
  hints: ['l log', 'a attach', 'x stop'],
};
