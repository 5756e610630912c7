// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs readdir: READDIR in chunks of about 64 KiB, resumed from the
 * MDC's cookies. A cookie is a per-directory sequence number that stays
 * valid while the directory changes (Documentation/metadata-format.rst),
 * so it is the file position: position 0 and 1 are "." and "..", an entry
 * with cookie C sits at C + 2, and position 2 means "from the start".
 * Listings are not cached beyond one open directory's last reply (struct
 * xsan_dir_stash): opendir always asks the MDC again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fs/xsan.h"

/* Bytes of entries one READDIR reply may carry. */
#define XSAN_READDIR_SIZE	(64u * 1024)
/* Position after the last entry (no cookie maps to it). */
#define XSAN_DIR_EOF		((loff_t)LLONG_MAX)
/* Largest cookie that still has a position. */
#define XSAN_COOKIE_MAX		((u64)LLONG_MAX - 3)

static bool xsan_dt_ok(u8 type)
{
	switch (type) {
	case XSAN_DT_FIFO:
	case XSAN_DT_CHR:
	case XSAN_DT_DIR:
	case XSAN_DT_BLK:
	case XSAN_DT_REG:
	case XSAN_DT_LNK:
	case XSAN_DT_SOCK:
		return true;
	default:
		return false;
	}
}

/**
 * xsan_dirent_sane() - may this READDIR entry reach the caller?
 * @d: a decoded entry
 *
 * The decoder already refused most of these; a second look costs nothing
 * and keeps a name with '/' or NUL, "." or "..", inode 0 or a cookie
 * without a file position out of getdents whatever the codec lets by.
 *
 * Context: any context.
 * Return: true if @d is a valid entry.
 */
bool xsan_dirent_sane(const struct xsan_dirent *d)
{
	if (d->ino == 0 || d->cookie == 0 || d->cookie > XSAN_COOKIE_MAX ||
	    !xsan_dt_ok(d->type) || d->namelen == 0 ||
	    d->namelen > XSAN_NAME_MAX ||
	    memchr(d->name, '/', d->namelen) || memchr(d->name, 0, d->namelen))
		return false;
	if (d->name[0] == '.' &&
	    (d->namelen == 1 || (d->namelen == 2 && d->name[1] == '.')))
		return false;
	return true;
}

/**
 * struct xsan_dir_stash - the rest of the last READDIR reply of an open
 * directory
 * @buf: the reply, or NULL when nothing is kept
 * @c: cursor at the first entry not yet given to the caller
 * @left: entries after @c
 * @eof: the reply said no entries follow its last one
 * @pos: the file position @c continues from; another position (seekdir,
 *	rewinddir) drops the stash
 *
 * getdents fills the caller's buffer (32 KiB for ls) from a reply of
 * 64 KiB; keeping the rest saves asking for it again. Only the task that
 * holds the file's f_pos_lock (getdents, lseek) touches it, so it needs no
 * lock of its own. Entries removed since the reply may still be listed, as
 * POSIX allows for entries removed after opendir().
 */
struct xsan_dir_stash {
	struct xsan_msg_buf *buf;
	struct xsan_cur c;
	u32 left;
	bool eof;
	loff_t pos;
};

static void xsan_stash_drop(struct xsan_dir_stash *st)
{
	xsan_msg_buf_free(st->buf);
	st->buf = NULL;
	st->left = 0;
}

/* READDIR from @ctx->pos into @st. */
static int xsan_stash_fill(struct inode *dir, struct dir_context *ctx,
			   struct xsan_dir_stash *st)
{
	struct xsan_req req = { .op = XSAN_OP_READDIR };
	struct xsan_rep rep;
	int err;

	xsan_stash_drop(st);
	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(dir)->fid;
	req.cookie = ctx->pos - 2;
	req.size = XSAN_READDIR_SIZE;
	err = xsan_msgr_call(XSAN_SB(dir->i_sb)->msgr, &req, &rep, &st->buf);
	if (err) {
		st->buf = NULL;
		return err;
	}
	if (!rep.eof && rep.count == 0) {
		pr_err_ratelimited("volume %s: MDC sent no entries and no end in directory %llu\n",
				   XSAN_SB(dir->i_sb)->volume,
				   XSAN_I(dir)->fid.ino);
		xsan_stash_drop(st);
		return -EIO;
	}
	xsan_cur_init(&st->c, rep.data, rep.datalen);
	st->left = rep.count;
	st->eof = rep.eof;
	st->pos = ctx->pos;
	return 0;
}

/*
 * Give the stashed entries to the caller. Returns 1 when its buffer is
 * full, 0 when the stash is used up, -EIO for a bad entry.
 */
static int xsan_stash_emit(struct inode *dir, struct dir_context *ctx,
			   struct xsan_dir_stash *st)
{
	struct xsan_dirent d;
	struct xsan_cur at;

	while (st->left) {
		at = st->c;
		if (xsan_dirent_next(&st->c, &d) || !xsan_dirent_sane(&d) ||
		    d.cookie + 2 <= ctx->pos) {
			pr_err_ratelimited("volume %s: MDC sent a bad entry in directory %llu (after position %lld)\n",
					   XSAN_SB(dir->i_sb)->volume,
					   XSAN_I(dir)->fid.ino, ctx->pos);
			xsan_stash_drop(st);
			return -EIO;
		}
		if (!dir_emit(ctx, d.name, d.namelen, d.ino, d.type)) {
			st->c = at;	/* this one goes first next time */
			return 1;
		}
		ctx->pos = d.cookie + 2;
		st->pos = ctx->pos;
		st->left--;
	}
	return 0;
}

static int xsan_readdir(struct file *file, struct dir_context *ctx)
{
	struct xsan_dir_stash *st = file->private_data;
	struct inode *dir = file_inode(file);
	int err;

	if (!dir_emit_dots(file, ctx))
		return 0;
	while (ctx->pos != XSAN_DIR_EOF) {
		if (!st->buf || st->pos != ctx->pos) {
			err = xsan_stash_fill(dir, ctx, st);
			if (err)
				return err;
		}
		err = xsan_stash_emit(dir, ctx, st);
		if (err)
			return err < 0 ? err : 0;
		if (st->eof) {
			ctx->pos = XSAN_DIR_EOF;
			break;
		}
		xsan_stash_drop(st);
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	xsan_stash_drop(st);
	return 0;
}

static int xsan_dir_open(struct inode *inode, struct file *file)
{
	struct xsan_dir_stash *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return -ENOMEM;
	file->private_data = st;
	return 0;
}

static int xsan_dir_release(struct inode *inode, struct file *file)
{
	struct xsan_dir_stash *st = file->private_data;

	xsan_stash_drop(st);
	kfree(st);
	return 0;
}

/* telldir/seekdir positions are cookies + 2, up to XSAN_DIR_EOF. */
static loff_t xsan_dir_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, XSAN_DIR_EOF,
					XSAN_DIR_EOF);
}

const struct file_operations xsan_dir_fops = {
	.llseek		= xsan_dir_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= xsan_readdir,
	.open		= xsan_dir_open,
	.release	= xsan_dir_release,
	.fsync		= noop_fsync,
	.lock		= xsan_lock,
	.flock		= xsan_flock,
};
