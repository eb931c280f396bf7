/** The selected host's two detail panes: its GPUs and tmux sessions, or for a Slurm login node its cluster's GPUs and my jobs. */
import { ClusterGpuPane } from './ClusterGpuPane.js';
import { ClusterJobsPane } from './ClusterJobsPane.js';
import { GpuPane, type GpuPaneProps } from './GpuPane.js';
import { SessionsPane, type SessionsPaneProps } from './SessionsPane.js';
import { useTrainyard } from './storeContext.js';

const useCluster = (alias: string) => useTrainyard((s) => s.hosts[alias]?.cluster != null);

export function HostGpuPane(props: GpuPaneProps) {
  return useCluster(props.alias) ? <ClusterGpuPane {...props} /> : <GpuPane {...props} />;
}

export function HostSessionsPane(props: SessionsPaneProps) {
  return useCluster(props.alias) ? <ClusterJobsPane {...props} /> : <SessionsPane {...props} />;
}
