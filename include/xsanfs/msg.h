/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsanfs messages: the payload of every request and reply, as host-order
 * structs and one encoder/decoder pair (net/msg.c) that the kernel module
 * and userspace both compile. Documentation/protocol.rst gives each
 * layout to the byte and must change with this file.
 *
 * Decoded pointers (names, blobs, entry lists) point into the received
 * payload and live as long as it does.
 */
#ifndef _XSANFS_MSG_H
#define _XSANFS_MSG_H

#include "xsanfs/codec.h"

#ifndef __KERNEL__
typedef __s64 s64;
#endif

#define XSAN_PROTO_MIN		1	/* oldest version this code speaks */
#define XSAN_PROTO_MAX		1	/* newest */

#define XSAN_UUID_SIZE		16
#define XSAN_NONCE_SIZE		32
#define XSAN_PROOF_SIZE		32	/* HMAC-SHA256 */
#define XSAN_NGROUPS_MAX	32	/* supplementary groups in a cred */
#define XSAN_XATTR_NAME_MAX	255	/* as XATTR_NAME_MAX */
#define XSAN_XATTR_SIZE_MAX	65536	/* as XATTR_SIZE_MAX */
#define XSAN_XATTR_LIST_MAX	65536	/* as XATTR_LIST_MAX */
#define XSAN_HOST_MAX		255	/* host names, peer addresses */
#define XSAN_REP_ATTRS		4	/* attributes a reply can carry */

/* The volume secret and the labels of the two HMAC proofs. */
#define XSAN_SECRET_MIN		16	/* bytes; shorter is refused */
#define XSAN_SECRET_MAX		1024
#define XSAN_AUTH_MDC_LABEL	"xsanfs-mdc-v1"
#define XSAN_AUTH_CLIENT_LABEL	"xsanfs-client-v1"

/* struct xsan_cred.caps: the capabilities the client holds for the op. */
#define XSAN_CAP_CHOWN		0x01u
#define XSAN_CAP_DAC_OVERRIDE	0x02u
#define XSAN_CAP_DAC_READ_SEARCH 0x04u
#define XSAN_CAP_FOWNER		0x08u
#define XSAN_CAP_FSETID		0x10u
#define XSAN_CAP_SYS_ADMIN	0x20u
#define XSAN_CAP_MKNOD		0x40u
#define XSAN_CAP_LINUX_IMMUTABLE 0x80u
#define XSAN_CAP_ALL		0xffu

/* struct xsan_sattr.valid */
#define XSAN_SA_MODE		0x01u
#define XSAN_SA_UID		0x02u
#define XSAN_SA_GID		0x04u
#define XSAN_SA_SIZE		0x08u
#define XSAN_SA_ATIME		0x10u	/* set atime to the given value */
#define XSAN_SA_MTIME		0x20u
#define XSAN_SA_ATIME_NOW	0x40u	/* set atime to the MDC's clock */
#define XSAN_SA_MTIME_NOW	0x80u
#define XSAN_SA_IFLAGS		0x100u	/* set the inode flags to iflags */
#define XSAN_SA_ALL		0x1ffu

/* RENAME flags: the values of RENAME_NOREPLACE and RENAME_EXCHANGE. */
#define XSAN_RENAME_NOREPLACE	0x1u
#define XSAN_RENAME_EXCHANGE	0x2u

/* SETXATTR flags: the values of XATTR_CREATE and XATTR_REPLACE. */
#define XSAN_XATTR_CREATE	0x1u
#define XSAN_XATTR_REPLACE	0x2u

/*
 * struct xsan_attr.flags: what the inode has besides its mode. On the wire
 * they are bits 16 and up of the attribute's mode word.
 */
#define XSAN_AF_ACL		0x1u	/* a system.posix_acl_access ACL */
#define XSAN_AF_DEFACL		0x2u	/* a system.posix_acl_default ACL */
#define XSAN_AF_IMMUTABLE	0x4u	/* chattr +i: FS_IMMUTABLE_FL */
#define XSAN_AF_APPEND		0x8u	/* chattr +a: FS_APPEND_FL */
#define XSAN_AF_ALL		0xfu
/* the flags SETATTR sets (XSAN_SA_IFLAGS); the ACL ones follow the ACLs */
#define XSAN_AF_IFLAGS		(XSAN_AF_IMMUTABLE | XSAN_AF_APPEND)
#define XSAN_AF_SHIFT		16

/*
 * CREATE, MKDIR, MKNOD and TMPFILE may end with a umask word: SET and the
 * caller's umask (0777 bits). With it the MDC applies POSIX ACL creation
 * rules itself: the directory's default ACL if it has one, else the
 * umask. Without it the mode is final (only a default ACL masks it).
 */
#define XSAN_UMASK_SET		0x1000u
#define XSAN_UMASK_BITS		0777u

/* Directory entry types: the DT_* values. */
#define XSAN_DT_FIFO		1
#define XSAN_DT_CHR		2
#define XSAN_DT_DIR		4
#define XSAN_DT_BLK		6
#define XSAN_DT_REG		8
#define XSAN_DT_LNK		10
#define XSAN_DT_SOCK		12

/*
 * RECONNECT reply flags. RECLAIM: the MDC restarted; the session survived,
 * its tokens did not (reclaim them within the grace period).
 */
#define XSAN_RECON_RECLAIM	0x1u
#define XSAN_RECON_ALL		0x1u

/* Opcodes of the administration requests (after AUTH, port 60766). */
#define XSAN_OP_ADMIN_WHO	112
#define XSAN_OP_ADMIN_STAT	113
#define XSAN_OP_ADMIN_SHOW	114
#define XSAN_OP_ADMIN_TOKENS	115

/**
 * struct xsan_fid - names an inode for all time
 * @ino: inode number, never 0
 * @gen: generation: a reused @ino gets a new one, so an old fid is ESTALE
 */
struct xsan_fid {
	u64 ino;
	u32 gen;
};

/**
 * struct xsan_time - a timestamp
 * @sec: seconds since the epoch, signed
 * @nsec: 0 to 999,999,999
 */
struct xsan_time {
	s64 sec;
	u32 nsec;
};

/**
 * struct xsan_attr - the attributes of an inode
 * @ino: inode number
 * @gen: its generation
 * @mode: type and permission bits (S_IF* | 07777)
 * @nlink: link count
 * @uid: owner
 * @gid: group
 * @rdev_major: device number of a character or block device
 * @rdev_minor: ditto
 * @size: bytes
 * @blocks: 512-byte units allocated
 * @atime: last access
 * @mtime: last data change
 * @ctime: last attribute change
 * @change: incremented by every change of the inode
 * @flags: XSAN_AF_*
 */
struct xsan_attr {
	u64 ino;
	u32 gen;
	u32 mode;
	u32 nlink;
	u32 uid;
	u32 gid;
	u32 rdev_major;
	u32 rdev_minor;
	u64 size;
	u64 blocks;
	struct xsan_time atime;
	struct xsan_time mtime;
	struct xsan_time ctime;
	u64 change;
	u32 flags;
};

/**
 * struct xsan_cred - who asks: the fs uid/gid the client's VFS uses
 * @uid: fsuid
 * @gid: fsgid
 * @caps: XSAN_CAP_* the caller holds (capable_wrt_inode_uidgid())
 * @ngroups: supplementary groups, at most %XSAN_NGROUPS_MAX
 * @groups: the groups
 */
struct xsan_cred {
	u32 uid;
	u32 gid;
	u32 caps;
	u32 ngroups;
	u32 groups[XSAN_NGROUPS_MAX];
};

/**
 * struct xsan_sattr - what SETATTR changes
 * @valid: XSAN_SA_* saying which fields below apply
 * @mode: new permission bits (07777; the type bits must be 0)
 * @uid: new owner
 * @gid: new group
 * @size: new size
 * @atime: new atime (XSAN_SA_ATIME)
 * @mtime: new mtime (XSAN_SA_MTIME)
 * @iflags: new XSAN_AF_IFLAGS (XSAN_SA_IFLAGS)
 */
struct xsan_sattr {
	u32 valid;
	u32 mode;
	u32 uid;
	u32 gid;
	u64 size;
	struct xsan_time atime;
	struct xsan_time mtime;
	u32 iflags;
};

/**
 * struct xsan_statfs - STATFS reply
 * @blocks: total blocks of @bsize in the user data stripe groups
 * @bfree: free blocks
 * @bavail: free blocks an unprivileged user may use
 * @files: inodes the volume can hold
 * @ffree: inodes still free
 * @bsize: the volume's block size (fsBlockSize)
 * @namemax: longest name (255)
 */
struct xsan_statfs {
	u64 blocks;
	u64 bfree;
	u64 bavail;
	u64 files;
	u64 ffree;
	u32 bsize;
	u32 namemax;
};

/**
 * struct xsan_dirent - one READDIR entry
 * @ino: inode number of the entry
 * @cookie: pass as READDIR's cookie to continue after this entry
 * @type: XSAN_DT_*
 * @name: the name (not NUL-terminated)
 * @namelen: its length
 */
struct xsan_dirent {
	u64 ino;
	u64 cookie;
	u8 type;
	const char *name;
	u32 namelen;
};

/*
 * ---- Tokens and cluster-wide locks (net/msg_token.c) ----
 * Documentation/tokens.rst has the conflict matrix and the sequences,
 * Documentation/protocol.rst the layouts.
 */

/* Token types, a bit each: struct xsan_token_args.types. */
#define XSAN_TOK_ATTR_RD	0x01u	/* cache attributes (shared) */
#define XSAN_TOK_ATTR_WR	0x02u	/* change attributes locally (excl.) */
#define XSAN_TOK_DIR		0x04u	/* cache directory contents (shared) */
#define XSAN_TOK_DATA_RD	0x08u	/* cache file data for reading (shared) */
#define XSAN_TOK_DATA_WR	0x10u	/* cache dirty data (exclusive) */
#define XSAN_TOK_DIO		0x20u	/* direct I/O (shared among DIO only) */
#define XSAN_TOK_ALL		0x3fu

/* TOKEN_GET flags */
#define XSAN_TOKF_TRY		0x01u	/* EAGAIN instead of waiting */
/* RECLAIM: after a RECONNECT that said RECLAIM, take back a token held
 * before the MDC restarted (grace window only)
 */
#define XSAN_TOKF_RECLAIM	0x02u
#define XSAN_TOKF_ALL		0x03u

/* LOCK types (struct xsan_token_args.type); 0 in a GETLK reply: none. */
#define XSAN_LOCK_RD		1u
#define XSAN_LOCK_WR		2u

/* LOCK and UNLOCK flags */
#define XSAN_LOCKF_FLOCK	0x01u	/* whole-file flock(2), own namespace */
#define XSAN_LOCKF_WAIT		0x02u	/* register a waiter: LOCK_WAKE later */
#define XSAN_LOCKF_GETLK	0x04u	/* test only: report the conflict */
/* LOCK only: a lock held before the MDC restarted (grace window only) */
#define XSAN_LOCKF_RECLAIM	0x08u
#define XSAN_LOCKF_ALL		0x0fu
/* UNLOCK only: forget the owner's waiters in the range, keep its locks
 * (an F_SETLKW that a signal interrupted)
 */
#define XSAN_LOCKF_CANCEL	0x10u

/**
 * struct xsan_token_args - the token and lock fields of a request or of an
 * MDC callback (struct xsan_req.tok)
 * @types: TOKEN_GET: wanted XSAN_TOK_*; TOKEN_PUT: released; REVOKE: to
 *         give up; LOOKUP, GETATTR, OPEN: wanted with the reply if free
 *         right now (never waits, never revokes), 0 = none
 * @flags: TOKEN_GET: XSAN_TOKF_*; LOCK, UNLOCK: XSAN_LOCKF_*
 * @revoke: TOKEN_PUT: the REVOKE it acknowledges, or 0; REVOKE: its id
 * @owner: LOCK, UNLOCK, LOCK_WAKE: the lock owner, chosen by the client
 * @start: LOCK, UNLOCK: first byte
 * @length: LOCK, UNLOCK: bytes, 0 = to the end of file
 * @type: LOCK: XSAN_LOCK_RD or XSAN_LOCK_WR
 */
struct xsan_token_args {
	u32 types;
	u32 flags;
	u64 revoke;
	u64 owner;
	u64 start;
	u64 length;
	u32 type;
};

/**
 * struct xsan_token_rep - the token and lock fields of a reply
 * (struct xsan_rep.tok; TOKEN_GET also uses nattr/attr[0])
 * @granted: TOKEN_GET: the XSAN_TOK_* the client now holds of those asked;
 *           LOOKUP, GETATTR, OPEN: those of the request's @types granted
 *           with the reply (of the inode the reply's attr[0] names)
 * @type: LOCK: the conflicting lock's XSAN_LOCK_*, 0 if none (GETLK only)
 * @owner: LOCK: its owner
 * @start: LOCK: its first byte
 * @length: LOCK: its length, 0 = to the end of file
 * @session: LOCK: the session holding it
 */
struct xsan_token_rep {
	u32 granted;
	u32 type;
	u64 owner;
	u64 start;
	u64 length;
	u64 session;
};

/* ---- Open files, layouts and allocation: net/msg_layout.c ---------------
 * OPEN, CLOSE, LAYOUT_GET, LAYOUT_COMMIT and FALLOCATE carry a cred like
 * the namespace requests and answer one attribute; their own fields live
 * in struct xsan_layout_args / struct xsan_layout_res.
 */

/* OPEN flags: the O_ACCMODE values and O_TRUNC, as Linux defines them;
 * RECLAIM is ours (a bit no Linux open flag uses): after a RECONNECT that
 * said RECLAIM, open again a file held open before the MDC restarted,
 * even if its last name went meanwhile. RECLAIM with TRUNC is malformed.
 */
#define XSAN_OPEN_RDONLY	0x0u
#define XSAN_OPEN_WRONLY	0x1u
#define XSAN_OPEN_RDWR		0x2u
#define XSAN_OPEN_ACCMODE	0x3u
#define XSAN_OPEN_RECLAIM	0x4u
/* ours too: the open of execve(): execute permission, not read; RDONLY only */
#define XSAN_OPEN_EXEC		0x8u
#define XSAN_OPEN_TRUNC		0x200u

/* LAYOUT_GET flags */
#define XSAN_LG_WRITE		0x1u	/* allocate the holes of the range */

/* struct xsan_extent.flags */
#define XSAN_EXT_UNWRITTEN	0x1u	/* allocated, reads as zeros */

/* LAYOUT_COMMIT flags */
#define XSAN_LC_SIZE		0x1u	/* set the size to @size (if larger) */
#define XSAN_LC_MTIME		0x2u	/* set mtime to @mtime */

/* FALLOCATE modes: the FALLOC_FL_* values. */
#define XSAN_FALLOC_KEEP_SIZE	0x01u
#define XSAN_FALLOC_PUNCH_HOLE	0x02u
#define XSAN_FALLOC_ZERO_RANGE	0x10u

/*
 * Bounds that keep a reply inside one frame (1024 x 32 bytes) and stop a
 * peer from making the other side walk long lists.
 */
#define XSAN_LAYOUT_EXT_MAX	1024u
#define XSAN_COMMIT_RANGE_MAX	1024u
#define XSAN_EXTENT_REC		32u	/* bytes of one extent on the wire */
#define XSAN_RANGE_REC		16u	/* bytes of one committed range */
#define XSAN_FILE_MAX		0x7fffffffffffffffull	/* largest offset+length */

/**
 * struct xsan_extent - one mapped range of a file (LAYOUT_GET reply)
 * @offset: file offset, bytes
 * @length: bytes, not 0
 * @sg: stripe group index
 * @block: first block of the range in that stripe group
 * @flags: XSAN_EXT_*
 */
struct xsan_extent {
	u64 offset;
	u64 length;
	u32 sg;
	u64 block;
	u32 flags;
};

/**
 * struct xsan_range - a byte range now written (LAYOUT_COMMIT)
 * @offset: file offset
 * @length: bytes, not 0
 */
struct xsan_range {
	u64 offset;
	u64 length;
};

/**
 * struct xsan_layout_args - request fields of OPEN .. FALLOCATE
 * @flags: OPEN: XSAN_OPEN_*; LAYOUT_GET: XSAN_LG_*; LAYOUT_COMMIT:
 *         XSAN_LC_*; FALLOCATE: XSAN_FALLOC_* mode
 * @handle: CLOSE: the handle OPEN returned
 * @offset: LAYOUT_GET, FALLOCATE: start of the range
 * @length: its length, not 0
 * @size: LAYOUT_COMMIT with XSAN_LC_SIZE: the new size
 * @mtime: LAYOUT_COMMIT with XSAN_LC_MTIME: the new mtime
 * @nranges: LAYOUT_COMMIT: ranges now written, ascending, disjoint
 * @ranges: encoding: the @nranges ranges (NULL: encode from @raw)
 * @raw: decoded: the ranges as they are on the wire (xsan_range_at())
 */
struct xsan_layout_args {
	u32 flags;
	u64 handle;
	u64 offset;
	u64 length;
	u64 size;
	struct xsan_time mtime;
	u32 nranges;
	const struct xsan_range *ranges;
	const void *raw;
};

/**
 * struct xsan_layout_res - reply fields of OPEN and LAYOUT_GET
 * @handle: OPEN: the open handle, not 0
 * @count: LAYOUT_GET: extents, ascending by offset, disjoint; gaps are holes
 * @ext: encoding: the @count extents (NULL: encode from @raw)
 * @raw: decoded: the extents on the wire (xsan_extent_at())
 */
struct xsan_layout_res {
	u64 handle;
	u32 count;
	const struct xsan_extent *ext;
	const void *raw;
};

struct xsan_req;
struct xsan_rep;

/* TOKEN_GET, TOKEN_PUT, LOCK, UNLOCK: requests net/msg_token.c codes. */
bool xsan_op_is_token(u16 op);
int xsan_token_req_encode(struct xsan_put *w, const struct xsan_req *r);
int xsan_token_req_decode(struct xsan_cur *c, struct xsan_req *r);
int xsan_token_rep_encode(struct xsan_put *w, const struct xsan_rep *r);
int xsan_token_rep_decode(struct xsan_cur *c, struct xsan_rep *r);
/* REVOKE, LOCK_WAKE: MDC -> client callbacks (flag XSAN_F_CALLBACK). */
bool xsan_op_is_callback(u16 op);
int xsan_cb_encode(struct xsan_put *w, const struct xsan_req *r);
int xsan_cb_decode(u16 op, const void *buf, u32 len, struct xsan_req *r);
/* LOOKUP, GETATTR, OPEN: the optional trailing token word (msg.c). */
void xsan_put_tokbits(struct xsan_put *w, u32 types);
u32 xsan_get_tokbits(struct xsan_cur *c);
/* CREATE, MKDIR, MKNOD, TMPFILE: the optional trailing umask word. */
void xsan_put_umask(struct xsan_put *w, u32 umask);
u32 xsan_get_umask(struct xsan_cur *c);
/* A byte range's last byte; false if @start + @length overflows. */
bool xsan_lock_range_ok(u64 start, u64 length);
/* ---- end of tokens and locks ---- */
bool xsan_op_is_layout(u16 op);
int xsan_layout_req_encode(struct xsan_put *w, const struct xsan_req *r);
void xsan_layout_req_decode(struct xsan_cur *c, struct xsan_req *r);
int xsan_layout_rep_encode(struct xsan_put *w, const struct xsan_rep *r);
void xsan_layout_rep_decode(struct xsan_cur *c, struct xsan_rep *r);
/* Entry @i of a decoded (hence already checked) list. */
void xsan_extent_at(const void *raw, u32 i, struct xsan_extent *e);
void xsan_range_at(const void *raw, u32 i, struct xsan_range *r);
/* ---- end of layouts ---- */

/* ---- The LUN table: net/msg_disk.c -------------------------------------
 * DISK_TABLE (after AUTH, no request payload) answers the volume uuid, its
 * block size, the geometry of every stripe group and every LUN of the
 * volume as mkfs.xsanfs recorded it, for a client to check each LUN
 * header it opens (include/xsanfs/disk.h) against and to map stripe
 * group blocks to LUN sectors. The reply reuses struct xsan_rep: @uuid
 * the volume, @disk.bsize, @disk.nsg stripe group records in @disk.sgs
 * (xsan_put_disk_sg(), read with xsan_disk_sg_at()), @count LUN entries
 * encoded in @data (xsan_put_disk()), walked with xsan_disk_next().
 * A decoded reply is consistent: the LUN entries of each group are
 * exactly its ordinals 0 .. nluns - 1, and no entry names another group.
 */

/*
 * Entries in one reply: 4096 of at most 74 bytes (36-character label)
 * fit a frame with room to spare, and a volume has far fewer LUNs.
 */
#define XSAN_DISK_MAX		4096u
#define XSAN_DISK_REC_MIN	39u	/* bytes of an entry, 1-character label */

/**
 * struct xsan_disk - one LUN of the volume (DISK_TABLE entry)
 * @sg: stripe group index (the LUN header's stripe group)
 * @ordinal: position in that stripe group (the header's ordinal)
 * @sectors: size in @sector_size units (the header's sectors)
 * @sector_size: 512..65536, a power of two
 * @uuid: the LUN's uuid, not all zero
 * @label: its label, as xsan_lun_label_ok() allows (not NUL-terminated)
 * @labellen: its length
 */
struct xsan_disk {
	u32 sg;
	u32 ordinal;
	u64 sectors;
	u32 sector_size;
	u8 uuid[XSAN_UUID_SIZE];
	const char *label;
	u32 labellen;
};

/* Stripe groups in one reply (mkfs records at most 256); block sizes. */
#define XSAN_DISK_SG_MAX	256u
#define XSAN_DISK_SG_REC	24u	/* bytes of a stripe group record */
#define XSAN_DISK_BSIZE_MIN	512u
#define XSAN_DISK_BSIZE_MAX	1048576u
/* Stripe group flags a DISK_TABLE record may carry (XSAN_SG_*, below). */
#define XSAN_DISK_SG_FLAGS	0x1fu

/**
 * struct xsan_disk_sg - one stripe group's geometry (DISK_TABLE record)
 * @index: stripe group index (the LUN headers' stripe group)
 * @flags: XSAN_SG_* (METADATA, JOURNAL, USERDATA, EXCLUSIVE, DOWN)
 * @breadth: stripeBreadth in blocks, at least 1
 * @nluns: LUNs in the group, at least 1
 * @blocks: the group's block space 0 .. @blocks - 1, a multiple of
 *	@breadth, at most @nluns x the blocks of its smallest LUN
 */
struct xsan_disk_sg {
	u32 index;
	u32 flags;
	u32 breadth;
	u32 nluns;
	u64 blocks;
};

/**
 * struct xsan_disk_rep - DISK_TABLE's geometry in struct xsan_rep
 * @bsize: the volume's block size (fsBlockSize), a power of two
 *	XSAN_DISK_BSIZE_MIN .. XSAN_DISK_BSIZE_MAX
 * @nsg: stripe group records in @sgs
 * @sgs: the records, XSAN_DISK_SG_REC bytes each, ascending by index
 */
struct xsan_disk_rep {
	u32 bsize;
	u32 nsg;
	const void *sgs;
};

bool xsan_op_is_disk(u16 op);
void xsan_put_disk_sg(struct xsan_put *w, const struct xsan_disk_sg *g);
void xsan_disk_sg_at(const void *raw, u32 i, struct xsan_disk_sg *g);
int xsan_disk_rep_encode(struct xsan_put *w, const struct xsan_rep *r);
void xsan_disk_rep_decode(struct xsan_cur *c, struct xsan_rep *r);
void xsan_put_disk(struct xsan_put *w, const struct xsan_disk *d);
int xsan_disk_next(struct xsan_cur *c, struct xsan_disk *d);
/* ---- end of the LUN table ---- */

/**
 * struct xsan_req - a decoded request; which fields an opcode uses is in
 * Documentation/protocol.rst ("Requests")
 * @op: enum xsan_op (or XSAN_OP_ADMIN_*)
 * @cred: namespace requests: the caller
 * @fid: the inode, or the (source) parent directory
 * @fid2: LINK: the new parent; RENAME: the target parent
 * @name: entry name, or xattr name, or HELLO/NS_LOOKUP volume name
 * @namelen: its length
 * @name2: RENAME: the new name; HELLO: the client's host name
 * @name2len: its length
 * @data: SYMLINK target; SETXATTR value
 * @datalen: its length
 * @mode: CREATE, MKDIR, MKNOD, TMPFILE: type and permission bits
 * @umask: CREATE, MKDIR, MKNOD, TMPFILE: XSAN_UMASK_SET | umask, or 0
 * @rdev_major: MKNOD: device number
 * @rdev_minor: ditto
 * @flags: RENAME: XSAN_RENAME_*; SETXATTR: XSAN_XATTR_*; HELLO: 0
 * @size: GETXATTR, LISTXATTR: caller's buffer size (0: ask the size);
 *        READDIR: most payload bytes of entries to return
 * @cookie: READDIR: 0 to start, else an entry's cookie
 * @sattr: SETATTR
 * @ver_min: HELLO: oldest protocol version the client speaks
 * @ver_max: HELLO: newest
 * @uuid: HELLO: the client's uuid
 * @nonce: HELLO: the client's challenge
 * @proof: AUTH: the client's answer to the MDC's challenge
 * @tok: TOKEN_*, LOCK, UNLOCK and the REVOKE, LOCK_WAKE callbacks;
 *       LOOKUP, GETATTR, OPEN: @tok.types only
 * @layout: OPEN, CLOSE, LAYOUT_GET, LAYOUT_COMMIT, FALLOCATE
 * @session: RECONNECT: the session to take back (not 0)
 */
struct xsan_req {
	u16 op;
	struct xsan_cred cred;
	struct xsan_fid fid;
	struct xsan_fid fid2;
	const char *name;
	u32 namelen;
	const char *name2;
	u32 name2len;
	const void *data;
	u32 datalen;
	u32 mode;
	u32 umask;
	u32 rdev_major;
	u32 rdev_minor;
	u32 flags;
	u32 size;
	u64 cookie;
	struct xsan_sattr sattr;
	u16 ver_min;
	u16 ver_max;
	u8 uuid[XSAN_UUID_SIZE];
	u8 nonce[XSAN_NONCE_SIZE];
	u8 proof[XSAN_PROOF_SIZE];
	struct xsan_token_args tok;
	struct xsan_layout_args layout;
	u64 session;
};

/**
 * struct xsan_rep - a decoded reply with status 0; which fields an opcode
 * uses is in Documentation/protocol.rst ("Replies")
 * @op: the request's opcode
 * @nattr: attributes in @attr (namespace replies)
 * @attr: in the order the opcode defines
 * @data: READLINK: target; GETXATTR: value; LISTXATTR: NUL-terminated
 *        names; READDIR, NS_LIST, ADMIN_*: the encoded entries, checked,
 *        to walk with the matching xsan_*_next()
 * @datalen: its length
 * @size: GETXATTR, LISTXATTR: the full size of the value or list
 * @count: READDIR, NS_LIST, ADMIN_WHO, ADMIN_SHOW, ADMIN_TOKENS,
 *         DISK_TABLE: entries in
 *         @data;
 *         NS_HEARTBEAT: volumes the name server serves
 * @eof: READDIR: no entries after these
 * @st: STATFS
 * @version: HELLO: the version the MDC chose
 * @nonce: HELLO: the MDC's challenge
 * @proof: HELLO: the MDC's answer to the client's challenge
 * @session: AUTH, RECONNECT: the session id
 * @lease_ms: AUTH, HEARTBEAT, RECONNECT: the lease period
 * @grace_ms: AUTH, RECONNECT: the grace period after it
 * @flags: RECONNECT: XSAN_RECON_*; ADMIN_TOKENS: XSAN_ADMTOK_*
 * @uuid: AUTH, NS_LOOKUP, DISK_TABLE: the volume's uuid
 * @port: NS_LOOKUP: the volume's session port
 * @host: NS_LOOKUP: the host serving it
 * @hostlen: its length
 * @tok: TOKEN_GET, LOCK; LOOKUP, GETATTR, OPEN: @tok.granted only
 * @layout: OPEN, LAYOUT_GET
 * @disk: DISK_TABLE: block size and stripe groups
 */
struct xsan_rep {
	u16 op;
	u32 nattr;
	struct xsan_attr attr[XSAN_REP_ATTRS];
	const void *data;
	u32 datalen;
	u32 size;
	u32 count;
	u8 eof;
	struct xsan_statfs st;
	u16 version;
	u8 nonce[XSAN_NONCE_SIZE];
	u8 proof[XSAN_PROOF_SIZE];
	u64 session;
	u32 lease_ms;
	u32 grace_ms;
	u32 flags;
	u8 uuid[XSAN_UUID_SIZE];
	u16 port;
	const char *host;
	u32 hostlen;
	struct xsan_token_rep tok;
	struct xsan_layout_res layout;
	struct xsan_disk_rep disk;
};

/**
 * struct xsan_ns_vol - one NS_LIST entry
 * @port: the volume's session port
 * @uuid: the volume's uuid
 * @name: the volume name (not NUL-terminated)
 * @namelen: its length
 */
struct xsan_ns_vol {
	u16 port;
	u8 uuid[XSAN_UUID_SIZE];
	const char *name;
	u32 namelen;
};

/**
 * struct xsan_who - one ADMIN_WHO entry: a connected client
 * @session: session id (0 before AUTH)
 * @lease_age_ms: time since its lease was last renewed
 * @uuid: the client's uuid
 * @host: the host name it gave in HELLO
 * @hostlen: its length
 * @addr: its address and port as text
 * @addrlen: its length
 */
struct xsan_who {
	u64 session;
	u32 lease_age_ms;
	u8 uuid[XSAN_UUID_SIZE];
	const char *host;
	u32 hostlen;
	const char *addr;
	u32 addrlen;
};

/* ADMIN_SHOW: one stripe group, then its LUNs (struct xsan_show_lun). */
#define XSAN_SG_METADATA	0x01u
#define XSAN_SG_JOURNAL		0x02u
#define XSAN_SG_USERDATA	0x04u
#define XSAN_SG_EXCLUSIVE	0x08u
#define XSAN_SG_DOWN		0x10u

/**
 * struct xsan_show_sg - one ADMIN_SHOW entry
 * @index: stripe group index
 * @flags: XSAN_SG_*
 * @breadth: stripeBreadth in bytes
 * @blocks: blocks of the volume's block size
 * @bfree: of which free
 * @nluns: LUN entries that follow this one
 * @name: stripe group name
 * @namelen: its length
 */
struct xsan_show_sg {
	u32 index;
	u32 flags;
	u64 breadth;
	u64 blocks;
	u64 bfree;
	u32 nluns;
	const char *name;
	u32 namelen;
};

/**
 * struct xsan_show_lun - a LUN of the stripe group before it
 * @sectors: sectors
 * @sector_size: bytes per sector
 * @label: its label
 * @labellen: its length
 */
struct xsan_show_lun {
	u64 sectors;
	u32 sector_size;
	const char *label;
	u32 labellen;
};

/*
 * ADMIN_STAT reply: data/datalen hold this (48 bytes), decoded by
 * xsan_stat_decode(); xsan_rep_decode() has already checked it.
 */
struct xsan_admin_stat {
	s64 created;		/* seconds since the epoch */
	u32 active;		/* connected clients */
	u32 bsize;
	u32 nluns;
	u32 nsgs;
	u64 blocks;
	u64 bfree;
	u64 inodes;		/* inodes in use */
};

/* ADMIN_TOKENS entry kinds (struct xsan_tok_entry.kind) */
#define XSAN_TE_HOLD		1u	/* tokens a session holds */
#define XSAN_TE_WAIT		2u	/* a TOKEN_GET parked for them */
#define XSAN_TE_NS		3u	/* a namespace request parked or pending */
#define XSAN_TE_GRACE		4u	/* a request parked for a restart's grace
					 * window
					 */
/* ADMIN_TOKENS reply flags (struct xsan_rep.flags) */
#define XSAN_ADMTOK_MORE	0x1u	/* the frame is full: entries left out */
#define XSAN_TOK_ENTRY_REC	40u	/* bytes of one entry on the wire */

/**
 * struct xsan_tok_entry - one ADMIN_TOKENS entry
 * @kind: XSAN_TE_*
 * @op: XSAN_TE_NS: the parked request's opcode; else 0
 * @ino: the inode
 * @gen: its generation
 * @session: the session that holds, or whose request waits
 * @types: HOLD: held; WAIT: wanted; NS: to be taken back from others
 * @revoking: HOLD: of @types, asked back and not yet given; else 0
 * @revoke_age_ms: HOLD with @revoking: since the oldest unanswered REVOKE
 */
struct xsan_tok_entry {
	u32 kind;
	u32 op;
	u64 ino;
	u32 gen;
	u64 session;
	u32 types;
	u32 revoking;
	u32 revoke_age_ms;
};

void xsan_put_tok_entry(struct xsan_put *w, const struct xsan_tok_entry *e);
int xsan_tok_entry_next(struct xsan_cur *c, struct xsan_tok_entry *e);

void xsan_put_fid(struct xsan_put *w, const struct xsan_fid *f);
void xsan_get_fid(struct xsan_cur *c, struct xsan_fid *f);
void xsan_put_time(struct xsan_put *w, const struct xsan_time *t);
void xsan_get_time(struct xsan_cur *c, struct xsan_time *t);
void xsan_put_attr(struct xsan_put *w, const struct xsan_attr *a);
void xsan_get_attr(struct xsan_cur *c, struct xsan_attr *a);
void xsan_put_cred(struct xsan_put *w, const struct xsan_cred *cr);
void xsan_get_cred(struct xsan_cur *c, struct xsan_cred *cr);
void xsan_put_xname(struct xsan_put *w, const char *name, u32 len);
const char *xsan_get_xname(struct xsan_cur *c, u32 *len);
void xsan_put_text(struct xsan_put *w, const char *s, u32 len, u32 max);
const char *xsan_get_text(struct xsan_cur *c, u32 max, u32 *len);

/* Is @op a request this protocol version defines on port 60766 / 60868? */
bool xsan_op_known(u16 op);
bool xsan_op_is_ns(u16 op);	/* takes a cred, needs a session */
const char *xsan_op_name(u16 op);

int xsan_req_encode(struct xsan_put *w, const struct xsan_req *r);
int xsan_req_decode(u16 op, const void *buf, u32 len, struct xsan_req *r);
int xsan_rep_encode(struct xsan_put *w, const struct xsan_rep *r);
int xsan_rep_decode(u16 op, const void *buf, u32 len, struct xsan_rep *r);

/* List entries for replies; the server appends them to its own buffer. */
void xsan_put_dirent(struct xsan_put *w, const struct xsan_dirent *d);
int xsan_dirent_next(struct xsan_cur *c, struct xsan_dirent *d);
void xsan_put_ns_vol(struct xsan_put *w, const struct xsan_ns_vol *v);
int xsan_ns_vol_next(struct xsan_cur *c, struct xsan_ns_vol *v);
void xsan_put_who(struct xsan_put *w, const struct xsan_who *v);
int xsan_who_next(struct xsan_cur *c, struct xsan_who *v);
void xsan_put_show_sg(struct xsan_put *w, const struct xsan_show_sg *v);
int xsan_show_sg_next(struct xsan_cur *c, struct xsan_show_sg *v);
void xsan_put_show_lun(struct xsan_put *w, const struct xsan_show_lun *v);
int xsan_show_lun_next(struct xsan_cur *c, struct xsan_show_lun *v);
void xsan_put_stat(struct xsan_put *w, const struct xsan_admin_stat *s);
int xsan_stat_decode(const void *buf, u32 len, struct xsan_admin_stat *s);

/* Error replies that carry a payload: EPROTONOSUPPORT -> the range. */
void xsan_put_vrange(struct xsan_put *w);
int xsan_get_vrange(const void *buf, u32 len, u16 *min, u16 *max);

#endif /* _XSANFS_MSG_H */
