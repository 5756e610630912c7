# SPDX-License-Identifier: GPL-2.0
# Sourced by cli_mdc.sh and cli_tokens.sh (not run on its own): their
# arguments BINDIR PREFIX, a private directory $tmp removed at exit, the
# result lines, the shared volume (mkvol, copyvol) and xsanmdc started
# and stopped by its PID (start, stop), every wait bounded.
# The caller defines its tests as functions and ends with
# `run_tests NAME...`.

bindir=$(cd "$1" && pwd) || exit 1
prefix=$2
mdc=$bindir/xsanmdc
admin=$bindir/xsanadmin
failed=0
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

result() {
	if [ "$2" -eq 0 ]; then
		echo "PASS: $prefix.$1"
	else
		echo "FAIL: $prefix.$1"
		failed=1
	fi
}

# t NAME: run the function NAME in a subshell, in its own directory.
t() {
	name=$1
	mkdir "$tmp/$name"
	(cd "$tmp/$name" && "$name")
	result "$name" $?
}

# has WHAT TEXT NEEDLE: TEXT contains NEEDLE, or say so.
has() {
	grep -qF -- "$3" <<<"$2" && return 0
	printf '  %s: %s lacks %q:\n%s\n' "$prefix.$name" "$1" "$3" "$2" >&2
	return 1
}

# The volume every test copies: three LUN images, labelled and made.
mkvol() {
	local d=$tmp/vol l
	mkdir -p "$d/config" "$d/state"
	for l in meta0 data0 data1; do
		truncate -s 64M "$d/$l.img"
		echo "$l $d/$l.img"
	done > "$d/labels"
	cat > "$d/config/vol1.cfgx" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<configDoc xmlns="http://www.quantum.com/snfs" version="1.0">
  <config configVersion="0" name="vol1">
    <globals><fsBlockSize>4096</fsBlockSize></globals>
    <diskTypes><diskType typeName="Lun" sectors="122880" sectorSize="512"/></diskTypes>
    <stripeGroups>
      <stripeGroup index="0" name="MetaFiles" stripeBreadth="65536" metadata="true" journal="true" userdata="false">
        <disk index="0" diskLabel="meta0" diskType="Lun"/>
      </stripeGroup>
      <stripeGroup index="1" name="DataFiles" stripeBreadth="262144" metadata="false" journal="false" userdata="true">
        <disk index="0" diskLabel="data0" diskType="Lun"/>
        <disk index="1" diskLabel="data1" diskType="Lun"/>
      </stripeGroup>
    </stripeGroups>
  </config>
</configDoc>
XML
	echo "cli-mdc-test-secret-0123456789" > "$d/config/vol1.auth_secret"
	chmod 600 "$d/config/vol1.auth_secret"
	"$bindir/mkfs.xsanfs" -l "$d/labels" -S "$d/state" -d "$d/meta0.img" \
		-d "$d/data0.img" -d "$d/data1.img" "$d/config/vol1.cfgx" > "$d/mkfs.out" 2>&1 ||
		{ cat "$d/mkfs.out" >&2; return 1; }
}

# A private copy of the volume's config and state in the current directory.
copyvol() {
	cp -a "$tmp/vol/config" "$tmp/vol/state" .
}

# start [ARGS...]: start xsanmdc on ./config and ./state; sets pid, sport,
# nsport. Fails if it does not listen within 10 s.
start() {
	local i
	"$mdc" -c config -S state -b 127.0.0.1 -p 0 -n 0 "$@" 2> mdc.log &
	pid=$!
	echo "$pid" >> "$tmp/pids"
	for i in $(seq 200); do
		if grep -q 'name service port' mdc.log; then
			sport=$(sed -n 's/.*sessions port \([0-9]*\),.*/\1/p' mdc.log)
			nsport=$(sed -n 's/.*name service port \([0-9]*\).*/\1/p' mdc.log)
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "  $prefix.$name: xsanmdc did not start:" >&2
	cat mdc.log >&2
	return 1
}

# stop: SIGTERM; xsanmdc must exit 0 within 10 s.
stop() {
	local i
	kill -TERM "$pid"
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		echo "  $prefix.$name: xsanmdc ignored SIGTERM for 10 s" >&2
		return 1
	fi
	wait "$pid"
	local rc=$?
	[ "$rc" -eq 0 ] || { echo "  $prefix.$name: xsanmdc exited $rc" >&2; return 1; }
}


# run_tests NAME...: make the volume, run each test with t, stop by PID
# any process a failed test left behind, exit 1 if any test failed.
run_tests() {
	local test p
	if ! mkvol; then
		echo "FAIL: $prefix.cli_mkvol"
		exit 1
	fi
	: > "$tmp/pids"
	for test in "$@"; do
		t "$test"
	done
	while read -r p; do pids+=("$p"); done < "$tmp/pids"
	exit $failed
}
