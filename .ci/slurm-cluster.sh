#!/usr/bin/env bash
# A single-node Slurm cluster on loopback for the Slurm tests: start | stop | env | status.
#
#   start  installs slurmctld, slurmd, slurm-client and munge when missing, creates a munge key, starts munged
#          on its own socket, writes slurm.conf for one node (this host's short name on 127.0.0.1), starts
#          slurmctld and slurmd, and waits until `sinfo` shows the node idle. Prints `export SLURM_CONF=...`.
#   stop   kills the daemons by their PID files (never by name).
#   env    prints `export SLURM_CONF=...` for a running cluster.
#
# No systemd needed: every daemon is started by hand, as root (SlurmUser=root). Everything lives in
# $SOTA_SLURM_DIR (default /tmp/sota-slurm). Jobs run on this machine, so run directories are "shared" trivially.
set -euo pipefail

dir=${SOTA_SLURM_DIR:-/tmp/sota-slurm}
conf=$dir/etc/slurm.conf
node=$(hostname -s)

die() {
  echo "slurm-cluster: $*" >&2
  exit 1
}

install_packages() {
  local missing=() package
  for package in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "slurm-cluster: installing ${missing[*]}" >&2
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Kills the process named in a PID file (if it is still alive) and waits for it to go.
stop_pidfile() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

stop() {
  stop_pidfile "$dir/run/slurmd.pid"
  stop_pidfile "$dir/run/slurmctld.pid"
  stop_pidfile "$dir/run/munged.pid"
}

write_conf() {
  local cpus memory
  cpus=$(nproc)
  memory=$(awk '/MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)
  cat >"$conf" <<EOF
# Written by .ci/slurm-cluster.sh: one node on loopback, for sota's Slurm tests.
ClusterName=sota-ci
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/run/munge.socket
CredType=cred/munge
SlurmctldPort=${SOTA_SLURMCTLD_PORT:-16817}
SlurmdPort=${SOTA_SLURMD_PORT:-16818}
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
DependencyParameters=kill_invalid_depend
MinJobAge=600
MaxArraySize=2001
MaxJobCount=20000
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  [ "$(id -u)" -eq 0 ] || die "start needs root (the cluster runs its daemons as root)"
  install_packages
  stop
  mkdir -p "$dir"/{etc,run,state,spool,log,munge}
  chmod 700 "$dir/munge"
  if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 400 "$dir/munge/munge.key"
  # munged refuses a key or folders that others can write; root owns them all here.
  munged --key-file="$dir/munge/munge.key" --socket="$dir/run/munge.socket" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" --force
  write_conf
  export SLURM_CONF=$conf
  slurmctld -i -f "$conf"
  slurmd -f "$conf" -N "$node"
  for _ in $(seq 120); do
    if sinfo -h -N -o '%t' 2>/dev/null | grep -qx 'idle'; then
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.25
  done
  tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
  die "the node did not become idle within 30 s (logs above)"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  env)
    [ -f "$conf" ] || die "no cluster in $dir"
    echo "export SLURM_CONF=$conf"
    ;;
  status) SLURM_CONF=$conf sinfo ;;
  *) die "usage: $0 start|stop|env|status" ;;
esac
