/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of the metadata store, shared by its parts (store.c: tables,
 * transactions and the namespace; perm.c: POSIX permission rules;
 * xattr.c: extended attributes; check.c: the consistency checker) and by
 * the unit tests that corrupt a store on purpose. Nothing outside
 * tools/mdc and tests/unit includes this: the MDC uses store.h only.
 *
 * Documentation/metadata-format.rst describes every table byte by byte;
 * the encoders and decoders here are the only code that knows the layout.
 */
#ifndef XSAN_MDC_STORE_INT_H
#define XSAN_MDC_STORE_INT_H

#include <lmdb.h>
#include <sys/stat.h>

#include "store.h"

/* Linux's EXT4_LINK_MAX: the most links a file or a directory may have. */
#define XSAN_LINK_MAX		65000u
/* ext4 without ea_inode: one 4 KiB block minus its 32-byte header. */
#define XSAN_XATTR_SPACE	4064u
#define XSAN_XATTR_ENTRY	16u	/* fixed part of an ext4 xattr entry */

/* generic_permission()'s mask bits. */
#define XSAN_MAY_EXEC		1
#define XSAN_MAY_WRITE		2
#define XSAN_MAY_READ		4

/* Size of the fixed part of an inode record; a symlink target follows. */
#define XSAN_INODE_REC		128u
#define XSAN_DIRENT_REC		24u

/**
 * struct xsan_store - one open volume
 * @env: the LMDB environment
 * @meta: format version, geometry, next inode number
 * @inodes: ino (BE) -> inode record
 * @dirents: dir ino (BE) + name -> entry record
 * @dirseq: dir ino (BE) + seq (BE) -> name (READDIR order)
 * @xattrs: ino (BE) + name -> value
 * @freeino: ino (BE) -> last generation (u32 LE)
 * @free: sg (BE32) + start block (BE) -> length in blocks (LE)
 * @freelen: sg (BE32) + length (BE) + start (BE) -> empty: finds a free
 *	extent of at least a length with one MDB_SET_RANGE
 * @extents: ino (BE) + file block (BE) -> struct xsan_ext record
 * @sgfree: sg (BE32) -> free blocks (LE), for STATFS without a scan
 * @sessions: session id (BE) -> client uuid + host: the sessions that may
 *	RECONNECT after a restart (0 when a read-only open lacks the table)
 * @pending: session (BE) + ino (BE) + file block (BE) -> gen + length:
 *	blocks LAYOUT_GET allocated for a session, freed at its end if still
 *	unwritten (0 when a read-only open lacks the table)
 * @replies: session (BE) + xid (BE) -> opcode + payload hash + reply
 *	payload: the answers of a session's changes the client may send
 *	again after a reconnect (0 when a read-only open lacks the table)
 * @geom: the geometry read at open
 * @readonly: opened with MDB_RDONLY
 * @asess: in memory: per (client, inode) allocation sessions and grants
 * @opens: in memory: open handles
 * @next_handle: the next open handle
 * @rr: round-robin position over stripe groups
 * @resv_blocks: allocSessionReservationSize in blocks
 * @idle_ms: an allocation session unused this long loses its reservation
 */
struct xsan_store {
	MDB_env *env;
	MDB_dbi meta, inodes, dirents, dirseq, xattrs, freeino;
	MDB_dbi free, freelen, extents, sgfree;
	MDB_dbi sessions, pending, replies;
	struct xsan_store_geom geom;
	uint32_t format;	/* XSAN_STORE_FORMAT, or 2 (no LUN table) */
	bool readonly;
	/* xsan_store_keep_unlinked(): regular files that lose their last
	 * link stay, unopened, until xsan_orphans_reap()
	 */
	bool keep_unlinked;
	struct xsan_asess *asess;
	struct xsan_open *opens;
	uint64_t next_handle;
	uint32_t rr;
	uint64_t resv_blocks;
	uint32_t idle_ms;
};

/**
 * struct xsan_ext - a decoded file extent record
 * @fblock: first file block (the key, with the inode)
 * @sg: stripe group index
 * @flags: XSAN_EXT_UNWRITTEN
 * @block: first block in the stripe group
 * @len: blocks, not 0
 */
struct xsan_ext {
	uint64_t fblock;
	uint32_t sg;
	uint32_t flags;
	uint64_t block;
	uint64_t len;
};

#define XSAN_EXT_KEY		16u
#define XSAN_EXT_VAL		24u
#define XSAN_FREE_KEY		12u
#define XSAN_FREELEN_KEY	20u

/**
 * struct xsan_txn - a batch transaction
 * @st: its store
 * @txn: the LMDB transaction; operations nest theirs inside it
 * @write: a write transaction
 */
struct xsan_txn {
	struct xsan_store *st;
	MDB_txn *txn;
	bool write;
};

/* POSIX ACL entry tags and the two ACL xattrs (acl.c). */
#define XSAN_ACL_USER_OBJ	0x01
#define XSAN_ACL_USER		0x02
#define XSAN_ACL_GROUP_OBJ	0x04
#define XSAN_ACL_GROUP		0x08
#define XSAN_ACL_MASK		0x10
#define XSAN_ACL_OTHER		0x20
#define XSAN_ACL_ACCESS		0	/* system.posix_acl_access */
#define XSAN_ACL_DEFAULT	1	/* system.posix_acl_default */
/* Entries an ACL may have (ext4 fits about 500 in its xattr block). */
#define XSAN_ACL_MAX		128u

/* struct xsan_ace - one ACL entry: XSAN_ACL_* tag, rwx perm, uid/gid. */
struct xsan_ace {
	uint16_t tag, perm;
	uint32_t id;
};

/* struct xsan_acl - a decoded, valid ACL; @n 0 is no ACL. */
struct xsan_acl {
	uint32_t n;
	struct xsan_ace e[XSAN_ACL_MAX];
};

/**
 * struct xsan_inode - a decoded inode record
 * @ino: inode number (the key)
 * @parent: directories: the directory holding its entry (root: itself)
 * @seq: directories: the sequence number the next entry gets
 * @tlen: symlinks: length of @target
 * @target: symlinks: the target, NUL-terminated for convenience
 * @flags: XSAN_AF_*: the ACL xattrs it has (in the record)
 * @acl: its access ACL when @flags has XSAN_AF_ACL (xsan_inode_get()
 *	reads it; not part of the record)
 * Other fields as struct xsan_attr.
 */
struct xsan_inode {
	uint64_t ino;
	uint32_t gen, mode, nlink, uid, gid, rdev_major, rdev_minor;
	uint64_t size, blocks;
	struct xsan_time atime, mtime, ctime;
	uint64_t change, parent, seq;
	uint32_t tlen;
	char target[XSAN_SYMLINK_MAX + 1];
	uint32_t flags;
	struct xsan_acl acl;
};

/**
 * struct xsan_dent - a decoded directory entry record
 * @ino: the child
 * @gen: the child's generation when the entry was made
 * @type: XSAN_DT_* of the child
 * @seq: the entry's READDIR cookie
 */
struct xsan_dent {
	uint64_t ino;
	uint32_t gen;
	uint8_t type;
	uint64_t seq;
};

/* Byte order helpers: keys are big-endian (so LMDB sorts them), values LE. */
void xsan_put_be64(uint8_t *p, uint64_t v);
uint64_t xsan_get_be64(const uint8_t *p);
void xsan_put_le32(uint8_t *p, uint32_t v);
uint32_t xsan_get_le32(const uint8_t *p);
void xsan_put_le64(uint8_t *p, uint64_t v);
uint64_t xsan_get_le64(const uint8_t *p);

int xsan_mdb_err(int rc);
uint8_t xsan_dt_of(uint32_t mode);

/* Records. */
size_t xsan_inode_encode(const struct xsan_inode *in, uint8_t *buf);
int xsan_inode_decode(uint64_t ino, const MDB_val *v, struct xsan_inode *in);
void xsan_dent_encode(const struct xsan_dent *d, uint8_t buf[XSAN_DIRENT_REC]);
int xsan_dent_decode(const MDB_val *v, struct xsan_dent *d);
void xsan_inode_attr(const struct xsan_inode *in, struct xsan_attr *a);

/* Table access inside an LMDB transaction. */
int xsan_inode_get(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		   struct xsan_inode *in);
int xsan_inode_put(struct xsan_store *st, MDB_txn *txn,
		   const struct xsan_inode *in);
int xsan_dent_get(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
		  const char *name, uint32_t len, struct xsan_dent *d);
int xsan_dent_add(struct xsan_store *st, MDB_txn *txn, struct xsan_inode *dir,
		  const char *name, uint32_t len, const struct xsan_inode *child);
int xsan_dent_del(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
		  const char *name, uint32_t len);
int xsan_meta_get_u64(struct xsan_store *st, MDB_txn *txn, const char *key,
		      uint64_t *v);
int xsan_meta_put_u64(struct xsan_store *st, MDB_txn *txn, const char *key,
		      uint64_t v);
/* TMPFILE's inode (ns.c), written in @txn; for xsan_tmpfile() */
int xsan_ns_tmpfile(struct xsan_store *st, MDB_txn *txn,
		    const struct xsan_cred *cr, const struct xsan_fid *dirfid,
		    uint32_t mode, const struct xsan_time *now,
		    struct xsan_inode *in);
int xsan_ino_alloc(struct xsan_store *st, MDB_txn *txn, uint64_t *ino,
		   uint32_t *gen);
int xsan_ino_free(struct xsan_store *st, MDB_txn *txn,
		  const struct xsan_inode *in);
void xsan_touch(struct xsan_inode *in, const struct xsan_time *now,
		bool mtime);

/* luntable.c: meta "luns", written at format, checked at open. */
int xsan_luns_sorted(const struct xsan_store_geom *g,
		     struct xsan_store_lun **out);
int xsan_luns_put(struct xsan_store *st, MDB_txn *txn,
		  const struct xsan_store_geom *g);
int xsan_luns_get(struct xsan_store *st, MDB_txn *txn,
		  struct xsan_store_lun **out, uint32_t *n);

/* space.c: free maps and file extents inside an LMDB transaction. */
int xsan_space_format(struct xsan_store *st, MDB_txn *txn);
const struct xsan_store_sg *xsan_sg_find(const struct xsan_store *st,
					 uint32_t index);
int xsan_free_insert(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		     uint64_t start, uint64_t len);
int xsan_free_take(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		   uint64_t start, uint64_t len);
int xsan_sgfree_get(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		    uint64_t *bfree);
void xsan_ext_encode(const struct xsan_ext *e, uint8_t *val);
int xsan_ext_decode(const MDB_val *k, const MDB_val *v, uint64_t *ino,
		    struct xsan_ext *e);
/* Free every block of @in from file block @from on (truncate, unlink). */
int xsan_ext_free_from(struct xsan_store *st, MDB_txn *txn,
		       struct xsan_inode *in, uint64_t from);
int xsan_space_rebuild(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		       const uint64_t (*used)[2], size_t n);
int xsan_affinity_inherit(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
			  uint64_t ino);
/* An inode is gone or truncated: drop reservations of it. */
void xsan_asess_release(struct xsan_store *st, uint64_t ino);
/* Must @in stay when it has no link? Open, or kept for reclaims. */
bool xsan_ino_kept(const struct xsan_store *st, const struct xsan_inode *in);
void xsan_asess_free_all(struct xsan_store *st);

/* Nested transaction of one operation. */
int xsan_op_begin(struct xsan_txn *t, MDB_txn **txn);
int xsan_op_end(MDB_txn *txn, int rc);

/* perm.c */
bool xsan_in_group(const struct xsan_cred *cr, uint32_t gid);
bool xsan_has_cap(const struct xsan_cred *cr, uint32_t cap);
bool xsan_owner_or_capable(const struct xsan_cred *cr,
			   const struct xsan_inode *in);
int xsan_permission(const struct xsan_cred *cr, const struct xsan_inode *in,
		    int mask);
int xsan_may_create(const struct xsan_cred *cr, const struct xsan_inode *dir);
int xsan_may_delete(const struct xsan_cred *cr, const struct xsan_inode *dir,
		    const struct xsan_inode *victim, bool isdir);
int xsan_setattr_prepare(const struct xsan_cred *cr,
			 const struct xsan_inode *in,
			 const struct xsan_sattr *sa, uint32_t *mode);

/* acl.c */
int xsan_acl_decode(const void *val, uint32_t len, struct xsan_acl *acl);
uint32_t xsan_acl_size(const struct xsan_acl *acl);
void xsan_acl_encode(const struct xsan_acl *acl, uint8_t *buf);
int xsan_acl_equiv_mode(const struct xsan_acl *acl, uint32_t *mode);
int xsan_acl_permission(const struct xsan_cred *cr, const struct xsan_inode *in,
			const struct xsan_acl *acl, int mask);
int xsan_acl_create_masq(struct xsan_acl *acl, uint32_t *mode);
void xsan_acl_chmod(struct xsan_acl *acl, uint32_t mode);
int xsan_acl_type(const char *name, uint32_t len);
const char *xsan_acl_name(int type);
int xsan_acl_get(struct xsan_store *st, MDB_txn *txn, uint64_t ino, int type,
		 struct xsan_acl *acl);
int xsan_acl_put(struct xsan_store *st, MDB_txn *txn, struct xsan_inode *in,
		 int type, const struct xsan_acl *acl);
int xsan_acl_inherit(struct xsan_store *st, MDB_txn *txn,
		     const struct xsan_inode *dir, struct xsan_inode *in,
		     uint32_t umask);

#endif /* XSAN_MDC_STORE_INT_H */
