// SPDX-License-Identifier: GPL-2.0
/*
 * xsanio: system calls the shell cannot make, for the QEMU tests.
 *
 *   xsanio dio FILE CHUNK_MIB MARK
 *	O_DIRECT writes that stay uncommitted: open FILE (O_WRONLY |
 *	O_CREAT | O_DIRECT) once and write standard input to it in chunks
 *	of CHUNK_MIB MiB, appending, through that one open file. After chunk
 *	K create MARK.K and wait (at most 300 s) until MARK.go.K exists; at
 *	the end of the input close the file. Nothing is fsynced: the
 *	writes' commits are still owed to the MDC (fs/data.c, "Deferred
 *	O_DIRECT commits") while it waits, so another client's stat and
 *	read must get them by a REVOKE. A short last chunk is padded with
 *	zeros to 4 KiB.
 *   xsanio srange FILE MARK
 *	write standard input to FILE (created, truncated) with write(2),
 *	then sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER) over all of
 *	it; create MARK.1 and wait (at most 300 s) for MARK.go.1 before
 *	closing, so another guest can look while the file is still open
 *	and nothing but sync_file_range wrote it
 *   xsanio closeerr FILE MARK
 *	write standard input to FILE (created, truncated) with write(2),
 *	create MARK.1, wait for MARK.go.1, then close(2) it and print what
 *	close returned: "0" or the error's message (exit 0 either way)
 *   xsanio cfr SRC DST
 *	copy SRC to DST (created, truncated) with copy_file_range(2) only;
 *	prints the bytes copied
 *   xsanio sendfile SRC DST
 *	the same with sendfile(2)
 *   xsanio held FILE OFFSET MARK [direct]
 *	write standard input to FILE (created if need be, not truncated)
 *	at OFFSET, with write(2) or, with "direct", O_DIRECT (a short last
 *	chunk padded with zeros to 4 KiB); create MARK.1, wait for
 *	MARK.go.1, fsync and print "fsync: 0" or "fsync: <error>"; create
 *	MARK.2, wait for MARK.go.2, close and print "close: 0" or
 *	"close: <error>" (exit 0 either way): what a held-open
 *	descriptor's fsync and close report after what happened meanwhile
 *   xsanio idlewr FILE SHADOW STEPS MARK BASE_MS SPREAD_MS
 *	steps of two writes to FILE (opened once, O_RDWR, kept open) and
 *	the same to SHADOW (a local copy): 1 MiB at offset 0, then after a
 *	pause of BASE_MS + (K * 37 % SPREAD_MS) ms (step K) 4 KiB at
 *	1 MiB + (K % 64) * 4 KiB, each of a byte of its own; after step K
 *	create MARK.K (holding the pause) and wait for MARK.go.K
 *   xsanio mmapread FILE STOP KIB
 *	map FILE (at least 2 * KIB KiB) MAP_SHARED, read and write, and
 *	until the file STOP exists (at most 300 s): drop the second half's
 *	page table entries (MADV_DONTNEED) and read(2) the first KIB KiB of
 *	FILE into the second half of the mapping, so that the read faults
 *	on (and dirties) the file it reads; prints progress every 500
 *	iterations, then the count and the slowest one
 *   xsanio mmapwr FILE KIB STOP
 *	map FILE's first KIB KiB MAP_SHARED, read and write, and until
 *	STOP exists (at most 300 s) or an access gets SIGBUS (the file was
 *	truncated under the mapping): store a byte of its own in each page
 *	of the second half and msync(MS_SYNC) that half; prints the count
 *	of iterations and whether SIGBUS ended them
 *   xsanio orphan FILE NBYTES MARK
 *	read standard input into memory; create FILE (O_RDWR), write its
 *	first NBYTES, fsync, unlink FILE, create MARK.1 and wait for
 *	MARK.go.1; then through the same descriptor read those bytes back
 *	(they must match), write the rest of the input after them, fsync,
 *	check the size and read everything back; prints what went wrong
 *	(exit 1) or "orphan: ok": a file unlinked while open, used across
 *	whatever happened while it waited
 *   xsanio aio512 FILE NBLOCKS [falloc]
 *	for each of NBLOCKS fresh 4 KiB blocks of FILE (created, O_DIRECT;
 *	with "falloc", fallocated first: UNWRITTEN), two 512-byte writes
 *	to sectors 1 and 6 of the block, of patterns of their own, in one
 *	io_submit(2) (in flight together), then read every block back:
 *	both sectors must hold their patterns (and the other six zeros);
 *	prints the number of bad blocks, exit 1 if any
 *   xsanio tamper LPORT RHOST RPORT OPCODE STATUS
 *	a one-connection relay on 127.0.0.1:LPORT to RHOST:RPORT that
 *	rewrites the first reply of the MDC to a messenger call (xid 16 or
 *	more, past the handshake) of opcode OPCODE (0: any) into an error
 *	reply of status STATUS (empty payload, CRC recomputed); ends when
 *	either side closes
 *   xsanio delay LPORT RHOST RPORT OPCODE MS
 *	the same relay, but every reply of opcode OPCODE (0: any) past the
 *	handshake is held MS ms, unchanged, before it goes on (and the
 *	relay with it); prints how many at the end
 *   xsanio mode0 FILE
 *	create FILE with mode 0 (open O_CREAT | O_EXCL | O_RDWR, mode 0,
 *	umask 0) and, through that descriptor, write 4 KiB, ftruncate to
 *	100 and to 8192, fallocate 16 KiB, futimens to now and fchmod to 0:
 *	each must succeed whatever the mode says now (the open checked the
 *	access), as on a local file system; prints "mode0: ok" or the
 *	first call that failed (exit 1)
 *   xsanio tmpfile DIR NAME [excl]
 *	open(DIR, O_TMPFILE | O_RDWR [| O_EXCL], 0640), write standard input
 *	to it, check fstat says 0 links, fsync, then give it the name NAME
 *	with linkat() through /proc/self/fd (AT_SYMLINK_FOLLOW) and check 1
 *	link; prints "tmpfile: linked" or, with excl (which forbids the
 *	link), "tmpfile: link refused: <error>"; then closes. Without a
 *	NAME ("-") the file is closed with no name: it must vanish
 *
 * Exit 0 on success, 1 with a message on failure, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "xsanio: %s: %s\n", what, strerror(errno));
	return 1;
}

static int do_tmpfile(const char *dir, const char *name, int excl)
{
	static char data[1 << 16];
	char proc[64];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | (excl ? O_EXCL : 0), 0640);
	if (fd < 0)
		return die("tmpfile: open(O_TMPFILE)");
	while ((n = read(0, data, sizeof(data))) > 0)
		if (write(fd, data, n) != n)
			return die("tmpfile: write");
	if (n < 0)
		return die("tmpfile: read of standard input");
	if (fstat(fd, &st))
		return die("tmpfile: fstat");
	if (st.st_nlink != 0) {
		fprintf(stderr, "xsanio: tmpfile: %lu links before linkat, want 0\n",
			(unsigned long)st.st_nlink);
		return 1;
	}
	if (fsync(fd))
		return die("tmpfile: fsync");
	if (strcmp(name, "-")) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW)) {
			if (!excl)
				return die("tmpfile: linkat");
			printf("tmpfile: link refused: %s\n", strerror(errno));
		} else {
			if (excl) {
				fprintf(stderr, "xsanio: tmpfile: O_EXCL file linked\n");
				return 1;
			}
			if (fstat(fd, &st))
				return die("tmpfile: fstat");
			if (st.st_nlink != 1) {
				fprintf(stderr, "xsanio: tmpfile: %lu links after linkat, want 1\n",
					(unsigned long)st.st_nlink);
				return 1;
			}
			printf("tmpfile: linked\n");
		}
	} else {
		printf("tmpfile: closed with no name\n");
	}
	if (close(fd))
		return die("tmpfile: close");
	return 0;
}

static int do_mode0(const char *path)
{
	static char buf[4096];
	struct stat st;
	int fd;

	umask(0);
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0);
	if (fd < 0)
		return die("mode0: open");
	memset(buf, 'z', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return die("mode0: write");
	if (ftruncate(fd, 100))
		return die("mode0: ftruncate to 100");
	if (ftruncate(fd, 8192))
		return die("mode0: ftruncate to 8192");
	if (fallocate(fd, 0, 0, 16384))
		return die("mode0: fallocate");
	if (futimens(fd, NULL))
		return die("mode0: futimens");
	if (fchmod(fd, 0))
		return die("mode0: fchmod");
	if (fstat(fd, &st))
		return die("mode0: fstat");
	if (st.st_size != 16384 || (st.st_mode & 07777)) {
		fprintf(stderr, "xsanio: mode0: size %lld mode %o, want 16384 and 0\n",
			(long long)st.st_size, (unsigned int)(st.st_mode & 07777));
		return 1;
	}
	if (close(fd))
		return die("mode0: close");
	printf("mode0: ok\n");
	return 0;
}

static int wait_for(const char *path)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct stat st;

	for (int i = 0; i < 300 * 20; i++) {
		if (!stat(path, &st))
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "xsanio: %s did not appear in 300 s\n", path);
	return 1;
}

static int dio(const char *file, const char *chunk_mib, const char *mark)
{
	char path[4096];
	size_t chunk, got;
	long mib;
	char *buf, *end;
	off_t off = 0;
	int fd, k;

	errno = 0;
	mib = strtol(chunk_mib, &end, 10);
	if (errno || *end || mib < 1 || mib > 1024)
		return fprintf(stderr, "xsanio: bad CHUNK_MIB %s\n", chunk_mib), 2;
	chunk = (size_t)mib << 20;
	if (posix_memalign((void **)&buf, 4096, chunk))
		return fprintf(stderr, "xsanio: out of memory\n"), 1;
	fd = open(file, O_WRONLY | O_CREAT | O_DIRECT, 0644);
	if (fd < 0)
		return die(file);
	for (k = 1;; k++) {
		ssize_t n;

		got = 0;
		while (got < chunk) {
			n = read(0, buf + got, chunk - got);
			if (n < 0)
				return die("read");
			if (!n)
				break;
			got += (size_t)n;
		}
		if (!got)
			break;
		if (got % 4096) {
			memset(buf + got, 0, 4096 - got % 4096);
			got += 4096 - got % 4096;
		}
		n = pwrite(fd, buf, got, off);
		if (n < 0 || (size_t)n != got)
			return die("pwrite");
		off += (off_t)got;
		snprintf(path, sizeof(path), "%s.%d", mark, k);
		if (close(open(path, O_WRONLY | O_CREAT, 0644)))
			return die(path);
		snprintf(path, sizeof(path), "%s.go.%d", mark, k);
		if (wait_for(path))
			return 1;
	}
	if (close(fd))
		return die("close");
	free(buf);
	return 0;
}

/* write standard input to @fd */
static int write_all(int fd)
{
	static char buf[1 << 16];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(fd, buf + done, (size_t)(n - done));

			if (w < 0)
				return die("write");
			done += w;
		}
	}
	return n < 0 ? die("read") : 0;
}

static int srange(const char *file, const char *mark)
{
	char path[4096];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return die(file);
	if (write_all(fd))
		return 1;
	if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
			    SYNC_FILE_RANGE_WRITE |
			    SYNC_FILE_RANGE_WAIT_AFTER))
		return die("sync_file_range");
	snprintf(path, sizeof(path), "%s.1", mark);
	if (close(open(path, O_WRONLY | O_CREAT, 0644)))
		return die(path);
	snprintf(path, sizeof(path), "%s.go.1", mark);
	if (wait_for(path))
		return 1;
	if (close(fd))
		return die("close");
	return 0;
}

static int closeerr(const char *file, const char *mark)
{
	char path[4096];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return die(file);
	if (write_all(fd))
		return 1;
	snprintf(path, sizeof(path), "%s.1", mark);
	if (close(open(path, O_WRONLY | O_CREAT, 0644)))
		return die(path);
	snprintf(path, sizeof(path), "%s.go.1", mark);
	if (wait_for(path))
		return 1;
	if (close(fd))
		printf("%s\n", strerror(errno));
	else
		printf("0\n");
	return 0;
}

static int copy(const char *src, const char *dst, int use_sendfile)
{
	struct stat st;
	long long total = 0;
	int in = open(src, O_RDONLY), out;

	if (in < 0)
		return die(src);
	if (fstat(in, &st))
		return die("fstat");
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return die(dst);
	while (total < st.st_size) {
		size_t want = (size_t)(st.st_size - total);
		ssize_t n;

		if (want > (1u << 30))
			want = 1u << 30;
		n = use_sendfile ? sendfile(out, in, NULL, want) :
		    copy_file_range(in, NULL, out, NULL, want, 0);
		if (n < 0)
			return die(use_sendfile ? "sendfile" : "copy_file_range");
		if (!n)
			break;
		total += n;
	}
	if (close(out) || close(in))
		return die("close");
	printf("%lld\n", total);
	return total == st.st_size ? 0 :
	       (fprintf(stderr, "xsanio: copied %lld of %lld bytes\n", total,
			(long long)st.st_size), 1);
}


/* create MARK.K, then wait for MARK.go.K */
static int handshake(const char *mark, int k, const char *note)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s.%d", mark, k);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return die(path);
	if (note && write(fd, note, strlen(note)) < 0)
		return die(path);
	if (close(fd))
		return die(path);
	snprintf(path, sizeof(path), "%s.go.%d", mark, k);
	return wait_for(path);
}

static int held(const char *file, const char *offset, const char *mark,
		int direct)
{
	size_t chunk = 1 << 20, got;
	off_t off = strtoll(offset, NULL, 0);
	char *buf;
	int fd;

	if (posix_memalign((void **)&buf, 4096, chunk))
		return fprintf(stderr, "xsanio: out of memory\n"), 1;
	fd = open(file, O_WRONLY | O_CREAT | (direct ? O_DIRECT : 0), 0644);
	if (fd < 0)
		return die(file);
	for (;;) {
		ssize_t n;

		got = 0;
		while (got < chunk) {
			n = read(0, buf + got, chunk - got);
			if (n < 0)
				return die("read");
			if (!n)
				break;
			got += (size_t)n;
		}
		if (!got)
			break;
		if (direct && got % 4096) {
			memset(buf + got, 0, 4096 - got % 4096);
			got += 4096 - got % 4096;
		}
		n = pwrite(fd, buf, got, off);
		if (n < 0 || (size_t)n != got)
			return die("pwrite");
		off += (off_t)got;
	}
	if (handshake(mark, 1, NULL))
		return 1;
	printf("fsync: %s\n", fsync(fd) ? strerror(errno) : "0");
	fflush(stdout);
	if (handshake(mark, 2, NULL))
		return 1;
	printf("close: %s\n", close(fd) ? strerror(errno) : "0");
	free(buf);
	return 0;
}

static int pwrite_both(int fd, int sfd, const char *buf, size_t len, off_t off)
{
	if (pwrite(fd, buf, len, off) != (ssize_t)len)
		return die("pwrite");
	if (pwrite(sfd, buf, len, off) != (ssize_t)len)
		return die("pwrite shadow");
	return 0;
}

static int idlewr(const char *file, const char *shadow, const char *steps_s,
		  const char *mark, const char *base_s, const char *spread_s)
{
	static char big[1 << 20], small[4096];
	long steps = atol(steps_s), base = atol(base_s), spread = atol(spread_s);
	int fd = open(file, O_RDWR | O_CREAT, 0644);
	int sfd = open(shadow, O_RDWR | O_CREAT, 0644);

	if (fd < 0)
		return die(file);
	if (sfd < 0)
		return die(shadow);
	if (spread < 1)
		spread = 1;
	for (long k = 1; k <= steps; k++) {
		long ms = base + (k * 37) % spread;
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		char note[32];

		memset(big, 'A' + k % 26, sizeof(big));
		memset(small, 'a' + k % 26, sizeof(small));
		if (pwrite_both(fd, sfd, big, sizeof(big), 0))
			return 1;
		nanosleep(&ts, NULL);
		if (pwrite_both(fd, sfd, small, sizeof(small),
				sizeof(big) + (k % 64) * 4096))
			return 1;
		snprintf(note, sizeof(note), "%ld\n", ms);
		if (handshake(mark, (int)k, note))
			return 1;
	}
	if (close(fd) || close(sfd))
		return die("close");
	return 0;
}

static int mmapread(const char *file, const char *stop, const char *kib_s)
{
	struct timespec start;
	struct stat st;
	long i;
	size_t half = (size_t)atol(kib_s) << 10;
	struct timespec t0, t1;
	double worst = 0;
	char *map;
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return die(file);
	map = mmap(NULL, 2 * half, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return die("mmap");
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 1; stat(stop, &st); i++) {
		ssize_t got;
		double secs;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (t0.tv_sec - start.tv_sec > 300)
			return fprintf(stderr, "xsanio: mmapread: %s did not appear in 300 s\n",
				       stop), 1;
		if (madvise(map + half, half, MADV_DONTNEED))
			return die("madvise");
		got = pread(fd, map + half, half, 0);
		if (got < 0)
			return fprintf(stderr, "xsanio: mmapread: iteration %ld: read: %s\n",
				       i, strerror(errno)), 1;
		if ((size_t)got != half)
			return fprintf(stderr, "xsanio: mmapread: iteration %ld: read %zd of %zu bytes\n",
				       i, got, half), 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (secs > worst)
			worst = secs;
		if (i % 500 == 0) {
			printf("mmapread: %ld iterations, slowest %.3f s\n", i, worst);
			fflush(stdout);
		}
	}
	if (munmap(map, 2 * half) || close(fd))
		return die("close");
	printf("mmapread: %ld iterations done, slowest %.3f s\n", i - 1, worst);
	return 0;
}

/* pread @len bytes at @off and compare with @want; 0 or 1 (said). */
static int orphan_check(int fd, const char *want, size_t len, off_t off,
			const char *when)
{
	char *got = malloc(len ? len : 1);
	size_t done = 0;

	if (!got)
		return fprintf(stderr, "xsanio: out of memory\n"), 1;
	while (done < len) {
		ssize_t n = pread(fd, got + done, len - done, off + (off_t)done);

		if (n <= 0) {
			fprintf(stderr, "xsanio: orphan: %s: read at %lld: %s\n", when,
				(long long)(off + (off_t)done),
				n ? strerror(errno) : "end of file");
			free(got);
			return 1;
		}
		done += (size_t)n;
	}
	if (memcmp(got, want, len)) {
		free(got);
		return fprintf(stderr, "xsanio: orphan: %s: other bytes read back\n",
			       when), 1;
	}
	free(got);
	return 0;
}

static int pwrite_all(int fd, const char *p, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int orphan(const char *file, const char *nbytes_s, const char *mark)
{
	size_t cap = 1 << 20, len = 0, first = (size_t)atoll(nbytes_s);
	char *in = malloc(cap);
	struct stat st;
	ssize_t n;
	int fd;

	if (!in)
		return fprintf(stderr, "xsanio: out of memory\n"), 1;
	while ((n = read(0, in + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *p = realloc(in, cap *= 2);

			if (!p)
				return fprintf(stderr, "xsanio: out of memory\n"), 1;
			in = p;
		}
	}
	if (n < 0)
		return die("stdin");
	if (first > len)
		return fprintf(stderr, "xsanio: orphan: NBYTES past the input\n"), 2;
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return die(file);
	if (pwrite_all(fd, in, first, 0) || fsync(fd))
		return die("write before the unlink");
	if (unlink(file))
		return die("unlink");
	if (handshake(mark, 1, NULL))
		return 1;
	if (orphan_check(fd, in, first, 0, "after the wait"))
		return 1;
	if (pwrite_all(fd, in + first, len - first, (off_t)first))
		return die("write after the wait");
	if (fsync(fd))
		return die("fsync after the wait");
	if (fstat(fd, &st))
		return die("fstat");
	if ((size_t)st.st_size != len || st.st_nlink != 0)
		return fprintf(stderr, "xsanio: orphan: size %lld, %lu links; want %zu, 0\n",
			       (long long)st.st_size,
			       (unsigned long)st.st_nlink, len), 1;
	if (orphan_check(fd, in, len, 0, "at the end"))
		return 1;
	if (close(fd))
		return die("close");
	free(in);
	printf("orphan: ok\n");
	return 0;
}

static sigjmp_buf mmapwr_env;

static void mmapwr_sigbus(int sig)
{
	(void)sig;
	siglongjmp(mmapwr_env, 1);
}

static int mmapwr(const char *file, const char *kib_s, const char *stop)
{
	size_t len = (size_t)atol(kib_s) << 10, pg = 4096, off;
	volatile long i = 0;
	struct sigaction sa;
	struct timespec start, now;
	struct stat st;
	char *map;
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return die(file);
	if (len < 2 * pg)
		return fprintf(stderr, "xsanio: mmapwr: KIB must be at least 8\n"), 2;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return die("mmap");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mmapwr_sigbus;
	if (sigaction(SIGBUS, &sa, NULL))
		return die("sigaction");
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (sigsetjmp(mmapwr_env, 1)) {
		printf("mmapwr: %ld iterations, ended by SIGBUS\n", i);
		return 0;
	}
	for (;; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 300)
			return fprintf(stderr, "xsanio: mmapwr: %s did not appear in 300 s\n",
				       stop), 1;
		if (!stat(stop, &st))
			break;
		for (off = len / 2; off < len; off += pg)
			map[off + (size_t)i % pg] = (char)(i + 1);
		if (msync(map + len / 2, len / 2, MS_SYNC) && errno != EIO)
			return die("msync");
	}
	printf("mmapwr: %ld iterations, ended by %s\n", i, stop);
	if (munmap(map, len) || close(fd))
		return die("close");
	return 0;
}

static void fill_sector(char *p, long blk, int which)
{
	char line[32];

	for (int i = 0; i < 512; i += 16) {
		snprintf(line, sizeof(line), "%c%010ld-%03d\n", which ? 'Q' : 'P',
			 blk % 1000000000, i);
		memcpy(p + i, line, 16);
	}
}

static int aio512(const char *file, const char *nb_s, int falloc)
{
	long nb = atol(nb_s), bad = 0;
	aio_context_t ctx = 0;
	char *s1, *s6, *blk, *want;
	int fd;

	if (posix_memalign((void **)&s1, 4096, 512) ||
	    posix_memalign((void **)&s6, 4096, 512) ||
	    posix_memalign((void **)&blk, 4096, 4096) ||
	    posix_memalign((void **)&want, 4096, 4096))
		return fprintf(stderr, "xsanio: out of memory\n"), 1;
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0644);
	if (fd < 0)
		return die(file);
	if (falloc && fallocate(fd, 0, 0, nb * 4096))
		return die("fallocate");
	if (syscall(SYS_io_setup, 2, &ctx))
		return die("io_setup");
	for (long b = 0; b < nb; b++) {
		struct iocb cb[2] = {}, *cbp[2] = { &cb[0], &cb[1] };
		struct io_event ev[2];
		long got = 0;

		fill_sector(s1, b, 0);
		fill_sector(s6, b, 1);
		cb[0].aio_fildes = cb[1].aio_fildes = (uint32_t)fd;
		cb[0].aio_lio_opcode = cb[1].aio_lio_opcode = IOCB_CMD_PWRITE;
		cb[0].aio_buf = (uint64_t)(uintptr_t)s1;
		cb[1].aio_buf = (uint64_t)(uintptr_t)s6;
		cb[0].aio_nbytes = cb[1].aio_nbytes = 512;
		cb[0].aio_offset = b * 4096 + 512;
		cb[1].aio_offset = b * 4096 + 6 * 512;
		if (syscall(SYS_io_submit, ctx, 2, cbp) != 2)
			return die("io_submit");
		while (got < 2) {
			long r = syscall(SYS_io_getevents, ctx, 1, 2 - got, ev, NULL);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return die("io_getevents");
			for (long i = 0; i < r; i++)
				if (ev[i].res != 512)
					return fprintf(stderr, "xsanio: aio512: block %ld: a write returned %lld\n",
						       b, (long long)ev[i].res), 1;
			got += r;
		}
	}
	syscall(SYS_io_destroy, ctx);
	for (long b = 0; b < nb; b++) {
		/* the last block of a file written past its end ends at 7 * 512 */
		ssize_t len = !falloc && b == nb - 1 ? 7 * 512 : 4096;

		if (pread(fd, blk, 4096, b * 4096) != len)
			return die("pread: short or failed");
		memset(want, 0, 4096);
		fill_sector(want + 512, b, 0);
		fill_sector(want + 6 * 512, b, 1);
		if (memcmp(blk, want, (size_t)len)) {
			if (bad < 5)
				printf("aio512: block %ld: sector 1 %s, sector 6 %s\n", b,
				       memcmp(blk + 512, want + 512, 512) ? "WRONG" : "ok",
				       memcmp(blk + 3072, want + 3072, 512) ? "WRONG" : "ok");
			bad++;
		}
	}
	if (close(fd))
		return die("close");
	printf("aio512: %ld blocks, %ld bad\n", nb, bad);
	return bad ? 1 : 0;
}

/* CRC32C (Castagnoli), as net/codec.c: ~0 in, complemented out. */
static uint32_t crc32c(uint32_t crc, const unsigned char *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return crc;
}

static uint32_t ld32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static int send_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The relay of tamper and delay: @delay_ms 0 rewrites the first reply
 * of opcode @op_s (past the handshake) into an error of status
 * @status_s; else every such reply is held @delay_ms before it goes on.
 */
static int relay(const char *lport, const char *rhost, const char *rport,
		 const char *op_s, const char *status_s, long delay_ms)
{
	static unsigned char in[1 << 22];
	size_t have = 0;
	uint32_t status = (uint32_t)atol(status_s), op = (uint32_t)atol(op_s);
	struct sockaddr_in la = { .sin_family = AF_INET }, ra = la;
	int one = 1, ls, cs, ss, done = 0;

	la.sin_port = htons((uint16_t)atoi(lport));
	la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ra.sin_port = htons((uint16_t)atoi(rport));
	if (inet_pton(AF_INET, rhost, &ra.sin_addr) != 1)
		return fprintf(stderr, "xsanio: bad address %s\n", rhost), 2;
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&la, sizeof(la)) || listen(ls, 1))
		return die("listen");
	cs = accept(ls, NULL, NULL);
	if (cs < 0)
		return die("accept");
	ss = socket(AF_INET, SOCK_STREAM, 0);
	if (ss < 0 || connect(ss, (struct sockaddr *)&ra, sizeof(ra)))
		return die("connect");
	for (;;) {
		struct pollfd pf[2] = { { cs, POLLIN, 0 }, { ss, POLLIN, 0 } };
		unsigned char buf[65536];
		ssize_t n;

		if (poll(pf, 2, 120000) <= 0)
			break;
		if (pf[0].revents) {	/* client -> MDC, as it is */
			n = read(cs, buf, sizeof(buf));
			if (n <= 0 || send_all(ss, buf, (size_t)n))
				break;
		}
		if (pf[1].revents) {	/* MDC -> client, frame by frame */
			n = read(ss, in + have, sizeof(in) - have);
			if (n <= 0)
				break;
			have += (size_t)n;
			while (have >= 32) {
				size_t len = ld32(in + 12), flen = 32 + len;
				uint64_t xid = ld32(in + 16) | (uint64_t)ld32(in + 20) << 32;

				if (flen > sizeof(in))
					return fprintf(stderr, "xsanio: tamper: frame of %zu bytes\n", flen), 1;
				if (have < flen)
					break;
				int match = xid >= 16 && (ld32(in + 8) & 1) &&
					    (!op || (uint32_t)(in[6] | in[7] << 8) == op);

				if (match && delay_ms) {
					struct timespec ts = { delay_ms / 1000,
							       delay_ms % 1000 * 1000000 };

					nanosleep(&ts, NULL);
					done++;
					if (send_all(cs, in, flen))
						goto out;
				} else if (!done && match) {
					unsigned char h[32];
					uint32_t c;

					memcpy(h, in, 32);
					st32(h + 12, 0);
					st32(h + 24, status);
					st32(h + 28, 0);
					c = crc32c(~0u, h, 32) ^ ~0u;
					st32(h + 28, c);
					fprintf(stderr, "xsanio: tamper: reply xid %llu opcode %u: status %u -> %u\n",
						(unsigned long long)xid, in[6] | in[7] << 8,
						ld32(in + 24), status);
					if (send_all(cs, h, 32))
						goto out;
					done = 1;
				} else if (send_all(cs, in, flen)) {
					goto out;
				}
				memmove(in, in + flen, have - flen);
				have -= flen;
			}
		}
	}
out:
	close(cs);
	close(ss);
	close(ls);
	if (delay_ms) {
		fprintf(stderr, "xsanio: delay: %d replies held %ld ms\n", done, delay_ms);
		return 0;
	}
	return done ? 0 : (fprintf(stderr, "xsanio: tamper: no reply rewritten\n"), 1);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "dio"))
		return dio(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "srange"))
		return srange(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "closeerr"))
		return closeerr(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "cfr"))
		return copy(argv[2], argv[3], 0);
	if (argc == 4 && !strcmp(argv[1], "sendfile"))
		return copy(argv[2], argv[3], 1);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "held"))
		return held(argv[2], argv[3], argv[4],
			    argc == 6 && !strcmp(argv[5], "direct"));
	if (argc == 8 && !strcmp(argv[1], "idlewr"))
		return idlewr(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]);
	if (argc == 5 && !strcmp(argv[1], "mmapread"))
		return mmapread(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "orphan"))
		return orphan(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "mmapwr"))
		return mmapwr(argv[2], argv[3], argv[4]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "aio512"))
		return aio512(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "falloc"));
	if (argc == 7 && !strcmp(argv[1], "delay"))
		return relay(argv[2], argv[3], argv[4], argv[5], "0",
			     atol(argv[6]) > 0 ? atol(argv[6]) : 1);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "tmpfile"))
		return do_tmpfile(argv[2], argv[3],
				  argc == 5 && !strcmp(argv[4], "excl"));
	if (argc == 3 && !strcmp(argv[1], "mode0"))
		return do_mode0(argv[2]);
	if (argc == 7 && !strcmp(argv[1], "tamper"))
		return relay(argv[2], argv[3], argv[4], argv[5], argv[6], 0);
	fprintf(stderr, "usage: xsanio dio FILE CHUNK_MIB MARK | srange FILE MARK | closeerr FILE MARK | cfr SRC DST | sendfile SRC DST\n"
		"       | held FILE OFFSET MARK [direct] | idlewr FILE SHADOW STEPS MARK BASE_MS SPREAD_MS\n"
		"       | mmapread FILE STOP KIB | mmapwr FILE KIB STOP | orphan FILE NBYTES MARK | aio512 FILE NBLOCKS [falloc] | tamper LPORT RHOST RPORT OPCODE STATUS\n"
		"       | delay LPORT RHOST RPORT OPCODE MS\n");
	return 2;
}
