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
#define XSAN_STORE_FORMAT	1	/* schema version in the meta table */

struct xsan_store;
struct xsan_txn;

/**
 * struct xsan_store_geom - what mkfs records about the volume
 * @uuid: volume uuid
 * @bsize: fsBlockSize
 * @blocks: user data blocks of @bsize (sum over user data stripe groups)
 * @files: inode limit STATFS reports
 * @created: seconds since the epoch
 */
struct xsan_store_geom {
	uint8_t uuid[XSAN_UUID_SIZE];
	uint32_t bsize;
	uint64_t blocks;
	uint64_t files;
	int64_t created;
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

/* CREATE, MKDIR, MKNOD: @mode carries the type (S_IFREG, S_IFDIR, ...). */
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

/* For xsanadmin stat: inodes in use. */
int xsan_store_inodes(struct xsan_txn *t, uint64_t *inodes);

#endif /* XSAN_MDC_STORE_H */
