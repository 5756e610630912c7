// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfuzz: the guest side of the multi-client coherence fuzzer
 * (tests/qemu/fuzz.sh; the checker is scripts/qemu/fuzzcheck.py).
 *
 *   xsanfuzz run -d DIR -g WRITER -s SEED -q SEQ0 -n OPS -o LOG [-c FD] [-t SECS]
 *	OPS seeded random operations on the names n0..n3 of DIR (created
 *	on first use), appending one line per operation to LOG. WRITER
 *	(0-255) and the sequence numbers SEQ0, SEQ0+1, ... make every
 *	write's bytes unique: each 16-byte unit of a write holds "FZ",
 *	the writer, 0xA5, the sequence number, the unit's index in the
 *	write and a check word, so any unit read back names the write that
 *	produced it. With -c FD (the bed's control channel, BED_FD) the
 *	guest's clock is aligned to the host's first ("clock" requests:
 *	the checker compares times of two guests); -t SECS ends the run
 *	early after SECS seconds.
 *   xsanfuzz final -d DIR -g WRITER -q SEQ0 -o LOG [-c FD]
 *	fsync every name, then read each whole, through the page cache and
 *	with O_DIRECT, logging the reads (the end state, checked as any read)
 *   xsanfuzz sync -d DIR
 *	fsync every name (before the last barrier)
 *
 * Log lines (times in ns of the guest's CLOCK_MONOTONIC; a "C" line gives
 * the offset to the host's clock and its error bound, valid for the
 * lines after it):
 *   C OFFSET ERR
 *   P writer WRITER | P final           who writes; the final reads follow
 * INO names a file for good: its inode number << 20 | its generation
 * (FS_IOC_GETVERSION; the MDC gives numbers out again).
 *   W SEQ KIND INO OFF LEN RC T0 T1     a write: KIND w (write(2)), d
 *	(O_DIRECT), a (O_APPEND: OFF is where it went), m (mmap + msync),
 *	t (ftruncate to OFF), p (punch hole: zeros); RC bytes or -errno
 *   R SEQ KIND INO OFF LEN RC T0 T1 RUNS   a read: KIND r, d (O_DIRECT),
 *	m (mmap); RC bytes read or -errno; RUNS what the units held, in
 *	order: "G.S.K.N" (N units of writer G's write S from its unit K on),
 *	"Z.N" (N units of zeros), "X.N" (N units of neither: a violation)
 *   S SEQ KIND INO RC T0 T1             fsync (f), fdatasync (y), close (c)
 *   N SEQ KIND RC T0 T1 ARGS            namespace: rename (r), link (l),
 *	unlink (u), readdir (e); for readdir, ARGS lists what was wrong
 *   L SEQ VALUE RC T0 T1                DIR/lk's counter incremented under an
 *	fcntl write lock (F_SETLKW): VALUE is what it read, RC 0 or -errno;
 *	no two increments may read the same VALUE
 *   X TEXT                              a violation seen in the guest
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define UNIT	16
#define NNAMES	4
#define MAXSZ	(256 * 1024)	/* offsets and sizes stay below */
#define MAXLEN	(64 * 1024)	/* longest read or write */
#define DIOALIGN 512

static const char *dir;
static FILE *logf;
static unsigned int writer;
static uint32_t seq;
static uint64_t rng;
static char *buf;		/* MAXLEN, aligned for O_DIRECT */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("xsanfuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* xorshift64*: the same seed gives the same operations */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint32_t check_word(uint32_t w, uint32_t s, uint32_t k)
{
	return (s * 2654435761u) ^ (k * 40503u) ^ (w << 24) ^ 0x5a17c3e1u;
}

static void stamp(char *p, size_t len, uint32_t s)
{
	size_t k;

	for (k = 0; k < len / UNIT; k++) {
		unsigned char *u = (unsigned char *)p + k * UNIT;
		uint32_t kk = k, c = check_word(writer, s, kk);

		u[0] = 'F';
		u[1] = 'Z';
		u[2] = writer;
		u[3] = 0xa5;
		memcpy(u + 4, &s, 4);
		memcpy(u + 8, &kk, 4);
		memcpy(u + 12, &c, 4);
	}
}

/* What one unit holds: 0 zeros, 1 a stamp (*w, *s, *k), -1 neither. */
static int decode(const unsigned char *u, unsigned int *w, uint32_t *s,
		  uint32_t *k)
{
	static const unsigned char zero[UNIT];
	uint32_t c;

	if (!memcmp(u, zero, UNIT))
		return 0;
	if (u[0] != 'F' || u[1] != 'Z' || u[3] != 0xa5)
		return -1;
	*w = u[2];
	memcpy(s, u + 4, 4);
	memcpy(k, u + 8, 4);
	memcpy(&c, u + 12, 4);
	return c == check_word(*w, *s, *k) ? 1 : -1;
}

/* RUNS of a read of @len bytes at @p, into the log line */
static void log_runs(const char *p, size_t len)
{
	unsigned int w = 0, pw = 0;
	uint32_t s = 0, k = 0, ps = 0, pk = 0;
	int kind, pkind = 2;
	size_t i, n = 0;

	for (i = 0; i < len / UNIT; i++) {
		kind = decode((const unsigned char *)p + i * UNIT, &w, &s, &k);
		if (n && kind == pkind &&
		    (kind != 1 || (w == pw && s == ps && k == pk + n))) {
			n++;
			continue;
		}
		if (n) {
			if (pkind == 1)
				fprintf(logf, " %u.%" PRIu32 ".%" PRIu32 ".%zu", pw, ps, pk, n);
			else
				fprintf(logf, " %c.%zu", pkind ? 'X' : 'Z', n);
		}
		pkind = kind;
		pw = w;
		ps = s;
		pk = k;
		n = 1;
	}
	if (n) {
		if (pkind == 1)
			fprintf(logf, " %u.%" PRIu32 ".%" PRIu32 ".%zu", pw, ps, pk, n);
		else
			fprintf(logf, " %c.%zu", pkind ? 'X' : 'Z', n);
	}
}

/* Align our clock to the host's: a few "clock" requests, the best kept. */
static void clock_sync(int fd)
{
	int64_t best_err = INT64_MAX, best_off = 0;
	int i;

	if (fd < 0) {
		fputs("C 0 0\n", logf);	/* alone: the guest's own clock */
		return;
	}
	for (i = 0; i < 7; i++) {
		char line[64];
		size_t n = 0;
		uint64_t t0, t1, host;

		t0 = now();
		if (write(fd, "clock\n", 6) != 6)
			die("clock request: %s", strerror(errno));
		while (n < sizeof(line) - 1) {
			ssize_t r = read(fd, line + n, 1);

			if (r <= 0)
				die("clock reply: %s", r ? strerror(errno) : "end of channel");
			if (line[n] == '\n')
				break;
			n++;
		}
		line[n] = 0;
		t1 = now();
		if (sscanf(line, "clock %" SCNu64, &host) != 1)
			die("clock reply: %s", line);
		if ((int64_t)(t1 - t0) / 2 < best_err) {
			best_err = (int64_t)(t1 - t0) / 2 + 1;
			best_off = (int64_t)host - (int64_t)(t0 + (t1 - t0) / 2);
		}
	}
	fprintf(logf, "C %" PRId64 " %" PRId64 "\n", best_off, best_err);
	fflush(logf);
}

static void name_of(char *path, size_t sz, unsigned int i)
{
	snprintf(path, sz, "%s/n%u", dir, i);
}

static int open_name(unsigned int i, int flags, uint64_t *ino)
{
	char path[4096];
	struct stat st;
	int fd, gen;

	name_of(path, sizeof(path), i);
	fd = open(path, flags | O_CREAT, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int e = -errno;

		close(fd);
		return e;
	}
	/* the MDC gives inode numbers out again: number and generation */
	if (ioctl(fd, FS_IOC_GETVERSION, &gen))
		gen = 0;
	*ino = (uint64_t)st.st_ino << 20 | (gen & 0xfffff);
	return fd;
}

static void log_close(int fd, uint64_t ino)
{
	uint64_t t0 = now();
	int rc = close(fd) ? -errno : 0;

	fprintf(logf, "S %" PRIu32 " c %" PRIu64 " %d %" PRIu64 " %" PRIu64 "\n",
		seq++, ino, rc, t0, now());
}

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void on_bus(int sig)
{
	(void)sig;
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	_exit(3);
}

/*
 * memcpy that survives SIGBUS (a file truncated under its mapping by the
 * other guest): returns @len, or -EFAULT if it was cut short
 */
static ssize_t guarded_copy(char *dst, const char *src, size_t len)
{
	char *volatile d = dst;
	const char *volatile sp = src;
	volatile size_t n = len;

	bus_armed = 1;
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		return -EFAULT;
	}
	memcpy(d, sp, n);
	bus_armed = 0;
	return n;
}

/* a random length in units: mostly short, sometimes long */
static size_t rand_len(size_t align)
{
	size_t len;

	switch (below(4)) {
	case 0:
		len = UNIT * (1 + below(32));
		break;
	case 1:
	case 2:
		len = 4096 * (1 + below(4)) + UNIT * below(8) * (align == UNIT);
		break;
	default:
		len = UNIT * (1 + below(MAXLEN / UNIT));
		break;
	}
	len = (len + align - 1) / align * align;
	return len > MAXLEN ? MAXLEN : len;
}

static uint64_t rand_off(size_t align, size_t len)
{
	uint64_t off = below(MAXSZ - len + 1);

	return off / align * align;
}

static void op_write(char kind)
{
	int flags = O_RDWR, fd;
	size_t align = kind == 'd' ? DIOALIGN : UNIT;
	size_t len = rand_len(align);
	uint64_t off = rand_off(align, len), ino, t0;
	uint32_t s = seq++;
	ssize_t rc;

	if (kind == 'd')
		flags |= O_DIRECT;
	if (kind == 'a')
		flags |= O_APPEND;
	fd = open_name(below(NNAMES), flags, &ino);
	if (fd < 0) {
		fprintf(logf, "W %" PRIu32 " %c 0 0 0 %d 0 0\n", s, kind, fd);
		return;
	}
	if (kind == 'a') {
		struct stat st;

		/* files stay below MAXSZ: a long one gets a plain write */
		if (fstat(fd, &st) || st.st_size + len > MAXSZ) {
			close(fd);
			fd = open_name(below(NNAMES), O_RDWR, &ino);
			if (fd < 0)
				return;
			kind = 'w';
		}
	}
	stamp(buf, len, s);
	t0 = now();
	if (kind == 'a') {
		rc = write(fd, buf, len);
		if (rc > 0) {
			off_t end = lseek(fd, 0, SEEK_CUR);

			off = end - rc;
		}
	} else {
		rc = pwrite(fd, buf, len, off);
	}
	if (rc < 0)
		rc = -errno;
	fprintf(logf, "W %" PRIu32 " %c %" PRIu64 " %" PRIu64 " %zu %zd %" PRIu64 " %" PRIu64 "\n",
		s, kind, ino, off, len, rc, t0, now());
	log_close(fd, ino);
}

static void op_mmap_write(void)
{
	uint64_t ino, t0, off;
	uint32_t s = seq++;
	struct stat st;
	size_t len;
	char *map;
	int fd, rc;

	fd = open_name(below(NNAMES), O_RDWR, &ino);
	if (fd < 0 || fstat(fd, &st) || st.st_size < 4096) {
		if (fd >= 0)
			close(fd);
		return;
	}
	len = rand_len(UNIT);
	if (len > (size_t)st.st_size)
		len = st.st_size / UNIT * UNIT;
	off = below(st.st_size - len + 1) / UNIT * UNIT;
	map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(logf, "W %" PRIu32 " m %" PRIu64 " %" PRIu64 " %zu %d 0 0\n",
			s, ino, off, len, -errno);
		close(fd);
		return;
	}
	stamp(buf, len, s);
	t0 = now();
	/* truncated under us: partly written */
	rc = guarded_copy(map + off, buf, len);
	if (rc >= 0)
		rc = msync(map, st.st_size, MS_SYNC) ? -errno : (int)len;
	fprintf(logf, "W %" PRIu32 " m %" PRIu64 " %" PRIu64 " %zu %d %" PRIu64 " %" PRIu64 "\n",
		s, ino, off, len, rc, t0, now());
	munmap(map, st.st_size);
	log_close(fd, ino);
}

static void op_read(char kind, int idx, uint64_t off, size_t len)
{
	uint64_t ino, t0;
	uint32_t s = seq++;
	ssize_t rc;
	int fd;

	if (!len) {
		len = rand_len(kind == 'd' ? DIOALIGN : UNIT);
		off = rand_off(kind == 'd' ? DIOALIGN : UNIT, len);
	}
	fd = open_name(idx, O_RDONLY | (kind == 'd' ? O_DIRECT : 0), &ino);
	if (fd < 0) {
		fprintf(logf, "R %" PRIu32 " %c 0 0 0 %d 0 0\n", s, kind, fd);
		return;
	}
	t0 = now();
	if (kind == 'm') {
		struct stat st;
		char *map;

		rc = -EINVAL;
		if (!fstat(fd, &st) && st.st_size >= UNIT) {
			if (len > (size_t)st.st_size)
				len = st.st_size / UNIT * UNIT;
			off = below(st.st_size - len + 1) / UNIT * UNIT;
			map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
			if (map != MAP_FAILED) {
				t0 = now();
				rc = guarded_copy(buf, map + off, len);
				munmap(map, st.st_size);
			}
		}
		if (rc == -EINVAL) {
			close(fd);
			return;
		}
	} else {
		rc = pread(fd, buf, len, off);
		if (rc < 0)
			rc = -errno;
	}
	fprintf(logf, "R %" PRIu32 " %c %" PRIu64 " %" PRIu64 " %zu %zd %" PRIu64 " %" PRIu64,
		s, kind, ino, off, len, rc, t0, now());
	if (rc > 0)
		log_runs(buf, rc / UNIT * UNIT);
	fputc('\n', logf);
	log_close(fd, ino);
}

static void op_trunc(int punch)
{
	uint64_t ino, t0, off = below(MAXSZ / UNIT) * UNIT, len = 0;
	uint32_t s = seq++;
	int fd, rc;

	fd = open_name(below(NNAMES), O_RDWR, &ino);
	if (fd < 0)
		return;
	t0 = now();
	if (punch) {
		len = rand_len(UNIT);
		rc = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       off, len) ? -errno : 0;
	} else {
		rc = ftruncate(fd, off) ? -errno : 0;
	}
	fprintf(logf, "W %" PRIu32 " %c %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %" PRIu64 " %" PRIu64 "\n",
		s, punch ? 'p' : 't', ino, off, len, rc, t0, now());
	log_close(fd, ino);
}

static void op_falloc(void)
{
	uint64_t ino, off = below(MAXSZ / 4096 - 8) * 4096;
	int fd;

	fd = open_name(below(NNAMES), O_RDWR, &ino);
	if (fd < 0)
		return;
	/* allocation only: the bytes stay what they were (zeros past EOF) */
	if (fallocate(fd, 0, off, 4096 * (1 + below(8))) && errno != ENOSPC)
		fprintf(logf, "X fallocate of inode %" PRIu64 " failed: %s\n",
			ino, strerror(errno));
	log_close(fd, ino);
}

static void op_sync(int data)
{
	uint64_t ino, t0;
	int fd, rc;

	fd = open_name(below(NNAMES), O_RDWR, &ino);
	if (fd < 0)
		return;
	t0 = now();
	rc = (data ? fdatasync(fd) : fsync(fd)) ? -errno : 0;
	fprintf(logf, "S %" PRIu32 " %c %" PRIu64 " %d %" PRIu64 " %" PRIu64 "\n",
		seq++, data ? 'y' : 'f', ino, rc, t0, now());
	log_close(fd, ino);
}

static void op_ns(char kind)
{
	char a[4096], b[4096];
	uint64_t t0 = now();
	int rc = 0;

	name_of(a, sizeof(a), below(NNAMES));
	name_of(b, sizeof(b), below(NNAMES));
	switch (kind) {
	case 'r':
		rc = rename(a, b) ? -errno : 0;
		break;
	case 'l':
		rc = link(a, b) ? -errno : 0;
		break;
	case 'u':
		rc = unlink(a) ? -errno : 0;
		break;
	}
	fprintf(logf, "N %" PRIu32 " %c %d %" PRIu64 " %" PRIu64 " %s %s\n",
		seq++, kind, rc, t0, now(), strrchr(a, '/') + 1, strrchr(b, '/') + 1);
}

/* an open file unlinked, written and read through its descriptor */
static void op_unlink_open(void)
{
	unsigned int i = below(NNAMES);
	char path[4096];
	uint64_t ino;
	int fd;

	fd = open_name(i, O_RDWR, &ino);
	if (fd < 0)
		return;
	name_of(path, sizeof(path), i);
	fprintf(logf, "N %" PRIu32 " u %d %" PRIu64 " %" PRIu64 " n%u n%u\n",
		seq++, unlink(path) ? -errno : 0, now(), now(), i, i);
	{
		size_t len = rand_len(UNIT);
		uint64_t off = rand_off(UNIT, len), t0;
		uint32_t s = seq++;
		ssize_t rc;

		stamp(buf, len, s);
		t0 = now();
		rc = pwrite(fd, buf, len, off);
		fprintf(logf, "W %" PRIu32 " w %" PRIu64 " %" PRIu64 " %zu %zd %" PRIu64 " %" PRIu64 "\n",
			s, ino, off, len, rc < 0 ? -errno : rc, t0, now());
		s = seq++;
		t0 = now();
		rc = pread(fd, buf, len, off);
		if (rc < 0)
			rc = -errno;
		fprintf(logf, "R %" PRIu32 " r %" PRIu64 " %" PRIu64 " %zu %zd %" PRIu64 " %" PRIu64,
			s, ino, off, len, rc, t0, now());
		if (rc > 0)
			log_runs(buf, rc / UNIT * UNIT);
		fputc('\n', logf);
	}
	log_close(fd, ino);
}

/*
 * DIR/lk holds a little-endian u64: read and increment it under an fcntl
 * write lock on its 8 bytes (the locks are cluster-wide: fs/lock.c).
 * Two increments that read the same value mean two owners held the lock
 * at once, or a read under it was stale.
 */
static void op_lock(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 8 };
	uint64_t v = 0, v1, t0 = now();
	char path[4096];
	int fd, rc = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/lk", dir);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		rc = -errno;
		goto log;
	}
	if (fcntl(fd, F_SETLKW, &fl)) {
		rc = -errno;
		goto out;
	}
	n = pread(fd, &v, sizeof(v), 0);
	if (n < 0)
		rc = -errno;
	else if (n != 0 && n != (ssize_t)sizeof(v))
		rc = -EIO;
	if (!rc) {
		v1 = v + 1;
		n = pwrite(fd, &v1, sizeof(v1), 0);
		if (n != (ssize_t)sizeof(v1))
			rc = n < 0 ? -errno : -EIO;
	}
	fl.l_type = F_UNLCK;
	if (fcntl(fd, F_SETLK, &fl) && !rc)
		rc = -errno;
out:
	close(fd);
log:
	fprintf(logf, "L %" PRIu32 " %" PRIu64 " %d %" PRIu64 " %" PRIu64 "\n",
		seq++, v, rc, t0, now());
}

static void op_readdir(void)
{
	uint64_t t0 = now();
	char bad[512] = "";
	int seen[NNAMES] = { 0 };
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d) {
		rc = -errno;
	} else {
		while ((de = readdir(d))) {
			unsigned int i;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    !strcmp(de->d_name, "lk"))
				continue;
			if (sscanf(de->d_name, "n%u", &i) == 1 && i < NNAMES &&
			    !seen[i]) {
				seen[i] = 1;
				continue;
			}
			if (strlen(bad) + strlen(de->d_name) + 2 < sizeof(bad)) {
				strcat(bad, " ");
				strcat(bad, de->d_name);
			}
		}
		closedir(d);
	}
	fprintf(logf, "N %" PRIu32 " e %d %" PRIu64 " %" PRIu64 "%s\n",
		seq++, rc, t0, now(), bad);
	if (bad[0])
		fprintf(logf, "X readdir of %s listed what is not there or twice:%s\n",
			dir, bad);
}

static void one_op(void)
{
	unsigned int w = below(100);

	if (w < 20)
		op_write('w');
	else if (w < 27)
		op_write('d');
	else if (w < 32)
		op_write('a');
	else if (w < 36)
		op_mmap_write();
	else if (w < 52)
		op_read('r', below(NNAMES), 0, 0);
	else if (w < 60)
		op_read('d', below(NNAMES), 0, 0);
	else if (w < 64)
		op_read('m', below(NNAMES), 0, rand_len(UNIT));
	else if (w < 68)
		op_trunc(0);
	else if (w < 71)
		op_trunc(1);
	else if (w < 73)
		op_falloc();
	else if (w < 77)
		op_sync(0);
	else if (w < 79)
		op_sync(1);
	else if (w < 83)
		op_ns('r');
	else if (w < 86)
		op_ns('l');
	else if (w < 89)
		op_ns('u');
	else if (w < 91)
		op_unlink_open();
	else if (w < 95)
		op_readdir();
	else
		op_lock();
}

static void usage(void)
{
	fputs("usage: xsanfuzz run -d DIR -g WRITER -s SEED -q SEQ0 -n OPS -o LOG [-c FD] [-t SECS]\n"
	      "       xsanfuzz final -d DIR -g WRITER -q SEQ0 -o LOG [-c FD]\n"
	      "       xsanfuzz sync -d DIR\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long ops = 0, secs = 0, seed = 1;
	const char *mode, *logpath = NULL;
	int ctl = -1, opt;
	unsigned int i;
	uint64_t end;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "d:g:s:q:n:o:c:t:")) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'g':
			writer = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			seq = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			ops = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			logpath = optarg;
			break;
		case 'c':
			ctl = strtol(optarg, NULL, 0);
			break;
		case 't':
			secs = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!dir || writer > 255)
		usage();
	if (posix_memalign((void **)&buf, 4096, MAXLEN))
		die("no memory");
	signal(SIGBUS, on_bus);
	rng = seed * 0x9e3779b97f4a7c15ull + writer + 1;
	if (!strcmp(mode, "sync")) {
		for (i = 0; i < NNAMES; i++) {
			char path[4096];
			int fd;

			name_of(path, sizeof(path), i);
			fd = open(path, O_RDONLY);
			if (fd >= 0) {
				if (fsync(fd))
					die("fsync of %s: %s", path, strerror(errno));
				close(fd);
			}
		}
		return 0;
	}
	if (!logpath)
		usage();
	logf = fopen(logpath, "a");
	if (!logf)
		die("%s: %s", logpath, strerror(errno));
	clock_sync(ctl);
	fprintf(logf, "P writer %u\n", writer);
	if (!strcmp(mode, "final")) {
		fputs("P final\n", logf);
		for (i = 0; i < NNAMES; i++) {
			char path[4096];

			name_of(path, sizeof(path), i);
			if (access(path, F_OK))
				continue;
			op_read('r', i, 0, MAXLEN);
			op_read('d', i, 0, MAXLEN);
			op_read('r', i, MAXLEN, MAXLEN);
			op_read('d', i, MAXLEN, MAXLEN);
			op_read('r', i, 2 * MAXLEN, MAXLEN);
			op_read('d', i, 2 * MAXLEN, MAXLEN);
			op_read('r', i, 3 * MAXLEN, MAXLEN);
			op_read('d', i, 3 * MAXLEN, MAXLEN);
		}
	} else if (!strcmp(mode, "run")) {
		end = secs ? now() + secs * 1000000000ull : 0;
		for (i = 0; i < ops; i++) {
			one_op();
			if (end && now() > end)
				break;
		}
	} else {
		usage();
	}
	clock_sync(ctl);
	if (fclose(logf))
		die("%s: %s", logpath, strerror(errno));
	return 0;
}
