/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the parts of the xsanfs client: the mount
 * context built from options, and the entry points of the messenger.
 */
#ifndef _XSAN_H
#define _XSAN_H

#include <linux/fs_context.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/siphash.h>
#include <linux/socket.h>
#include <linux/types.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/workqueue.h>

#include "xsanfs/disk.h"
#include "xsanfs/msg.h"

#include "xsanfs/proto.h"
#include "net/msgr.h"

#define XSAN_FS_NAME		"xsanfs"

/* Default and bounds of timeout=, in seconds. */
#define XSAN_TIMEOUT_DEFAULT	10
#define XSAN_TIMEOUT_MAX	3600
/* nrtiotokentimeout=, seconds; dircachesize=, entries */
#define XSAN_TOKTIMEOUT_DEFAULT	60
#define XSAN_TOKTIMEOUT_MAX	86400
#define XSAN_DIRCACHESIZE_MAX	16777216u
/* largest fsBlockSize a volume may have */
#define XSAN_BSIZE_MAX		1048576u

/**
 * struct xsan_fs_context - what the mount options asked for
 * @mdc: address of the metadata controller's volume port
 * @have_mdc: @mdc was given
 * @timeout: seconds to wait for the MDC to connect or answer
 * @soft: soft (calls fail after @timeout) rather than hard
 * @tok_idle_secs: nrtiotokentimeout=
 * @dircachesize: dircachesize=
 * @cvnode_max: cvnode_max=
 * @lun_arg: lun= and lunprobe=: the partitions to open, @nlun_arg of
 *	them in the order given (struct xsan_lun_arg, fs/lundev.c's section)
 * @nlun_arg: their number, at most XSAN_LUN_PATHS_MAX
 *
 * Owned by one fs_context; only the mount syscall that owns it touches it,
 * so it needs no lock.
 */
struct xsan_fs_context {
	struct sockaddr_storage mdc;
	bool have_mdc;
	unsigned int timeout;
	bool soft;
	unsigned int tok_idle_secs;
	unsigned int dircachesize;
	unsigned int cvnode_max;
	bool iodeadline_strict;
	bool local_locks;
	struct xsan_lun_arg *lun_arg;
	unsigned int nlun_arg;
};

extern struct file_system_type xsan_fs_type;

int xsan_parse_mdc_addr(const char *s, struct sockaddr_storage *ss);
int xsan_check_volume_name(const char *name);

/* ===================================================================
 * The parts of the client in fs/. The messenger's contract (requests,
 * and the callbacks it makes into fs/ through an ops table) is
 * net/msgr.h: net/ includes nothing of fs/ and calls into it only
 * through that table.
 * ===================================================================
 */

/* The root directory's fid on every volume (mkfs.xsanfs makes it). */
#define XSAN_ROOT_INO_NR	1
#define XSAN_ROOT_GEN_NR	1

/* fs/super.c: for fs/inode.c's xsan_super_ops */
struct kstatfs;
struct seq_file;
int xsan_statfs(struct dentry *dentry, struct kstatfs *buf);
int xsan_show_options(struct seq_file *m, struct dentry *root);
void xsan_umount_begin(struct super_block *sb);

/* ---- fs/: superblock, inodes, tokens -------------------------------- */

/**
 * struct xsan_mount_opts - the mount options after parsing
 * @timeout: see struct xsan_msgr_args
 * @soft: ditto
 * @ro: mounted read-only
 * @tok_idle_secs: nrtiotokentimeout=: give back tokens idle this long
 * @dircachesize: dircachesize=: most directory entries cached per dir
 * @cvnode_max: cvnode_max=: most inodes kept cached (0: no limit)
 * @iodeadline_strict: iodeadline=strict: refuse the mount when a LUN's
 *	command timeout exceeds the I/O deadline the MDC allows (fs/lundev.c)
 * @local_locks: local_locks: fcntl and flock locks exclude only processes
 *	of this host (the VFS keeps them; fs/lock.c sends nothing)
 */
struct xsan_mount_opts {
	unsigned int timeout;
	bool soft;
	bool ro;
	bool iodeadline_strict;
	bool local_locks;
	unsigned int tok_idle_secs;
	unsigned int dircachesize;
	unsigned int cvnode_max;
};

#define XSAN_RECENT_REVOKES	128

/**
 * struct xsan_recent_revoke - a REVOKE as struct xsan_sb_info.rv keeps it
 * @fid: the inode
 * @types: XSAN_TOK_* it took back
 * @seq: its receive sequence number
 */
struct xsan_recent_revoke {
	struct xsan_fid fid;
	u32 types;
	u64 seq;
};

/**
 * struct xsan_sb_info - one mounted volume
 * @sb: the superblock
 * @msgr: its connection and session; set before the root inode is read
 *	and unchanged until kill_sb
 * @opts: the options (changed only by reconfigure, under s_umount)
 * @volume: the volume name
 * @bsize: the volume's block size (STATFS)
 * @tok_wq: fs/token.c's work (idle release, deferred TOKEN_PUTs)
 * @tok_resets: sessions lost so far (fs/token.c; starts at 0 from
 *	kzalloc): a TOKEN_GET whose reply is applied after the count moved
 *	does not record its grant, which may be the old session's
 * @rv_wq: runs the per-inode revoke queues (xsan_inode_info.rv_work);
 *	WQ_MEM_RECLAIM, not ordered: a slow give-back of one file does not
 *	hold up the revokes of others
 * @io_wq: writeback completions (xsan_inode_info.io_work) only, as XFS
 *	keeps I/O completion apart from work that waits for writeback: under
 *	memory pressure only each queue's rescuer runs
 * @cb_lock: protects @cb_stopped and @cb_parked
 * @cb_stopped: unmount began: callbacks take no inode reference
 * @cb_parked: REVOKEs that came after that, answered once every inode is
 *	evicted (fs/token.c, xsan_tok_answer_parked())
 * @luns: the volume's open LUNs (fs/lundev.c)
 * @rv_lock: protects @rv, @rv_next and @rv_lost_seq
 * @rv: the last %XSAN_RECENT_REVOKES REVOKEs (fs/token.c): a grant read
 *	before one of them is not recorded even if its inode was not in the
 *	cache when the REVOKE was handled (a LOOKUP's grant and a REVOKE of
 *	the new inode cross)
 * @rv_next: where the next one goes (mod %XSAN_RECENT_REVOKES)
 * @rv_lost_seq: the highest seq pushed out of @rv; a grant read before it
 *	cannot be checked and is not recorded
 */
struct xsan_sb_info {
	struct super_block *sb;
	struct xsan_msgr *msgr;
	struct xsan_mount_opts opts;
	char volume[XSAN_VOLNAME_MAX + 1];
	u32 bsize;
	struct workqueue_struct *tok_wq;
	atomic_t tok_resets;
	struct workqueue_struct *rv_wq;
	struct workqueue_struct *io_wq;
	spinlock_t cb_lock;	/* protects cb_stopped, cb_parked */
	bool cb_stopped;
	struct list_head cb_parked;
	struct xsan_luns *luns;
	spinlock_t rv_lock;	/* protects rv, rv_next, rv_lost_seq */
	struct xsan_recent_revoke rv[XSAN_RECENT_REVOKES];
	unsigned int rv_next;
	u64 rv_lost_seq;
	/* protects lock_waiters and their woken flags (fs/lock.c) */
	spinlock_t lock_wait_lock;
	struct list_head lock_waiters;
	wait_queue_head_t lock_wq;
	siphash_key_t lock_key;	/* hashes lock owners for the MDC; set once */
};

static inline struct xsan_sb_info *XSAN_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* ---- the layout cache: fs/layout.c (issue 6) ------------------------- */

/* struct xsan_lext.flags: XSAN_EXT_UNWRITTEN and these */
#define XSAN_LX_HOLE		0x100u	/* no blocks: @sg, @block unused */
#define XSAN_LX_GRANTED		0x200u	/* from a WRITE LAYOUT_GET: committable */

/**
 * struct xsan_lext - one cached record of a file's layout (a copy)
 * @offset: file offset, bytes, block aligned
 * @length: bytes, not 0, whole blocks
 * @sg: stripe group (not for a hole)
 * @block: first block in @sg (not for a hole)
 * @flags: XSAN_EXT_UNWRITTEN, XSAN_LX_*
 */
struct xsan_lext {
	u64 offset;
	u64 length;
	u32 sg;
	u32 flags;
	u64 block;
};

/**
 * struct xsan_layout - a regular file's layout cache
 * @lock: protects @root and @gen
 * @root: the cached records by offset, disjoint
 * @gen: bumped by every invalidation (xsan_layout_forget())
 */
struct xsan_layout {
	spinlock_t lock;	/* protects root, gen */
	struct rb_root root;
	u64 gen;
};

void xsan_layout_init(struct xsan_layout *l);
u64 xsan_layout_gen(struct xsan_layout *l);
int xsan_layout_stage(const struct xsan_layout_res *res, u64 off, u64 len,
		      u32 bsize, u32 flags, gfp_t gfp, struct list_head *stage);
void xsan_layout_stage_free(struct list_head *stage);
int xsan_layout_insert(struct xsan_layout *l, struct list_head *stage,
		       u64 gen, u64 pos, struct xsan_lext *out);
bool xsan_layout_lookup(struct xsan_layout *l, u64 pos, struct xsan_lext *out);
void xsan_layout_forget(struct xsan_layout *l, u64 off, u64 len);
void xsan_layout_destroy(struct xsan_layout *l);
bool xsan_range_merge(struct xsan_range *r, u32 *n, u32 max, u64 off, u64 len);
unsigned int xsan_layout_count(struct xsan_layout *l);

/* Token types there are (XSAN_TOK_* bits 0..5), for per-type state. */
#define XSAN_TOK_NTYPES		6

/* O_DIRECT ranges an inode keeps for one deferred LAYOUT_COMMIT */
#define XSAN_DIO_PEND_RANGES	8

/**
 * struct xsan_inode_info - an xsanfs inode
 * @vfs_inode: the VFS inode
 * @fid: the MDC's name for it (ino is also i_ino; gen tells reuse apart);
 *	set before the inode is unlocked and never changed
 * @tok_lock: protects @tok_held, @tok_grant_seq, @tok_revoked_seq,
 *	@tok_used, @tok_sgen, @tok_returning, @rv_list, @attr_seq,
 *	@blocks_seq, @acl_flags and @trunc_busy; with
 *	@attr_seq it also orders the updates of the VFS attributes from
 *	replies (xsan_refresh_inode())
 * @tok_held: XSAN_TOK_* the MDC has granted us and we have not given back
 * @tok_sgen: the session generation @tok_held was granted in: the bits
 *	count only while it is the messenger's (xsan_msgr_lease_gen())
 * @tok_returning: types whose TOKEN_PUT is on its way: no TOKEN_GET for
 *	them is sent until it is (waiters: wait_var_event on this field)
 * @rv_list: REVOKEs of this inode waiting for @rv_work, in order
 * @rv_work: carries them out (on the mount's rv_wq); holds an inode
 *	reference while @rv_list is not empty
 * @tok_grant_seq: per type (bit number), receive sequence number of the
 *	grant that made us hold it
 * @tok_revoked_seq: per type, receive sequence number of the last REVOKE
 *	(or of the reply to the last voluntary TOKEN_PUT) applied; a grant
 *	read before it (lower xsan_msg_buf.seq) does not count for that type
 * @tok_used: jiffies of the last use of a cached token (idle release)
 * @attr_seq: receive sequence number of the reply the VFS attributes were
 *	last refreshed from; an older reply does not overwrite them
 * @blocks_seq: the same for i_blocks, which LAYOUT_GET and LAYOUT_COMMIT
 *	replies also refresh (xsan_refresh_blocks())
 * @acl_flags: XSAN_AF_* of those attributes: which ACLs the inode has
 *	(fs/acl.c); a change forgets the ACLs the VFS cached
 * @trunc_busy: a truncate's SETATTR is on its way (fs/trunc.c): replies do
 *	not change i_size meanwhile (the truncate set it and sets it again
 *	from its own reply); under @tok_lock
 * @dir_gen: bumped whenever our DIR token on this directory goes; a
 *	dentry in it is valid without asking only if it was made under the
 *	current value (kept in its d_time) and DIR is still held
 * @tok_idle_work: gives the tokens back once idle for tok_idle_secs (on
 *	the mount's tok_wq); cancelled by eviction
 * @layout: the layout cache of a regular file (fs/layout.c, issue 6)
 * @data_sem: held shared by the data paths while they use the page cache
 *	or the LUNs under a data token, exclusive while one is given back
 *	(fs/data.c); taken after the token, before i_rwsem
 * @io_lock: protects @io_done (taken in bio completion: irqsave) and
 *	orders the i_size updates of O_DIRECT completions
 * @io_done: writeback ioends whose bios are done, waiting for their
 *	LAYOUT_COMMIT
 * @io_work: commits them and ends their writeback (on the mount's tok_wq)
 * @fault_sem: held shared by the mmap fault paths (fault, page_mkwrite)
 *	while they use the page cache under a data token; a token give-back
 *	takes it exclusive and lets it go at once, a fence after which no
 *	fault still works under the token it gives back. Never held while
 *	waiting for writeback (fs/data.c, "mmap")
 * @data_flags: XSAN_DATA_* bits (atomic bitops)
 * @lost_work: drops the page cache of a file whose data tokens went with
 *	a lost session (on the mount's tok_wq, holds an inode reference)
 * @dio_lock: protects @dio_r, @dio_n, @dio_bytes, @dio_size and
 *	@dio_dirty, and is held across their LAYOUT_COMMIT so that commits
 *	go out in order; taken after data_sem, never before it
 * @dio_r: O_DIRECT writes done but not committed yet: UNWRITTEN ranges
 *	they wrote (ascending, disjoint). They are committed together, under
 *	ATTR_WR (fs/data.c, "Deferred O_DIRECT commits")
 * @dio_n: ranges in @dio_r
 * @dio_bytes: bytes in @dio_r
 * @dio_size: the size the next commit carries (largest end written)
 * @dio_dirty: a commit is owed (ranges, size or mtime); read without
 *	@dio_lock as a hint (READ_ONCE), then checked under it
 * @nosec_gen: bumped whenever S_NOSEC is cleared because ATTR_RD or
 *	ATTR_WR went (fs/token.c): a write that learnt S_NOSEC across a bump
 *	does not keep it (fs/data.c, xsan_write_checks())
 * @open_lock: protects @open_files and the handles of the files on it
 * @open_files: the open files of this inode (struct xsan_file, fs/file.c),
 *	so that a reclaim after an MDC restart can open them again
 * @tmp_handle: open(O_TMPFILE): the handle TMPFILE answered, for ->open to
 *	adopt (fs/namei.c, xsan_tmpfile()); 0 otherwise
 * @data_sgen: the session generation the page cache, the layout cache and
 *	the O_DIRECT commits owed belong to; written under @data_sem held
 *	exclusive (fs/data.c, xsan_data_lost()), read with READ_ONCE. Data of
 *	an older session is never written to the LUNs nor committed: it is
 *	dropped, and reported as EIO
 *
 * Lock order of one inode (outermost first; fs/data.c, fs/token.c):
 *   data_sem  >  fault_sem (a fence only: taken and let go, or held
 *   shared by a fault)  >  i_rwsem  >  mapping->invalidate_lock  >
 *   dio_lock  >  folio lock  >  tok_lock, io_lock, layout.lock
 *   (spinlocks, innermost, never held across a sleep).
 * A token is asked for (TOKEN_GET, which may wait for this client's own
 * give-back) before data_sem is taken, never under it; a give-back takes
 * data_sem exclusive before it clears the bits. Nor is a token asked for,
 * or a SETATTR sent, under the invalidate lock (a give-back of data takes
 * it; two clients truncating one file would each wait for the other's
 * give-back: fs/trunc.c). The mmap fault paths run
 * under mmap_lock and take fault_sem shared, never data_sem (read(2) into
 * a mapping of the same file faults under data_sem held shared).
 *
 * Changed from the session 3 plan: @tok_revoked_seq is per type and
 * @tok_grant_seq, @attr_seq and @tok_idle_work are new (fs/token.c).
 */
struct xsan_inode_info {
	struct inode vfs_inode;
	struct xsan_fid fid;
	spinlock_t tok_lock;	/* protects the token state, attr_seq, acl_flags */
	u32 tok_held;
	u32 tok_sgen;
	u32 tok_returning;
	struct list_head rv_list;
	struct work_struct rv_work;
	u64 tok_grant_seq[XSAN_TOK_NTYPES];
	u64 tok_revoked_seq[XSAN_TOK_NTYPES];
	unsigned long tok_used;
	u64 attr_seq;
	u64 blocks_seq;
	u32 acl_flags;
	bool trunc_busy;
	atomic64_t dir_gen;
	struct delayed_work tok_idle_work;
	struct xsan_layout layout;
	struct rw_semaphore data_sem;	/* see above */
	spinlock_t io_lock;		/* protects io_done */
	struct list_head io_done;
	struct work_struct io_work;
	struct rw_semaphore fault_sem;	/* see above */
	unsigned long data_flags;
	struct work_struct lost_work;
	struct mutex dio_lock;		/* see above */
	struct xsan_range dio_r[XSAN_DIO_PEND_RANGES];
	u32 dio_n;
	u64 dio_bytes;
	u64 dio_size;
	bool dio_dirty;
	atomic_t nosec_gen;
	u32 data_sgen;
	spinlock_t open_lock;	/* protects open_files, their handles, tmp_handle */
	struct list_head open_files;
	u64 tmp_handle;
};

/* @data_flags: @lost_work is queued (and holds an inode reference) */
#define XSAN_DATA_LOST		0
/*
 * @data_flags: fcntl/flock locks held here were lost at the MDC (session
 * lost, reclaim refused); cleared once no lock is held on the inode here
 * (fs/lock.c, xsan_lock_check())
 */
#define XSAN_LOCKS_LOST		1
/*
 * @data_flags: this client's last writer closed the file: the MDC freed
 * the blocks it had allocated ahead and not written, so i_blocks is
 * stale; the next stat asks (fs/file.c, fs/inode.c)
 */
#define XSAN_BLOCKS_STALE	2

static inline struct xsan_inode_info *XSAN_I(struct inode *inode)
{
	return container_of(inode, struct xsan_inode_info, vfs_inode);
}

/* fs/file.c */
void xsan_file_reopen_all(struct inode *inode);

/* fs/acl.c */
struct posix_acl *xsan_get_acl(struct inode *inode, int type, bool rcu);
int xsan_set_acl(struct user_namespace *mnt_userns, struct inode *inode,
		 struct posix_acl *acl, int type);

/* fs/inode.c */
struct inode *xsan_iget(struct super_block *sb, const struct xsan_attr *a,
			u64 seq);
int xsan_refresh_inode(struct inode *inode, const struct xsan_attr *a,
		       u64 seq);
int xsan_refresh_from_rep(struct inode *inode, const struct xsan_rep *rep,
			  u32 i, u64 seq);
void xsan_refresh_blocks(struct inode *inode, const struct xsan_rep *rep,
			 u64 seq);
struct fileattr;
int xsan_fileattr_get(struct dentry *dentry, struct fileattr *fa);
int xsan_fileattr_set(struct user_namespace *mnt_userns, struct dentry *dentry,
		      struct fileattr *fa);
bool xsan_mode_ok(u32 mode);
void xsan_fill_cred(struct xsan_cred *cr);
int xsan_getattr(struct user_namespace *mnt_userns, const struct path *path,
		 struct kstat *stat, u32 request_mask, unsigned int flags);
int xsan_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		 struct iattr *iattr);
int __xsan_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		   struct iattr *iattr, bool get_token);
int xsan_permission(struct user_namespace *mnt_userns, struct inode *inode,
		    int mask);
int xsan_init_inodecache(void);
void xsan_destroy_inodecache(void);
extern const struct super_operations xsan_super_ops;
int xsan_statfs(struct dentry *dentry, struct kstatfs *buf);	/* super.c */

/* fs/namei.c: directory inode operations, dentry operations */
extern const struct inode_operations xsan_dir_iops;
extern const struct inode_operations xsan_symlink_iops;
extern const struct inode_operations xsan_special_iops;
extern const struct dentry_operations xsan_dentry_ops;

/* fs/dir.c: readdir */
extern const struct file_operations xsan_dir_fops;
bool xsan_dirent_sane(const struct xsan_dirent *d);

/* fs/file.c: regular files (the data path is fs/data.c) */
extern const struct inode_operations xsan_file_iops;
extern const struct file_operations xsan_file_fops;

/* fs/data.c: the data path of regular files (issue 6) */
extern const struct address_space_operations xsan_data_aops;
void xsan_data_init_inode(struct xsan_inode_info *xi);
void xsan_data_evict_begin(struct inode *inode);
void xsan_data_evict(struct inode *inode);
bool xsan_data_giveback_waits(struct inode *inode, u32 types);
bool xsan_data_giveback_begin(struct inode *inode, u32 types, u32 *covered);
void xsan_data_giveback_end(struct inode *inode, u32 types, bool locked);
void xsan_data_session_lost(struct inode *inode);
int xsan_data_mmap(struct file *file, struct vm_area_struct *vma);
ssize_t xsan_data_read_iter(struct kiocb *iocb, struct iov_iter *to);
ssize_t xsan_data_write_iter(struct kiocb *iocb, struct iov_iter *from);
int xsan_data_fsync(struct file *file, loff_t start, loff_t end, int datasync);
int xsan_data_flush(struct inode *inode);
int xsan_data_write_back(struct inode *inode);
void xsan_data_closed(struct inode *inode);
loff_t xsan_data_llseek(struct file *file, loff_t offset, int whence);
struct fiemap_extent_info;
int xsan_data_fiemap(struct inode *inode, struct fiemap_extent_info *fi,
		     u64 start, u64 len);
int xsan_data_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		      struct iattr *iattr);
long xsan_data_fallocate(struct file *file, int mode, loff_t offset,
			 loff_t len);

/* fs/xattr.c */
extern const struct xattr_handler *xsan_xattr_handlers[];
ssize_t xsan_listxattr(struct dentry *dentry, char *list, size_t size);

/* ---- cluster-wide fcntl and flock locks: fs/lock.c ------------------- */
void xsan_lock_init(struct xsan_sb_info *sbi);
int xsan_lock(struct file *file, int cmd, struct file_lock *fl);
int xsan_flock(struct file *file, int cmd, struct file_lock *fl);
void xsan_lock_wake(struct xsan_sb_info *sbi, u64 ino, u64 owner);
void xsan_lock_wake_all(struct xsan_sb_info *sbi);
unsigned int xsan_lock_reclaim(struct inode *inode, unsigned int *lost);
void xsan_lock_lost(struct inode *inode);
int xsan_lock_check(struct file *file);

/*
 * fs/token.c. xsan_tok_msgr_ops expects the xsan_msgr_open() priv to be
 * the mount's struct xsan_sb_info.
 */
int xsan_tok_get(struct inode *inode, u32 types);
bool xsan_tok_valid(struct inode *inode, u32 types);
bool xsan_tok_valid_gen(struct inode *inode, u32 types, u32 *sgen);
void xsan_tok_grant(struct inode *inode, u32 types,
		    const struct xsan_msg_buf *buf);
void xsan_tok_stop_callbacks(struct xsan_sb_info *sbi);
void xsan_tok_answer_parked(struct xsan_sb_info *sbi);
void xsan_tok_release_inode(struct inode *inode);
void xsan_tok_init_inode(struct xsan_inode_info *xi);
extern const struct xsan_msgr_ops xsan_tok_msgr_ops;

/*
 * The pure state transitions of the token cache (no network), caller
 * holds @xi->tok_lock; KUnit tests them directly. Each returns the types
 * whose held bit it changed.
 */
bool __xsan_tok_valid(struct xsan_inode_info *xi, u32 types, u32 sgen);
void xsan_tok_note_revoke(struct xsan_sb_info *sbi,
			  const struct xsan_fid *fid, u32 types, u64 seq);
u32 xsan_tok_revoked_after(struct xsan_sb_info *sbi,
			   const struct xsan_fid *fid, u64 seq);
u32 __xsan_tok_apply_grant(struct xsan_inode_info *xi, u32 types, u64 seq,
			   u32 sgen);
u32 __xsan_tok_apply_revoke(struct xsan_inode_info *xi, u32 types, u64 seq);
u32 __xsan_tok_drop(struct xsan_inode_info *xi, u32 types);
u32 __xsan_tok_take_idle(struct xsan_inode_info *xi, unsigned long now,
			 unsigned long idle);
u32 __xsan_tok_take_idle_mask(struct xsan_inode_info *xi, unsigned long now,
			      unsigned long idle, u32 mask);
u32 __xsan_tok_reset_one(struct xsan_inode_info *xi);

/* ---- LUNs and stripe mapping: fs/lundev.c (issue 6) ------------------ */

/* lun= and lunprobe= options one mount takes, together. */
#define XSAN_LUN_PATHS_MAX	256u

/**
 * struct xsan_lun_arg - one lun= or lunprobe= option
 * @path: the partition (owned by the fs_context, freed with it)
 * @probe: lunprobe=: a candidate mount.xsanfs found; skipped quietly if it
 *	cannot be opened, has no LUN header or belongs to another volume.
 *	lun= (false): the LUN must be one of this volume's, or the mount
 *	fails
 */
struct xsan_lun_arg {
	char *path;
	bool probe;
};

/**
 * struct xsan_lun - one LUN of the volume's disk table (DISK_TABLE)
 * @bdev: its open partition, or NULL (not passed, or of a stripe group
 *	that holds no user data and was not passed)
 * @mode: the mode @bdev was opened with (for blkdev_put())
 * @sg: stripe group index
 * @ordinal: position in the stripe group
 * @sectors: size in @sector_size units, as the table says
 * @sector_size: ditto
 * @data_blocks: volume blocks this LUN holds past XSAN_LUN_DATA_OFFSET
 *	(from the smaller of the table's size and the device's); 0 while
 *	@bdev is NULL
 * @uuid: the LUN uuid
 * @label: the label, NUL terminated
 */
struct xsan_lun {
	struct block_device *bdev;
	fmode_t mode;
	u32 sg;
	u32 ordinal;
	u64 sectors;
	u32 sector_size;
	u64 data_blocks;
	u8 uuid[XSAN_UUID_SIZE];
	char label[XSAN_LUN_LABEL_MAX + 1];
};

/**
 * struct xsan_sgroup - one stripe group's geometry (DISK_TABLE)
 * @index: stripe group index
 * @flags: XSAN_SG_*
 * @breadth: stripeBreadth in blocks, at least 1
 * @nluns: LUNs in @luns, at least 1
 * @blocks: the group's blocks 0 .. @blocks - 1
 * @luns: @nluns entries of struct xsan_luns.lun, by ordinal
 */
struct xsan_sgroup {
	u32 index;
	u32 flags;
	u32 breadth;
	u32 nluns;
	u64 blocks;
	struct xsan_lun **luns;
};

/**
 * struct xsan_luns - the volume's LUNs and stripe groups
 * @uuid: the volume uuid
 * @bsize: the volume block size (DISK_TABLE)
 * @bshift: log2(@bsize)
 * @nsg: stripe groups in @sg, ascending by index
 * @sg: the stripe groups
 * @nlun: LUNs in @lun, ascending by (stripe group, ordinal)
 * @lun: the LUNs
 *
 * Built by xsan_luns_open() before the superblock is live and freed by
 * xsan_luns_close() in kill_sb; nothing changes in between, so readers
 * (xsan_lun_map()) need no lock.
 */
struct xsan_luns {
	u8 uuid[XSAN_UUID_SIZE];
	u32 bsize;
	u32 bshift;
	u32 nsg;
	struct xsan_sgroup *sg;
	u32 nlun;
	struct xsan_lun *lun;
};

/**
 * struct xsan_io_map - where bytes of a stripe group live on one LUN
 * @bdev: the LUN's block device (its partition)
 * @sector: 512-byte sector on @bdev where the bytes start; the byte
 *	address is (@sector << 9) + (sg_byte & 511): LUN data starts and
 *	volume blocks are 512-byte aligned
 * @len: bytes from there that stay on this LUN: the request clipped at
 *	the stripe-unit (stripeBreadth) boundary and at the group's end
 */
struct xsan_io_map {
	struct block_device *bdev;
	sector_t sector;
	u64 len;
};

int xsan_luns_open(struct xsan_sb_info *sbi, struct fs_context *fc,
		   u32 lease_ms, u32 grace_ms);
void xsan_luns_close(struct xsan_sb_info *sbi);
int xsan_lun_map(struct xsan_sb_info *sbi, u32 sg, u64 sg_byte, u64 len,
		 struct xsan_io_map *out);
/* The pure parts, for KUnit: mapping in a table, a header vs the table. */
int __xsan_lun_map(const struct xsan_luns *luns, u32 sg, u64 sg_byte,
		   u64 len, struct xsan_io_map *out);
const char *xsan_lun_hdr_mismatch(const struct xsan_lun_hdr *h,
				  const u8 *vol_uuid,
				  const struct xsan_lun *t, u64 dev_bytes);

#endif /* _XSAN_H */
