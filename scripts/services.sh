#!/usr/bin/env bash
# Brings up the services for Arkiv's service test tier on loopback, from Debian packages:
#   PostgreSQL (5432), Mosquitto (1883) and a throw-away single-node Ceph cluster (1 mon, 1
#   in-memory OSD, 1 RADOS Gateway on 7480): a real S3 endpoint with Object Lock (COMPLIANCE,
#   legal hold, versioning). Dev/test only: no auth between Ceph daemons, S3 data lives in RAM.
#
#   scripts/services.sh start    install what is missing, start what is down, print `export` lines
#   scripts/services.sh status   report each service; exit 1 if any is down
#   scripts/services.sh stop     stop the Ceph daemons started from CEPH_DIR
#
#   eval "$(scripts/services.sh start)"     # stdout carries only the export lines; logs go to stderr
#
# Idempotent: an RGW already answering on RGW_PORT with our credentials is reused, never restarted
# (another session may be using it). Environment: CEPH_DIR (/tmp/arkiv-ceph), RGW_PORT (7480),
# MON_PORT (6789), S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (test values below), MEMSTORE_BYTES.
set -euo pipefail
cmd=${1:-start}
D=${CEPH_DIR:-/tmp/arkiv-ceph}
RGW_PORT=${RGW_PORT:-7480}
MON_PORT=${MON_PORT:-6789}
AK=${S3_ACCESS_KEY_ID:-arkiv-test-access}
SK=${S3_SECRET_ACCESS_KEY:-arkiv-test-secret-key}
REGION=us-east-1
DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

log() { echo "services: $*" >&2; }
port_open() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # SECONDS COMMAND...
  local n=$(($1 * 2)); shift
  for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.5; done
  "$@"
}

apt_install() {
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >&2
}

# A signed ListBuckets: proves the gateway is up *and* knows our key (RGW wants the payload hash header).
s3_ok() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "x-amz-content-sha256: $EMPTY_SHA256" \
    --aws-sigv4 "aws:amz:$REGION:s3" --user "$AK:$SK" "http://127.0.0.1:$RGW_PORT/")" = 200 ]
}
rgw_answers() { curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/"; }

stop_ceph() {
  local pids=()
  for p in rgw osd mon; do
    [ -f "$D/run/$p.pid" ] && pids+=("$(cat "$D/run/$p.pid")")
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do # wait until they are gone, so the ports are free again
    kill -0 "${pids[@]}" 2>/dev/null || break
    sleep 0.2
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  rm -f "$D"/run/*.pid
}

ensure_s3_user() {
  local C=(-c "$D/ceph.conf")
  if timeout 60 radosgw-admin "${C[@]}" user info --uid=arkiv >/dev/null 2>&1; then
    timeout 60 radosgw-admin "${C[@]}" key create --uid=arkiv --key-type=s3 --access-key="$AK" --secret="$SK" >/dev/null
  else
    timeout 60 radosgw-admin "${C[@]}" user create --uid=arkiv --display-name=arkiv --access-key="$AK" --secret="$SK" >/dev/null
  fi
}

start_ceph() {
  if ! command -v radosgw >/dev/null || ! command -v ceph-osd >/dev/null || ! command -v ceph-mon >/dev/null; then
    apt_install radosgw ceph-mon ceph-osd ceph-common
  fi
  stop_ceph
  rm -rf "$D"
  mkdir -p "$D"/{run,log,mon,osd/ceph-0,rgw}
  local FSID
  FSID=$(cat /proc/sys/kernel/random/uuid)
  cat >"$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = ${MEMSTORE_BYTES:-8589934592}
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
mon data = $D/mon/\$cluster-\$id
osd data = $D/osd/\$cluster-\$id
ms bind ipv6 = false
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw
rgw dns name = localhost
CONF
  local C=(-c "$D/ceph.conf")
  # --addv with an explicit v1 address: a non-default mon port otherwise makes clients hang.
  monmaptool --create --addv a "[v1:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$D/monmap" >/dev/null
  ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap"
  ceph-mon "${C[@]}" -i a --pid-file "$D/run/mon.pid"
  timeout 60 ceph "${C[@]}" osd create >/dev/null
  ceph-osd "${C[@]}" -i 0 --mkfs 2>>"$D/log/mkfs.log"
  # About one start in four the OSD asks the mon before it has the monmap, is told "wrong fsid"
  # (its fsid is still zero) and exits; a retry finds the monmap (needed up to 3 attempts here).
  local ok=
  for _ in 1 2 3 4 5; do
    if ceph-osd "${C[@]}" -i 0 --pid-file "$D/run/osd.pid" 2>>"$D/log/osd-start.log"; then ok=1; break; fi
    echo "ceph-osd did not start (see $D/log/osd-start.log); retrying" >&2
    sleep 1
  done
  [ -n "$ok" ] || { echo "ceph-osd failed to start 5 times" >&2; return 1; }
  radosgw "${C[@]}" -n client.rgw --pid-file "$D/run/rgw.pid"
  ensure_s3_user
}

ensure_rgw() {
  if s3_ok; then log "reusing the RGW on 127.0.0.1:$RGW_PORT"; return; fi
  # The lead's shared/tools/ceph-rgw.sh may be mid-install: wait for it rather than race it.
  if pgrep -f 'ceph-rgw\.sh' >/dev/null; then
    log "another ceph-rgw.sh is starting a cluster; waiting for it"
    if wait_for 600 s3_ok; then log "reusing the RGW on 127.0.0.1:$RGW_PORT"; return; fi
  fi
  if rgw_answers; then
    # Someone's gateway is up but does not know our key; if it is a cluster from $D, teach it.
    if [ -f "$D/ceph.conf" ] && grep -q "endpoint=127.0.0.1:$RGW_PORT\$" "$D/ceph.conf"; then
      log "adding our S3 key to the running cluster in $D"
      ensure_s3_user
      wait_for 30 s3_ok && return
    fi
    log "something answers on 127.0.0.1:$RGW_PORT but rejects our credentials; not touching it"
    exit 1
  fi
  log "starting a single-node Ceph RGW under $D"
  start_ceph >&2 9>&-
  wait_for 30 s3_ok || { log "radosgw did not accept our credentials on $RGW_PORT (logs: $D/log)"; exit 1; }
}

ensure_postgres() {
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local ver
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL $ver"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2
    wait_for 30 pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL did not come up"; exit 1; }
  fi
  if ! psql "$DATABASE_URL" -Atqc 'select 1' >/dev/null 2>&1; then
    # The test tier connects as postgres without a password, over loopback only.
    log "allowing passwordless loopback connections for user postgres (test machine)"
    local hba=/etc/postgresql/$ver/main/pg_hba.conf
    sed -i "1i host all postgres 127.0.0.1/32 trust" "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >&2
    wait_for 10 psql "$DATABASE_URL" -Atqc 'select 1' >/dev/null 2>&1 || { log "cannot connect to $DATABASE_URL"; exit 1; }
  fi
}

ensure_mosquitto() {
  port_open 1883 && return
  command -v mosquitto >/dev/null || apt_install mosquitto
  port_open 1883 && return # the package's own start may have brought it up
  log "starting Mosquitto"
  # mosquitto drops to its own user and needs these to exist and be writable by it.
  mkdir -p /run/mosquitto /var/log/mosquitto /var/lib/mosquitto
  id mosquitto >/dev/null 2>&1 && chown mosquitto: /run/mosquitto /var/log/mosquitto /var/lib/mosquitto
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_for 15 port_open 1883 || { log "Mosquitto did not listen on 1883"; exit 1; }
}

status() {
  local rc=0
  if s3_ok; then log "s3: up on 127.0.0.1:$RGW_PORT, credentials accepted"
  elif rgw_answers; then log "s3: answering on $RGW_PORT but rejecting our credentials"; rc=1
  else log "s3: down"; rc=1; fi
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then log "postgres: up"; else log "postgres: down"; rc=1; fi
  if port_open 1883; then log "mosquitto: up"; else log "mosquitto: down"; rc=1; fi
  return $rc
}

case "$cmd" in
  start)
    mkdir -p "$(dirname "$D")"
    exec 9>"$D.lock" # two launchers at once would both try to build the cluster
    flock 9
    # 9>&-: daemons started below must not inherit the lock fd, or they would hold it forever.
    ensure_postgres 9>&-
    ensure_mosquitto 9>&-
    ensure_rgw
    cat <<ENV
export DATABASE_URL=$DATABASE_URL
export S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
export S3_REGION=$REGION
export S3_ACCESS_KEY_ID=$AK
export S3_SECRET_ACCESS_KEY=$SK
export S3_FORCE_PATH_STYLE=true
export MQTT_URL=mqtt://127.0.0.1:1883
ENV
    ;;
  stop) stop_ceph ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
