/**
 * The lab Slurm cluster's config files as text: slurm.conf (one node with fake GPUs as GRES, fast
 * job ends, accounting or none), gres.conf (the GPUs' device nodes) and slurmdbd.conf, with the
 * non-default ports the daemons use on the host namespace's own 127.0.0.1.
 */
export const CTLD_PORT = 16817;
export const SLURMD_PORT = 16818;
export const DBD_PORT = 16819;
export const MYSQL_PORT = 16820;

export interface SlurmConfParams {
  nodeName: string;
  partition: string;
  gpus: number;
  cpus: number;
  /** MinJobAge in seconds. */
  minJobAge: number;
  /** Accounting through slurmdbd, or accounting_storage/none. */
  accounting: boolean;
  /** The cluster's directory: pid and log files. */
  dir: string;
  /** StateSaveLocation and SlurmdSpoolDir. */
  state: string;
  spool: string;
  /** munged's socket. */
  mungeSocket: string;
}

export function slurmConf(p: SlurmConfParams): string {
  const { dir } = p;
  return [
    'ClusterName=trainyardlab',
    `SlurmctldHost=${p.nodeName}(127.0.0.1)`,
    `SlurmctldPort=${CTLD_PORT}`,
    `SlurmdPort=${SLURMD_PORT}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${p.mungeSocket}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${p.state}`,
    `SlurmdSpoolDir=${p.spool}`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdLogFile=${dir}/slurmd.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'MpiDefault=none',
    'MailProg=/bin/true',
    'SchedulerType=sched/backfill',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'JobCompType=jobcomp/none',
    ...(p.accounting
      ? [
          'AccountingStorageType=accounting_storage/slurmdbd',
          'AccountingStorageHost=127.0.0.1',
          `AccountingStoragePort=${DBD_PORT}`,
          // the munge socket for talking to slurmdbd (AuthInfo covers only slurmctld and slurmd)
          `AccountingStoragePass=${p.mungeSocket}`,
          'JobAcctGatherType=jobacct_gather/linux',
          'JobAcctGatherFrequency=1',
        ]
      : ['AccountingStorageType=accounting_storage/none']),
    'ReturnToService=2',
    // the node may claim more CPUs than this machine has (jobs here are tiny)
    'SlurmdParameters=config_overrides',
    `MinJobAge=${p.minJobAge}`,
    // a TIMEOUT ends the job within seconds, not after the default 30 s grace
    'KillWait=2',
    'OverTimeLimit=0',
    'GresTypes=gpu',
    `NodeName=${p.nodeName} NodeAddr=127.0.0.1 CPUs=${p.cpus} RealMemory=1000 Gres=gpu:${p.gpus} State=UNKNOWN`,
    `PartitionName=${p.partition} Nodes=ALL Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

/** The node's GPUs: the device nodes dev/nvidia0.. (Slurm refuses a GPU GRES without File=). */
export function gresConf(nodeName: string, dev: string, gpus: number): string {
  return `NodeName=${nodeName} Name=gpu File=${dev}/nvidia[0-${gpus - 1}]\n`;
}

/** slurmdbd storing into the lab's MariaDB as user slurm. */
export function slurmdbdConf(p: { dir: string; mungeSocket: string; nodeName: string }): string {
  return [
    'AuthType=auth/munge',
    `AuthInfo=socket=${p.mungeSocket}`,
    `DbdHost=${p.nodeName}`,
    'DbdAddr=127.0.0.1',
    `DbdPort=${DBD_PORT}`,
    'SlurmUser=root',
    'StorageType=accounting_storage/mysql',
    'StorageHost=127.0.0.1',
    `StoragePort=${MYSQL_PORT}`,
    'StorageUser=slurm',
    'StorageLoc=slurm_acct_db',
    `PidFile=${p.dir}/slurmdbd.pid`,
    `LogFile=${p.dir}/slurmdbd.log`,
    '',
  ].join('\n');
}
