# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=600
# SPDX-License-Identifier: GPL-2.0
# SQLite on one database from two clients at once, rollback journal
# (journal_mode=DELETE): SQLite's own locking (fcntl F_SETLK on bytes
# near 1 GiB, F_GETLK to tell a hot journal from one being written) must
# work across the cluster, and after a lock each client must read what
# the other wrote (the change counter in page 1, the pages, the
# journal). Guest A creates the schema, t(id, v) and c(n) with one row;
# then each guest runs one sqlite3 process of 150 iterations (and B a
# second one that only reads, 150 times, each consistent): a write
# transaction (BEGIN IMMEDIATE; one row into t; c.n + 1; COMMIT), a
# read, count(t) = c.n, which must be true every time, and a 50 ms pause
# (so that the two guests' transactions interleave). A busy timeout of
# 20 s makes contention wait instead of failing; .bail on stops at the
# first error ("database is locked", "disk I/O error", "database disk
# image is malformed", ...), which fails the test. At the end, on both
# guests: integrity_check says ok, count(t) = c.n = 300, 150 rows from
# each guest, and no journal is left behind.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

command -v sqlite3 > /dev/null ||
	fail "sqlite3 is not in the guest image (scripts/qemu/mkinitramfs.sh PKGS needs the sqlite3 package)"
M=/mnt/x
DB=$M/db.sqlite
N=150
T=/tmp/sqlite.$BED_GUEST
mkdir -p "$T"
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
echo "sqlite: $(sqlite3 --version | cut -d' ' -f1)"

# sql WHAT SECS: run sqlite3 on $DB with the script on standard input,
# at most SECS s; its output (stdout and stderr) is in $T/WHAT.out and
# any error, or a non-zero exit, fails the test with the message
sql() {
	local rc=0 err
	timeout "$2" sqlite3 "$DB" > "$T/$1.out" 2>&1 || rc=$?
	err=$(grep -E -m 1 "disk I/O error|malformed|database is locked|[Ee]rror" "$T/$1.out" || true)
	[ "$rc" != 124 ] || fail "$1: sqlite3 still running after $2 s (last lines: $(tail -n 3 "$T/$1.out"))"
	[ -z "$err" ] || fail "$1: sqlite3 on guest $BED_GUEST: $err"
	[ "$rc" = 0 ] || fail "$1: sqlite3 exited with status $rc: $(tail -n 3 "$T/$1.out")"
}

if [ "$BED_GUEST" = a ]; then
	sql create 60 <<- 'EOF'
		.bail on
		.timeout 20000
		PRAGMA journal_mode=DELETE;
		BEGIN IMMEDIATE;
		CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
		CREATE TABLE c(n INTEGER);
		INSERT INTO c VALUES(0);
		COMMIT;
	EOF
	[ "$(cat "$T/create.out")" = delete ] ||
		fail "create: sqlite3 printed '$(cat "$T/create.out")', want 'delete' (the journal mode)"
fi
bed_barrier created

# The workload: N times a write transaction and a read.
{
	echo ".bail on"
	echo ".timeout 20000"
	echo "PRAGMA journal_mode=DELETE;"
	for ((i = 1; i <= N; i++)); do
		echo "BEGIN IMMEDIATE;"
		echo "INSERT INTO t(v) VALUES('$BED_GUEST-$i-' || hex(randomblob(24)));"
		echo "UPDATE c SET n = n + 1;"
		echo "COMMIT;"
		echo "SELECT 'read $i ' || ((SELECT count(*) FROM t) = (SELECT n FROM c));"
		# a pause, or the writer that just committed takes its next
		# lock long before the other one's busy handler tries again
		# (every 100 ms at most): the transactions would not interleave
		echo ".shell sleep 0.05"
	done
} > "$T/work.sql"

# B also runs a reader of its own: a second process (a second lock owner
# on B), N read transactions, each of which must see count(t) = c.n
if [ "$BED_GUEST" = b ]; then
	{
		echo ".bail on"
		echo ".timeout 20000"
		for ((i = 1; i <= N; i++)); do
			echo "SELECT 'read $i ' || ((SELECT count(*) FROM t) = (SELECT n FROM c));"
			echo ".shell sleep 0.05"
		done
	} > "$T/reader.sql"
	seq -f "read %g 1" 1 $N > "$T/reader.want"
fi

bed_barrier start
t0=$(date +%s%N)
if [ "$BED_GUEST" = b ]; then
	( sql reader 400 < "$T/reader.sql" ) &
	rpid=$!
fi
sql work 400 < "$T/work.sql"
ms=$((($(date +%s%N) - t0) / 1000000))
# every read saw count(t) = c.n: "read I 1", I from 1 to N, in order
{
	echo delete
	seq -f "read %g 1" 1 $N
} > "$T/work.want"
if ! diff -u "$T/work.want" "$T/work.out" > "$T/work.diff"; then
	head -n 20 "$T/work.diff"
	fail "work: sqlite3's output on guest $BED_GUEST differs from the journal mode and $N true reads (a read saw count(t) != c.n?): $(grep -m 1 '^+' "$T/work.diff" | tail -n 1)"
fi
echo "sqlite: figure: $N write transactions + $N reads on $BED_GUEST in $ms ms (a 50 ms pause each; both guests at once)"
if [ "$BED_GUEST" = b ]; then
	wait $rpid || fail "reader: the second sqlite3 process on b failed (above)"
	diff -u "$T/reader.want" "$T/reader.out" > "$T/reader.diff" ||
		fail "reader: a read on b saw count(t) != c.n: $(grep -m 1 '^+[^+]' "$T/reader.diff")"
	echo "sqlite: b's second process: $N reads, each consistent"
fi
bed_barrier worked

# Both are done: the same checks on both guests.
sql check 120 <<- 'EOF'
	.bail on
	.timeout 20000
	PRAGMA integrity_check;
	SELECT 'rows ' || count(*) FROM t;
	SELECT 'counter ' || n FROM c;
	SELECT 'rows of a ' || count(*) FROM t WHERE v LIKE 'a-%';
	SELECT 'rows of b ' || count(*) FROM t WHERE v LIKE 'b-%';
	SELECT 'ids ' || count(DISTINCT id) FROM t;
EOF
printf 'ok\nrows %d\ncounter %d\nrows of a %d\nrows of b %d\nids %d\n' \
	$((2 * N)) $((2 * N)) $N $N $((2 * N)) > "$T/check.want"
if ! diff -u "$T/check.want" "$T/check.out"; then
	fail "check: integrity_check and the counts on guest $BED_GUEST differ from what was committed (above)"
fi
[ ! -e "$DB-journal" ] || fail "check: $DB-journal is still there after both sqlite3 processes ended"
sql switches 60 <<- 'EOF'
	SELECT count(*) FROM t AS x JOIN t AS y ON y.id = x.id + 1
		WHERE substr(x.v, 1, 1) != substr(y.v, 1, 1);
EOF
echo "sqlite: $BED_GUEST: integrity_check ok, $((2 * N)) rows, counter $((2 * N))"
echo "sqlite: figure: the rows in id order switch guest $(cat "$T/switches.out") times (interleaving)"
bed_barrier checked
timeout 60 umount $M || fail "umount failed"
rmmod xsanfs
echo "sqlite: ok"
