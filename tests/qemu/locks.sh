# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# Cluster-wide POSIX (fcntl) and flock(2) locks between two clients of one
# volume (fs/lock.c, the MDC's LOCK / UNLOCK / LOCK_WAKE: tokens.rst,
# "Locks"). Each xsanlock run (tests/qemu/helpers/xsanlock.c) is one
# process, so one lock owner. The cases:
#   a. A holds a write lock on [0, 100): B's F_SETLK of an overlapping
#      range is refused (write and read; an OFD lock too), a range next to
#      it is granted,
#      F_GETLK reports A's lock; B's F_SETLKW waits and is woken when A
#      unlocks, and A then sees B's lock
#   b. read locks are shared: B gets a read lock where A holds one, not a
#      write lock; once A unlocks, B's write lock is granted
#   c. flock: A's LOCK_EX refuses B's LOCK_EX and LOCK_SH, but not B's
#      fcntl lock (another namespace); LOCK_SH is shared, and B's blocking
#      LOCK_EX is woken when A's LOCK_SH goes
#   d. the end of a process releases its locks: A's holder is killed
#      (SIGKILL), and B's F_SETLK must be granted within 10 s
#   e. no lost increment: both guests at once increment a counter in the
#      file under a write lock, 300 times each: it must end at 600
#   f. an F_SETLKW upgrade (read to write) interrupted by a signal leaves
#      the read lock held: A reads, B reads, A's upgrade gets EINTR; after
#      B unlocks, F_GETLK from B still reports A's read lock and B's
#      F_SETLK of a write lock is refused
#   g. a deadlock across hosts (A holds f4 and waits for f5, B holds f5
#      and waits for f4): exactly one F_SETLKW gets EDEADLK, and the
#      other one the lock once that side has exited
# Marks a helper waits for are in this guest's /tmp, except the deadlock
# helpers' (g), which wait for each other's on the volume; the guests
# sequence the steps with barriers.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
L=/tmp/locks.$BED_GUEST
mkdir -p "$L"
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted
t_start=$(date +%s)

is_a=0 is_b=0
if [ "$BED_GUEST" = a ]; then is_a=1; else is_b=1; fi

# Helpers started in the background; any still running when the test ends
# (a failure) are killed by PID.
bg_pids=()
cleanup() {
	local p
	for p in "${bg_pids[@]}"; do
		kill -9 "$p" 2> /dev/null || true
	done
}
trap cleanup EXIT

# start NAME ARGS...: run xsanlock ARGS in the background, its output in
# $L/NAME.out; PID is its process id (xsanlock itself: no wrapper)
start() {
	local name=$1
	shift
	xsanlock "$@" > "$L/$name.out" 2>&1 &
	PID=$!
	bg_pids+=("$PID")
}

forget() {
	local p keep=()
	for p in "${bg_pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	bg_pids=("${keep[@]}")
}

# running PID: PID is alive (and not a zombie waiting for wait)
running() {
	local s
	s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2> /dev/null) ||
		return 1
	[ -n "$s" ] && [ "$s" != Z ]
}

# reap PID SECS WHAT: wait at most SECS s for the background helper PID to
# end; REAPED is its exit status
reap() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		running "$1" || break
		sleep 0.1
	done
	if running "$1"; then
		fail "$3: still running after $2 s"
	fi
	REAPED=0
	wait "$1" || REAPED=$?
	forget "$1"
}

# reap_ok PID NAME WHAT: reap (30 s), it must have exited 0 and said
# "unlocked" last
reap_ok() {
	reap "$1" 30 "$3"
	[ "$REAPED" = 0 ] ||
		fail "$3: exited with status $REAPED: $(cat "$L/$2.out")"
	[ "$(tail -n 1 "$L/$2.out")" = unlocked ] ||
		fail "$3: did not unlock: $(cat "$L/$2.out")"
}

# wait_mark PATH SECS WHAT [NAME]: wait until PATH exists, at most SECS s;
# a failure shows the output of helper NAME
wait_mark() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "$3: $1 did not appear in $2 s${4:+ (xsanlock $4 said: $(cat "$L/$4.out"))}"
}

# check WHAT WANT ARGS...: xsanlock ARGS (in the foreground) must print
# what matches the glob WANT
check() {
	local what=$1 want=$2 out
	shift 2
	out=$(timeout 60 xsanlock "$@" 2>&1) ||
		fail "$what: xsanlock $* failed on guest $BED_GUEST: $out"
	# shellcheck disable=SC2254 # WANT is a pattern
	case "$out" in
	$want) ;;
	*) fail "$what: xsanlock $* printed '$out' on guest $BED_GUEST, want '$want'" ;;
	esac
	echo "$what: xsanlock $*: $out"
}

# --- a. a write lock: F_SETLK refused, F_GETLK, F_SETLKW woken --------------
F=$M/f1
if [ $is_a = 1 ]; then
	start a-hold hold $F wr 0 100 "$L/a" 90
	pa=$PID
	wait_mark "$L/a.1" 30 "a: A's write lock on an unlocked file" a-hold
fi
bed_barrier a-held
if [ $is_b = 1 ]; then
	check "a: overlap" EAGAIN try $F wr 0 100
	check "a: next range" ok try $F wr 100 100
	# an OFD lock (owned by the open file) conflicts with A's POSIX lock
	check "a: OFD overlap" EAGAIN ofdtry $F wr 50 10
	check "a: OFD next range" ok ofdtry $F wr 100 100
	check "a: read inside" EAGAIN try $F rd 50 10
	check "a: getlk" "wr 0 100 pid=*" getlk $F wr 0 0
	start a-bhold hold $F wr 0 100 "$L/b" 90
	pb=$PID
	sleep 1
	if [ -e "$L/b.1" ] || ! running "$pb"; then
		fail "a: B's F_SETLKW did not wait for A's write lock: $(cat "$L/a-bhold.out")"
	fi
fi
bed_barrier a-bwaits
if [ $is_a = 1 ]; then
	touch "$L/a.go"
	reap_ok "$pa" a-hold "a: A's hold"
fi
if [ $is_b = 1 ]; then
	wait_mark "$L/b.1" 30 "a: B's F_SETLKW after A unlocked (LOCK_WAKE lost?)" a-bhold
	echo "a: B's F_SETLKW waiting for A's lock: $(head -n 1 "$L/a-bhold.out")"
fi
bed_barrier a-bheld
if [ $is_a = 1 ]; then
	check "a: B's lock from A" EAGAIN try $F wr 0 1
	check "a: getlk from A" "wr 0 100 pid=*" getlk $F rd 0 0
fi
bed_barrier a-checked
if [ $is_b = 1 ]; then
	touch "$L/b.go"
	reap_ok "$pb" a-bhold "a: B's hold"
fi
bed_barrier a-done

# --- b. read locks are shared -----------------------------------------------
F=$M/fb
if [ $is_a = 1 ]; then
	start b-hold hold $F rd 0 100 "$L/rb" 90
	pa=$PID
	wait_mark "$L/rb.1" 30 "b: A's read lock" b-hold
fi
bed_barrier b-held
if [ $is_b = 1 ]; then
	check "b: read shared" ok try $F rd 0 100
	check "b: read overlapping" ok try $F rd 50 200
	check "b: write" EAGAIN try $F wr 0 100
	check "b: write last byte" EAGAIN try $F wr 99 1
	check "b: write past" ok try $F wr 100 0
	check "b: getlk" "rd 0 100 pid=*" getlk $F wr 0 0
	check "b: getlk read" unlck getlk $F rd 0 0
fi
bed_barrier b-checked
if [ $is_a = 1 ]; then
	touch "$L/rb.go"
	reap_ok "$pa" b-hold "b: A's hold"
fi
bed_barrier b-released
if [ $is_b = 1 ]; then
	check "b: write after A's unlock" ok try $F wr 0 100
fi
bed_barrier b-done

# --- c. flock, its own namespace ----------------------------------------------
F=$M/f2
if [ $is_a = 1 ]; then
	start c-hold flock $F ex "$L/c" 90
	pa=$PID
	wait_mark "$L/c.1" 30 "c: A's LOCK_EX" c-hold
fi
bed_barrier c-held
if [ $is_b = 1 ]; then
	check "c: flock ex" EWOULDBLOCK flocktry $F ex
	check "c: flock sh" EWOULDBLOCK flocktry $F sh
	check "c: fcntl beside flock" ok try $F wr 0 0
fi
bed_barrier c-checked
if [ $is_a = 1 ]; then
	touch "$L/c.go"
	reap_ok "$pa" c-hold "c: A's LOCK_EX"
fi
bed_barrier c-released
if [ $is_b = 1 ]; then
	check "c: flock ex after A's LOCK_UN" ok flocktry $F ex
fi
bed_barrier c-free
if [ $is_a = 1 ]; then
	start c-sh flock $F sh "$L/cs" 90
	pa=$PID
	wait_mark "$L/cs.1" 30 "c: A's LOCK_SH" c-sh
fi
bed_barrier c-shared
if [ $is_b = 1 ]; then
	check "c: flock sh shared" ok flocktry $F sh
	check "c: flock ex beside sh" EWOULDBLOCK flocktry $F ex
	start c-bex flock $F ex "$L/cx" 90
	pb=$PID
	sleep 1
	if [ -e "$L/cx.1" ] || ! running "$pb"; then
		fail "c: B's LOCK_EX did not wait for A's LOCK_SH: $(cat "$L/c-bex.out")"
	fi
fi
bed_barrier c-bwaits
if [ $is_a = 1 ]; then
	touch "$L/cs.go"
	reap_ok "$pa" c-sh "c: A's LOCK_SH"
fi
if [ $is_b = 1 ]; then
	wait_mark "$L/cx.1" 30 "c: B's LOCK_EX after A's LOCK_UN (not woken?)" c-bex
	echo "c: B's LOCK_EX waiting for A's LOCK_SH: $(head -n 1 "$L/c-bex.out")"
	touch "$L/cx.go"
	reap_ok "$pb" c-bex "c: B's LOCK_EX"
fi
bed_barrier c-done

# --- d. the end of the holder releases its lock --------------------------------
F=$M/fd
if [ $is_a = 1 ]; then
	start d-hold hold $F wr 0 0 "$L/d" 90
	pa=$PID
	wait_mark "$L/d.1" 30 "d: A's write lock" d-hold
fi
bed_barrier d-held
if [ $is_b = 1 ]; then
	check "d: while A holds" EAGAIN try $F wr 0 0
fi
bed_barrier d-checked
if [ $is_a = 1 ]; then
	kill -9 "$pa"
	reap "$pa" 30 "d: A's hold after SIGKILL"
	[ "$REAPED" = 137 ] || fail "d: A's hold ended with status $REAPED, not by SIGKILL: $(cat "$L/d-hold.out")"
	echo "d: A's holder (pid $pa) killed with SIGKILL"
fi
bed_barrier d-killed
if [ $is_b = 1 ]; then
	t0=$(date +%s%N)
	got=
	for ((i = 0; i < 50; i++)); do
		got=$(timeout 30 xsanlock try $F wr 0 0 2>&1) ||
			fail "d: xsanlock try $F wr 0 0 failed: $got"
		[ "$got" = ok ] && break
		[ "$got" = EAGAIN ] || fail "d: xsanlock try $F wr 0 0 printed '$got'"
		sleep 0.2
	done
	[ "$got" = ok ] || fail "d: the killed holder's lock was not released in 10 s (try: $got)"
	echo "d: B's write lock granted $((($(date +%s%N) - t0) / 1000000)) ms after the SIGKILL"
fi
bed_barrier d-done

# --- e. no lost increment -------------------------------------------------------
F=$M/ctr
N=300
bed_barrier e-start
t0=$(date +%s%N)
out=$(timeout 150 xsanlock counter $F $N 2>&1) ||
	fail "e: xsanlock counter $F $N failed on guest $BED_GUEST: $out"
ms=$((($(date +%s%N) - t0) / 1000000))
printf '%s\n' "$out" | sed "s/^/e: $BED_GUEST: /"
case "$out" in
"counter: did $N, last value "*) ;;
*) fail "e: xsanlock counter printed '$out'" ;;
esac
bed_barrier e-done
v=$(timeout 30 od -An -t u8 --endian=little -N 8 $F | tr -d ' ')
[ "$v" = $((2 * N)) ] ||
	fail "e: the counter is '$v' on guest $BED_GUEST after 2 x $N locked increments, want $((2 * N))"
echo "e: figure: $N locked increments on $BED_GUEST in $ms ms ($((N * 1000 / (ms > 0 ? ms : 1))) per s, both guests at once); counter $v"
bed_barrier e-checked

# --- f. an interrupted upgrade keeps the read lock ------------------------------
F=$M/f3
if [ $is_b = 1 ]; then
	start f-hold hold $F rd 0 100 "$L/fr" 90
	pb=$PID
	wait_mark "$L/fr.1" 30 "f: B's read lock" f-hold
fi
bed_barrier f-bheld
if [ $is_a = 1 ]; then
	start f-intr intr $F "$L/fi"
	pa=$PID
	wait_mark "$L/fi.2" 30 "f: A's upgrade to a write lock" f-intr
	out=$(head -n 1 "$L/f-intr.out")
	case "$out" in
	"upgrade: EINTR after "*) ;;
	*) fail "f: A's F_SETLKW upgrade of its read lock, with B's read lock on the range, gave '$out', want EINTR (SIGALRM after 2 s)" ;;
	esac
	echo "f: A: $out"
fi
bed_barrier f-upgraded
if [ $is_b = 1 ]; then
	check "f: both read locks" "rd 0 100 pid=*" getlk $F wr 0 100
	check "f: write with both" EAGAIN try $F wr 0 100
	touch "$L/fr.go"
	reap_ok "$pb" f-hold "f: B's hold"
	check "f: A's read lock after its interrupted upgrade" "rd 0 100 pid=*" getlk $F wr 0 100
	check "f: write beside A's read lock" EAGAIN try $F wr 0 100
	check "f: read beside A's read lock" ok try $F rd 0 100
fi
bed_barrier f-checked
if [ $is_a = 1 ]; then
	touch "$L/fi.go"
	reap "$pa" 30 "f: A's intr"
	[ "$REAPED" = 0 ] || fail "f: xsanlock intr exited with status $REAPED: $(cat "$L/f-intr.out")"
fi
bed_barrier f-released
if [ $is_b = 1 ]; then
	check "f: write after A closed" ok try $F wr 0 100
fi
bed_barrier f-done

# --- g. a deadlock across hosts --------------------------------------------------
bed_barrier g-start
out=$(timeout 180 xsanlock deadlock $M/f4 $M/f5 $M/g-mark "$BED_GUEST" 2>&1) ||
	fail "g: xsanlock deadlock on guest $BED_GUEST failed: $out"
printf '%s\n' "$out" | sed 's/^/g: /'
res=$(head -n 1 <<< "$out")
bed_put "g_$BED_GUEST" "$res"
bed_barrier g-done
ra=$(bed_get g_a)
rb=$(bed_get g_b)
case "$ra/$rb" in
"a: ok/b: EDEADLK" | "a: EDEADLK/b: ok") ;;
*) fail "g: the cross-host deadlock gave '$ra' and '$rb', want one EDEADLK and one ok" ;;
esac
echo "g: deadlock: '$ra', '$rb'"

# --- h. local_locks: the old behaviour, for applications that want it ------------
# B mounts the volume a second time with local_locks: its locks there exclude
# only processes of B, and A's lock does not keep it out
if [ $is_b = 1 ]; then
	mkdir -p /mnt/l
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,local_locks vol1 /mnt/l 2>&1) ||
		fail "h: mount with local_locks failed: $out"
	grep -q " /mnt/l xsanfs .*local_locks" /proc/mounts ||
		fail "h: local_locks not in /proc/mounts: $(grep /mnt/l /proc/mounts)"
fi
bed_barrier h-mounted
if [ $is_a = 1 ]; then
	start h-hold hold $M/f6 wr 0 0 "$L/h" 120
	pa=$PID
	wait_mark "$L/h.1" 30 "h: A's hold" h-hold
fi
bed_barrier h-held
if [ $is_b = 1 ]; then
	check "h: through the cluster mount" EAGAIN try $M/f6 wr 0 0
	check "h: through the local_locks mount" ok try /mnt/l/f6 wr 0 0
	timeout 60 umount /mnt/l || fail "h: umount of /mnt/l failed"
fi
bed_barrier h-checked
if [ $is_a = 1 ]; then
	touch "$L/h.go"
	reap_ok "$pa" h-hold "h: A's hold"
fi
bed_barrier h-done

# ---------------------------------------------------------------------------------
[ ${#bg_pids[@]} = 0 ] || fail "helpers still running: ${bg_pids[*]}"
bed_barrier checked
timeout 60 umount $M || fail "umount failed"
rmmod xsanfs
echo "locks: ok ($(($(date +%s) - t_start)) s from the mount)"
