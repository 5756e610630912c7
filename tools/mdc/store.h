/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metadata store of one volume: an LMDB environment holding the
 * namespace (inodes, directory entries, xattrs), with POSIX semantics and
 * permission checks on the credentials a client sends.
 *
 * Transactions: the MDC's single writer opens one write transaction for a
 * batch of requests (group commit), runs each operation in it, commits
 * once (LMDB syncs on commit) and only then sends the replies. Each
 * operation runs in a nested transaction of that one, so an operation that
 * fails leaves nothing behind while the batch's other operations stand.
 *
 * Every operation returns 0 or a negative errno, the errno a local POSIX
 * filesystem (ext4) would give. Times come from the caller (@now) so tests
 * control the clock. Documentation/metadata-format.rst describes the
 * schema.
 */
#ifndef XSAN_MDC_STORE_H
#define XSAN_MDC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsanfs/msg.h"

#define XSAN_ROOT_INO		1
#define XSAN_STORE_FORMAT	3	/* schema version in the meta table */
#define XSAN_STORE_FORMAT_MIN	2	/* oldest read: 2 has no LUN table */
#define XSAN_STORE_MAX_SG	256	/* stripe groups of a volume */
#define XSAN_STORE_AFF_MAX	64	/* bytes of an affinity name */
#define XSAN_STORE_MAX_LUN	XSAN_DISK_MAX	/* so DISK_TABLE fits a frame */
#define XSAN_STORE_LABEL_MAX	36	/* = XSAN_LUN_LABEL_MAX (disk.h) */
/* The xattr that names a file's affinity; new entries inherit it. */
#define XSAN_AFFINITY_XATTR	"trusted.xsan.affinity"

struct xsan_store;
struct xsan_txn;

/**
 * struct xsan_store_sg - one stripe group as mkfs records it
 * @index: the stripe group's index in the .cfgx
 * @flags: XSAN_SG_* (msg.h): METADATA, JOURNAL, USERDATA, EXCLUSIVE
 * @nluns: LUNs in the group
 * @breadth: stripeBreadth in blocks (at least 1)
 * @lun_blocks: blocks of each LUN past XSAN_LUN_DATA_OFFSET (the smallest)
 * @blocks: set by xsan_store_format(): @nluns x @lun_blocks rounded down
 *          to @breadth, the group's block space 0 .. @blocks - 1
 * @affinity: the group's affinity name ("" for none), as mkfs recorded
 *            it (the .cfgx's first)
 * @tags: in memory only, never recorded: every affinity the volume's .cfgx
 *        lists for the group, set by xsan_store_set_affinities() and
 *        borrowed from the caller (xsanmdc's config, which outlives the
 *        store); NULL: @affinity alone counts
 * @ntags: how many
 */
struct xsan_store_sg {
	uint32_t index;
	uint32_t flags;
	uint32_t nluns;
	uint32_t breadth;
	uint64_t lun_blocks;
	uint64_t blocks;
	char affinity[XSAN_STORE_AFF_MAX + 1];
	const char (*tags)[XSAN_STORE_AFF_MAX + 1];
	uint32_t ntags;
};

/**
 * struct xsan_store_lun - one LUN as mkfs labelled and assigned it: the
 * fields of its LUN header (include/xsanfs/disk.h) a client checks
 * @sg: stripe group index (struct xsan_store_sg.index)
 * @ordinal: position in the group (the .cfgx disk index)
 * @sectors: size of its partition in @sector_size units
 * @sector_size: 512..65536, a power of two
 * @uuid: the LUN's uuid, not all zero, unique in the volume
 * @label: its label (xsan_lun_label_ok()), NUL terminated
 */
struct xsan_store_lun {
	uint32_t sg;
	uint32_t ordinal;
	uint64_t sectors;
	uint32_t sector_size;
	uint8_t uuid[XSAN_UUID_SIZE];
	char label[XSAN_STORE_LABEL_MAX + 1];
};

/**
 * struct xsan_store_geom - what mkfs records about the volume
 * @uuid: volume uuid
 * @bsize: fsBlockSize
 * @blocks: user data blocks of @bsize (sum over user data stripe groups;
 *          recomputed from @sgs by xsan_store_format() when @nsgs > 0)
 * @files: inode limit STATFS reports
 * @created: seconds since the epoch
 * @nsgs: stripe groups in @sgs; 0 makes one user data group 0 of @blocks
 *        blocks, one LUN, breadth 1 (tests)
 * @sgs: the stripe group table
 * @nluns: LUNs in @luns: 0 (no table: tests), or every LUN @sgs counts
 * @luns: xsan_store_format() only, any order, borrowed from the caller;
 *        an open store reads the table with xsan_store_luns()
 */
struct xsan_store_geom {
	uint8_t uuid[XSAN_UUID_SIZE];
	uint32_t bsize;
	uint64_t blocks;
	uint64_t files;
	int64_t created;
	uint32_t nsgs;
	struct xsan_store_sg sgs[XSAN_STORE_MAX_SG];
	uint32_t nluns;
	const struct xsan_store_lun *luns;
};

/*
 * Create the metadata of a new volume in directory @dir (created if
 * missing): the tables, @geom, and the root directory (ino 1, mode 040755,
 * uid 0, gid 0, times @geom->created). Refuses a directory that already
 * holds a volume unless @force, which first removes the old one.
 */
int xsan_store_format(const char *dir, const struct xsan_store_geom *geom,
		      bool force, char *err, size_t errlen);

/* Open an existing volume's metadata. @readonly for fsck and admin. */
int xsan_store_open(const char *dir, bool readonly, struct xsan_store **out,
		    char *err, size_t errlen);
void xsan_store_close(struct xsan_store *st);
const struct xsan_store_geom *xsan_store_geom(const struct xsan_store *st);

int xsan_txn_begin(struct xsan_store *st, bool write, struct xsan_txn **out);
int xsan_txn_commit(struct xsan_txn *t);	/* durable when it returns 0 */
void xsan_txn_abort(struct xsan_txn *t);

/* Namespace operations. @cr is the caller; out-attrs may be NULL. */
int xsan_ns_lookup(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *dir, const char *name, uint32_t len,
		   struct xsan_attr *out);
int xsan_ns_getattr(struct xsan_txn *t, const struct xsan_fid *fid,
		    struct xsan_attr *out);
int xsan_ns_setattr(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *fid, const struct xsan_sattr *sa,
		    const struct xsan_time *now, struct xsan_attr *out);

/*
 * READDIR: calls @emit for each entry after @cookie in cookie order until
 * @emit returns non-zero (that entry is then not consumed: the caller
 * resumes at the last cookie it kept). *@eof is set when the directory
 * had no entries left. "." and ".." are not entries; the client adds them.
 */
typedef int (*xsan_emit_fn)(void *ctx, const struct xsan_dirent *d);
int xsan_ns_readdir(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *dir, uint64_t cookie,
		    xsan_emit_fn emit, void *ctx, bool *eof);

/*
 * CREATE, MKDIR, MKNOD: @mode carries the type (S_IFREG, S_IFDIR, ...)
 * and, above it, the request's umask word if it had one (XSAN_NS_UMASK()):
 * then the umask applies when the directory has no default ACL.
 */
#define XSAN_NS_UMASK_SHIFT	16
#define XSAN_NS_UMASK(w)	((uint32_t)(w) << XSAN_NS_UMASK_SHIFT)
int xsan_ns_mknod(struct xsan_txn *t, const struct xsan_cred *cr,
		  const struct xsan_fid *dir, const char *name, uint32_t len,
		  uint32_t mode, uint32_t major, uint32_t minor,
		  const struct xsan_time *now, struct xsan_attr *out,
		  struct xsan_attr *dir_out);
int xsan_ns_symlink(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *dir, const char *name, uint32_t len,
		    const char *target, uint32_t tlen,
		    const struct xsan_time *now, struct xsan_attr *out,
		    struct xsan_attr *dir_out);
/* @buf holds at least XSAN_SYMLINK_MAX bytes; *@tlen gets the length. */
int xsan_ns_readlink(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *fid, char *buf, uint32_t *tlen);
int xsan_ns_link(struct xsan_txn *t, const struct xsan_cred *cr,
		 const struct xsan_fid *fid, const struct xsan_fid *dir,
		 const char *name, uint32_t len, const struct xsan_time *now,
		 struct xsan_attr *out, struct xsan_attr *dir_out);
/* @victim_out: the unlinked inode after the change (nlink 0 if freed). */
int xsan_ns_unlink(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *dir, const char *name, uint32_t len,
		   const struct xsan_time *now, struct xsan_attr *dir_out,
		   struct xsan_attr *victim_out);
int xsan_ns_rmdir(struct xsan_txn *t, const struct xsan_cred *cr,
		  const struct xsan_fid *dir, const char *name, uint32_t len,
		  const struct xsan_time *now, struct xsan_attr *dir_out,
		  struct xsan_attr *victim_out);
/*
 * RENAME with XSAN_RENAME_NOREPLACE / XSAN_RENAME_EXCHANGE. Fills
 * @out[0] old dir, @out[1] new dir, @out[2] the moved inode and, if one
 * was replaced or exchanged, @out[3] that inode after the change; sets
 * *@nout to 3 or 4.
 */
int xsan_ns_rename(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *odir, const char *oname, uint32_t olen,
		   const struct xsan_fid *ndir, const char *nname, uint32_t nlen,
		   uint32_t flags, const struct xsan_time *now,
		   struct xsan_attr out[4], uint32_t *nout);
int xsan_ns_statfs(struct xsan_txn *t, struct xsan_statfs *out);

/*
 * xattrs. GET/LIST with @size 0 only report the size in *@full; with a
 * @size smaller than needed they fail with -ERANGE. LIST returns the
 * names the caller may see, each NUL-terminated.
 */
int xsan_ns_getxattr(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *fid, const char *name, uint32_t len,
		     void *buf, uint32_t size, uint32_t *full);
int xsan_ns_setxattr(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *fid, const char *name, uint32_t len,
		     const void *val, uint32_t vlen, uint32_t flags,
		     const struct xsan_time *now, struct xsan_attr *out);
int xsan_ns_listxattr(struct xsan_txn *t, const struct xsan_cred *cr,
		      const struct xsan_fid *fid, void *buf, uint32_t size,
		      uint32_t *full);
int xsan_ns_removexattr(struct xsan_txn *t, const struct xsan_cred *cr,
			const struct xsan_fid *fid, const char *name,
			uint32_t len, const struct xsan_time *now,
			struct xsan_attr *out);

/* ---- Space, open files and layouts (space.c, layout.c) ----
 * Block numbers are per stripe group; file offsets in the messages are
 * bytes. @client names the caller's session (0: none); the MDC keeps per
 * (client, inode) state in memory: the allocation session (a reservation
 * of allocSessionReservationSize ahead of a streaming writer) and the
 * ranges it granted, which LAYOUT_COMMIT may convert. That state is a hint
 * and a permission, never the truth: the LMDB tables are.
 */
/* allocSessionReservationSize in bytes (0: off); idle sessions drop after @idle_ms. */
/*
 * Every affinity of stripe group @index (the .cfgx can list several; the
 * store records only the first). @tags is borrowed and must outlive @st.
 * 0, or -ENOENT if the volume has no such group.
 */
int xsan_store_set_affinities(struct xsan_store *st, uint32_t index,
			      const char (*tags)[XSAN_STORE_AFF_MAX + 1],
			      uint32_t ntags);
void xsan_store_set_alloc(struct xsan_store *st, uint64_t resv_bytes,
			  uint32_t idle_ms);
/*
 * OPEN. An inode with no link that no session holds open is ESTALE, but
 * with XSAN_OPEN_RECLAIM (the caller checks the client may reclaim).
 */
int xsan_open(struct xsan_txn *t, const struct xsan_cred *cr,
	      const struct xsan_fid *fid, uint32_t flags, uint64_t client,
	      const struct xsan_time *now, uint64_t *handle,
	      struct xsan_attr *out);
int xsan_close(struct xsan_txn *t, const struct xsan_fid *fid,
	       uint64_t client, uint64_t handle, struct xsan_attr *out);
/*
 * TMPFILE: a new regular file of @mode made by @cr in directory @dir
 * (write and search on it, its setgid group), with no link, opened for
 * @client with the access mode of @flags (O_WRONLY or O_RDWR: no check
 * against the new mode, as the creator's open): it lives while open or
 * until LINK gives it a name, as a file unlinked while open. @mode may
 * carry a umask word as xsan_ns_mknod()'s.
 */
int xsan_tmpfile(struct xsan_txn *t, const struct xsan_cred *cr,
		 const struct xsan_fid *dir, uint32_t mode, uint32_t flags,
		 uint64_t client, const struct xsan_time *now,
		 uint64_t *handle, struct xsan_attr *out);
/* Fills up to @max extents of [@off, @off + @len) into @ext. */
int xsan_layout_get(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *fid, uint64_t client, uint64_t off,
		    uint64_t len, uint32_t flags, const struct xsan_time *now,
		    struct xsan_extent *ext, uint32_t max, uint32_t *count,
		    struct xsan_attr *out);
int xsan_layout_commit(struct xsan_txn *t, const struct xsan_fid *fid,
		       uint64_t client, uint32_t flags, uint64_t size,
		       const struct xsan_time *mtime,
		       const struct xsan_range *ranges, uint32_t n,
		       const struct xsan_time *now, struct xsan_attr *out);
int xsan_fallocate(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *fid, uint64_t client, uint32_t mode,
		   uint64_t off, uint64_t len, const struct xsan_time *now,
		   struct xsan_attr *out);
/*
 * A client session ended: drop its open files, reservations and grants,
 * and free the files it alone held open after their last name went (a
 * transaction of its own: call it outside a batch). 0 or -errno.
 */
int xsan_client_forget(struct xsan_store *st, uint64_t client);
/*
 * Free the inodes left with no link that no session holds open (files
 * unlinked while open when the MDC stopped, not opened again since with
 * XSAN_OPEN_RECLAIM: open handles do not survive a restart). xsanmdc
 * calls it when the clients of before its start can no longer reclaim.
 * It ends xsan_store_keep_unlinked(). *@freed counts them. 0 or -errno.
 */
int xsan_orphans_reap(struct xsan_store *st, uint64_t *freed);
/*
 * While @keep, a regular file that loses its last link, or whose last
 * handle closes with no link left, is not freed (xsan_orphans_reap()
 * frees it later): a client of before the MDC's restart may still open
 * it again with XSAN_OPEN_RECLAIM.
 */
void xsan_store_keep_unlinked(struct xsan_store *st, bool keep);
/* Does any session hold inode @ino open (OPEN without CLOSE yet)? */
bool xsan_ino_is_open(const struct xsan_store *st, uint64_t ino);
/* Blocks and free blocks of stripe group number @i of the table. */
int xsan_sg_space(struct xsan_txn *t, uint32_t i, uint64_t *blocks,
		  uint64_t *bfree);

/*
 * The LUN table (DISK_TABLE), sorted by (sg, ordinal): *@out is malloc'd
 * (free() it; NULL when *@n is 0 may also be a 1-entry block). A format 2
 * store has no table and reads as empty.
 */
int xsan_store_luns(struct xsan_txn *t, struct xsan_store_lun **out,
		    uint32_t *n);

/*
 * Restart recovery (Documentation/metadata-format.rst, "sessions" and
 * "pending"): the sessions that may RECONNECT after an MDC restart, and
 * the blocks LAYOUT_GET allocated for each that it has not committed.
 * Put, delete and release need a write transaction of their own or the
 * batch's; they are durable with its commit.
 */
struct xsan_store_sess {
	uint64_t id;
	uint8_t uuid[XSAN_UUID_SIZE];
	char host[XSAN_HOST_MAX + 1];
};

int xsan_sess_put(struct xsan_txn *t, const struct xsan_store_sess *s);
/* also deletes the session's saved replies */
int xsan_sess_del(struct xsan_txn *t, uint64_t id);

/*
 * Replies of a session's changes (CREATE, UNLINK, RENAME, ...), saved in
 * the transaction that made the change, so that the same request sent
 * again after a reconnect or an MDC restart (same session, same xid, same
 * opcode and payload) gets the same answer instead of running twice
 * (EEXIST, ENOENT). Only the last XSAN_REPLY_WINDOW xids of a session are
 * kept; the session's end deletes them. @hash: of the request payload.
 * get: 0 and the payload in @buf (at most @size bytes), or -ENOENT.
 */
#define XSAN_REPLY_WINDOW	4096u
int xsan_reply_get(struct xsan_txn *t, uint64_t session, uint64_t xid,
		   uint16_t op, uint64_t hash, void *buf, uint32_t size,
		   uint32_t *len);
int xsan_reply_put(struct xsan_txn *t, uint64_t session, uint64_t xid,
		   uint16_t op, uint64_t hash, const void *payload,
		   uint32_t len);
/* Every recorded session; *@out is malloc'd (free() it, NULL if none). */
int xsan_sess_list(struct xsan_txn *t, struct xsan_store_sess **out,
		   uint32_t *n);
/*
 * Does @client hold write grants on inode @ino (an allocation session)?
 * Then its last CLOSE of it may free blocks and change the attributes.
 */
bool xsan_store_has_grants(const struct xsan_store *st, uint64_t client,
			   uint64_t ino);

/*
 * Session @client is gone for good: free the blocks LAYOUT_GET allocated
 * for it that are still unwritten (and that no other live client holds a
 * grant on), forget its pending records. *@freed (may be NULL) gets the
 * number of blocks freed.
 */
int xsan_client_release(struct xsan_txn *t, uint64_t client,
			uint64_t *freed);

/*
 * Session @client came back after a restart (RECONNECT answered
 * RECLAIM): its grants went with the MDC's memory, but the blocks
 * LAYOUT_GET allocated for it and it has not committed are still
 * recorded (pending) and still its own. Grant them to it again, so that
 * the LAYOUT_COMMIT of writes made before the restart (sent again by the
 * client after it) converts them. A read transaction is enough.
 */
int xsan_client_regrant(struct xsan_txn *t, uint64_t client);

/* For xsanadmin stat: inodes in use. */
int xsan_store_inodes(struct xsan_txn *t, uint64_t *inodes);

#endif /* XSAN_MDC_STORE_H */
