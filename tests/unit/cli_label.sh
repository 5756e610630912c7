#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the xsanlabel and mkfs.xsanfs binaries on image files: the
# label-list template, writing labels, listing them, refusals, exact
# FILE:LINE messages, what blkid/partx read back, and making a volume on
# three LUNs. Prints one line per test, "PASS: PREFIX.NAME" or
# "FAIL: PREFIX.NAME" (why on stderr); exits 1 if any failed.
#
# usage: cli_label.sh BINDIR PREFIX [valgrind]
#   BINDIR: tools/bin or tools/bin-san
#   valgrind: also run a few cases under valgrind (not for an ASan build)
#
# Only image files in a temporary directory are ever written; no test
# scans or touches the host's block devices (every command names its
# devices).
set -uo pipefail

bindir=$(cd "$1" && pwd) || exit 1
prefix=$2
with_valgrind=${3:-}
label=$bindir/xsanlabel
mkfs=$bindir/mkfs.xsanfs
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
host=$(hostname)
type_guid=534f8665-01ae-4f1d-b5b4-f976fbb6b450

# run ARGS...: run a command with stdin from /dev/null; sets rc, out, err.
run() {
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

result() {
	if [ "$2" -eq 0 ]; then
		echo "PASS: $prefix.$1"
	else
		echo "FAIL: $prefix.$1"
		failed=1
	fi
}

# expect WHAT WANT GOT
expect() {
	if [ "$2" != "$3" ]; then
		printf '  %s: %s\n  want: %q\n  got:  %q\n' "$prefix.$name" "$1" "$2" "$3" >&2
		return 1
	fi
}

# t NAME: run the function NAME in a subshell, in its own directory.
t() {
	name=$1
	mkdir "$tmp/$name"
	(cd "$tmp/$name" && "$name")
	result "$name" $?
}

# images SIZE NAME...: fresh sparse image files.
images() {
	local size=$1
	shift
	rm -f "$@" && truncate -s "$size" "$@"
}

sums() {
	md5sum "$@"
}

usage_line='Usage: xsanlabel -l [DEVICE...] | -c [DEVICE...] | [-f] [-y] LABEL_LIST_FILE'

cli_label_usage() {
	run "$label"
	expect "exit status" 2 "$rc" &&
	expect "stderr" "xsanlabel: no label list file given
$usage_line" "$err" &&
	run "$label" -q &&
	expect "exit status" 2 "$rc" &&
	expect "stderr" "xsanlabel: unknown option '-q'
$usage_line" "$err" &&
	run "$label" -l -c a.img &&
	expect "exit status" 2 "$rc"
}

cli_label_template() {
	images 64M a.img b.img
	run "$label" -c a.img b.img
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "stdout" "CvfsDisk_UNKNOWN a.img 131072 # host $host size 64.0 MiB sector_size 512
CvfsDisk_UNKNOWN b.img 131072 # host $host size 64.0 MiB sector_size 512" "$out"
}

# Write two labels; check what xsanlabel -l, blkid and partx read back.
cli_label_write() {
	images 64M a.img b.img
	printf '# two LUNs\n\nDisk0 a.img\nDisk1  b.img  131072  EFI # the second\n' >list
	run "$label" -y list
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err" &&
	expect "line 1" 1 "$(grep -c "^a.img: labelled 'Disk0', 126976 sectors of 512 bytes, LUN uuid [0-9a-f-]\{36\}$" <<<"$out")" &&
	expect "line 2" 1 "$(grep -c "^b.img: labelled 'Disk1', 126976 sectors of 512 bytes, LUN uuid " <<<"$out")" || return 1
	local uuid0
	uuid0=$(sed -n 's/^a.img: .*LUN uuid //p' <<<"$out")
	run "$label" -l a.img b.img
	expect "exit status" 0 "$rc" &&
	expect "list line 1" "Disk0 a.img 126976 512 $uuid0 unassigned" "$(head -n1 <<<"$out")" &&
	expect "list line 2" 1 "$(grep -c '^Disk1 b.img 126976 512 [0-9a-f-]\{36\} unassigned$' <<<"$out")" &&
	expect "blkid PTTYPE" gpt "$(blkid -p -o value -s PTTYPE a.img)" &&
	expect "partx" "1 2048 126976 Disk0 $type_guid $uuid0" \
		"$(partx -g -o NR,START,SECTORS,NAME,TYPE,UUID a.img | tr -s ' ' | sed 's/^ //')" &&
	expect "header magic" "XSANFSLU" "$(dd if=a.img bs=512 skip=2048 count=1 status=none | head -c 8)"
}

cli_label_needs_yes() {
	images 64M a.img
	echo 'Disk0 a.img' >list
	local before
	before=$(sums a.img)
	run "$label" list
	expect "exit status" 1 "$rc" &&
	expect "stdout" "Disk0 -> a.img
Write 1 label? [y/N] " "$out" &&
	expect "stderr" "xsanlabel: nothing written" "$err" &&
	expect "image" "$before" "$(sums a.img)"
}

cli_label_refuse_relabel() {
	images 64M a.img
	echo 'Disk0 a.img' >list
	run "$label" -y list && expect "first" 0 "$rc" || return 1
	local before
	before=$(sums a.img)
	echo 'Other a.img' >list2
	run "$label" -y list2
	expect "exit status" 1 "$rc" &&
	expect "stderr" "xsanlabel: list2:1: a.img: already labelled 'Disk0' (use -f to relabel)" "$err" &&
	expect "image" "$before" "$(sums a.img)" &&
	run "$label" -f -y list2 &&
	expect "forced" 0 "$rc" &&
	expect "new name" Other "$(partx -g -o NAME a.img)"
}

# A disk carrying another partition table is refused, and -c comments it out.
cli_label_foreign() {
	images 64M a.img
	printf '\x55\xaa' | dd of=a.img bs=1 seek=510 conv=notrunc status=none
	printf '\x83' | dd of=a.img bs=1 seek=450 conv=notrunc status=none
	printf '\x00\x08' | dd of=a.img bs=1 seek=454 conv=notrunc status=none
	printf '\x00\x08' | dd of=a.img bs=1 seek=458 conv=notrunc status=none
	echo 'Disk0 a.img' >list
	run "$label" -y list
	expect "exit status" 1 "$rc" &&
	expect "stderr" "xsanlabel: list:1: a.img: holds a dos partition table (use -f to relabel)" "$err" &&
	run "$label" -c a.img &&
	expect "template" "#CvfsDisk_UNKNOWN a.img 131072 # host $host size 64.0 MiB sector_size 512 in use: holds a dos partition table" "$out"
}

cli_label_sectors_limit() {
	images 64M a.img
	echo 'Disk0 a.img 65536' >list
	run "$label" -y list
	expect "exit status" 0 "$rc" &&
	expect "partx" "2048 63488" "$(partx -g -o START,SECTORS a.img | tr -s ' ' | sed 's/^ //')"
}

# bad_list N 'CONTENT' 'MESSAGE': the list fails with "list:MESSAGE" and
# a.img (valid on line 1 of most lists) is left as it was.
bad_list() {
	printf "$2" >list
	run "$label" -y list
	expect "exit status ($1)" 1 "$rc" &&
	expect "stderr ($1)" "xsanlabel: $3" "$err" &&
	expect "image ($1)" "$before" "$(sums a.img b.img)"
}

cli_label_bad_lines() {
	images 64M a.img b.img
	before=$(sums a.img b.img)
	bad_list label 'Disk0 a.img\nbad! b.img\n' \
		"list:2: label 'bad!' must be 1-36 of [A-Za-z0-9_.-] starting with a letter or digit" &&
	bad_list long 'Disk0 a.img\nabcdefghijklmnopqrstuvwxyz01234567890 b.img\n' \
		"list:2: label 'abcdefghijklmnopqrstuvwxyz01234567890' must be 1-36 of [A-Za-z0-9_.-] starting with a letter or digit" &&
	bad_list nodev 'Disk0 a.img\n  Disk1   # no device\n' "list:2: label 'Disk1' has no device" &&
	bad_list vtoc 'Disk0 a.img\nDisk1 b.img 1000 VTOC\n' \
		"list:2: VTOC labels are not supported; use EFI (xsanfs writes a GPT)" &&
	bad_list junk 'Disk0 a.img\nDisk1 b.img 12x\n' \
		"list:2: '12x' is not a sector count or a label type (EFI)" &&
	bad_list extra 'Disk0 a.img\nDisk1 b.img 1000 EFI more\n' \
		"list:2: unexpected 'more' at the end of the line" &&
	bad_list zero 'Disk0 a.img\nDisk1 b.img 0\n' "list:2: sector count '0' must be 1 to 2^64-1" &&
	bad_list duplabel 'Disk0 a.img\n\n# x\nDisk0 b.img\n' "list:4: label 'Disk0' is already on line 1" &&
	bad_list dupdev 'Disk0 a.img\nDisk1 ./a.img\n' "list:2: ./a.img is the device of line 1 (a.img)" &&
	bad_list toolarge 'Disk0 a.img\nDisk1 b.img 131073\n' \
		"list:2: b.img has 131072 sectors, fewer than the 131073 listed" &&
	bad_list missing 'Disk0 a.img\nDisk1 nothere.img\n' "list:2: nothere.img: No such file or directory" &&
	bad_list empty '# nothing\n\n' "list: no labels listed"
}

# A small volume: a metadata stripe group of one LUN, a data one of two.
cfgx() {
	cat >snfs1.cfgx <<EOF
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<configDoc xmlns="http://www.quantum.com/snfs" version="1.0">
  <config configVersion="0" name="snfs1">
    <globals>
      <fsBlockSize>16384</fsBlockSize>
    </globals>
    <diskTypes>
      <diskType typeName="MetaDrive" sectors="65536" sectorSize="512"/>
      <diskType typeName="DataDrive" sectors="${1:-100000}" sectorSize="512"/>
    </diskTypes>
    <stripeGroups>
      <stripeGroup index="0" name="MetaFiles" stripeBreadth="262144" metadata="true" journal="true" userdata="false">
        <disk index="0" diskLabel="CvfsDisk0" diskType="MetaDrive"/>
      </stripeGroup>
      <stripeGroup index="1" name="DataFiles" stripeBreadth="1048576" userdata="true">
        <disk index="0" diskLabel="CvfsDisk1" diskType="DataDrive"/>
        <disk index="1" diskLabel="CvfsDisk2" diskType="DataDrive"/>
      </stripeGroup>
    </stripeGroups>
  </config>
</configDoc>
EOF
}

three_luns() {
	images 64M a.img b.img c.img
	printf 'CvfsDisk0 a.img\nCvfsDisk1 b.img\nCvfsDisk2 c.img\n' >list
	cfgx "$@"
}

# The lines of a successful mkfs on three_luns, less the uuid: WANT_PREFIX.
mkfs_lines() {
	sed 's/uuid [0-9a-f-]\{36\}/uuid U/' <<<"$out"
}

mkfs_body="Created volume 'snfs1' uuid U, block size 16384, 6122 data blocks
Stripe group 0 'MetaFiles' 1 LUN, metadata journal
LUN 'CvfsDisk0' a.img 126976 sectors of 512 bytes, stripe group 0 ordinal 0
Stripe group 1 'DataFiles' 2 LUNs, userdata
LUN 'CvfsDisk1' b.img 126976 sectors of 512 bytes, stripe group 1 ordinal 0
LUN 'CvfsDisk2' c.img 126976 sectors of 512 bytes, stripe group 1 ordinal 1"

cli_mkfs_dry_run() {
	three_luns
	local before
	before=$(sums a.img b.img c.img)
	run "$mkfs" -n -l list -S state snfs1.cfgx
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err" &&
	expect "stdout" "Dry run: nothing is written.
Labelled a.img 'CvfsDisk0', 126976 sectors
Labelled b.img 'CvfsDisk1', 126976 sectors
Labelled c.img 'CvfsDisk2', 126976 sectors
$mkfs_body
Metadata initialised in state/snfs1 (root inode 1)" "$(mkfs_lines)" &&
	expect "images" "$before" "$(sums a.img b.img c.img)" &&
	expect "state dir" no "$([ -e state ] && echo yes || echo no)"
}

# Label with -l, then make the volume again from the labels (-d) with -f.
cli_mkfs_volume() {
	three_luns
	run "$mkfs" -l list -S state snfs1.cfgx
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err" &&
	expect "stdout" "Labelled a.img 'CvfsDisk0', 126976 sectors
Labelled b.img 'CvfsDisk1', 126976 sectors
Labelled c.img 'CvfsDisk2', 126976 sectors
$mkfs_body
Metadata initialised in state/snfs1 (root inode 1)" "$(mkfs_lines)" &&
	expect "metadata" yes "$([ -s state/snfs1/data.mdb ] && echo yes)" || return 1
	local vol
	vol=$(sed -n "s/^Created volume 'snfs1' uuid \([0-9a-f-]*\),.*/\1/p" <<<"$out")
	run "$label" -l a.img b.img c.img
	expect "xsanlabel -l" "CvfsDisk0 a.img volume $vol sg 0 ordinal 0
CvfsDisk1 b.img volume $vol sg 1 ordinal 0
CvfsDisk2 c.img volume $vol sg 1 ordinal 1" \
		"$(sed 's/ 126976 512 [0-9a-f-]\{36\}//' <<<"$out")" || return 1

	# In use: refused without -f, whole, before anything is written.
	local before
	before=$(sums a.img b.img c.img)
	run "$mkfs" -d a.img -d b.img -d c.img -S state2 snfs1.cfgx
	expect "in use: exit status" 1 "$rc" &&
	expect "in use: stderr" "mkfs.xsanfs: a.img: LUN 'CvfsDisk0' already belongs to volume $vol (use -f to reuse it)
mkfs.xsanfs: b.img: LUN 'CvfsDisk1' already belongs to volume $vol (use -f to reuse it)
mkfs.xsanfs: c.img: LUN 'CvfsDisk2' already belongs to volume $vol (use -f to reuse it)" "$err" &&
	expect "in use: images" "$before" "$(sums a.img b.img c.img)" &&
	expect "in use: state" no "$([ -e state2 ] && echo yes || echo no)" || return 1

	# With -f: the LUNs and the old metadata are taken over by a new volume.
	run "$mkfs" -f -d a.img -d b.img -d c.img -S state snfs1.cfgx
	expect "forced: exit status" 0 "$rc" &&
	expect "forced: stdout" "$mkfs_body
Metadata initialised in state/snfs1 (root inode 1)" "$(mkfs_lines)" || return 1
	local vol2
	vol2=$(sed -n "s/^Created volume 'snfs1' uuid \([0-9a-f-]*\),.*/\1/p" <<<"$out")
	expect "new volume uuid" 1 "$([ "$vol2" != "$vol" ] && echo 1)" &&
	expect "LUNs follow" 3 "$("$label" -l a.img b.img c.img | grep -c "volume $vol2")"
}

cli_mkfs_missing_label() {
	three_luns
	"$label" -y list >/dev/null || return 1
	run "$mkfs" -d a.img -d b.img -S state snfs1.cfgx
	expect "exit status" 1 "$rc" &&
	expect "stderr" "mkfs.xsanfs: no LUN is labelled 'CvfsDisk2' (disk 1 of stripe group 'DataFiles'); label one with xsanlabel or list it with -l" "$err" &&
	expect "stdout" "" "$out"
}

cli_mkfs_existing_metadata() {
	three_luns
	mkdir -p state/snfs1 && touch state/snfs1/data.mdb
	run "$mkfs" -l list -S state snfs1.cfgx
	expect "exit status" 1 "$rc" &&
	expect "stderr" "mkfs.xsanfs: state/snfs1 already holds volume 'snfs1' (use -f to replace it)" "$err"
}

cli_mkfs_too_small() {
	three_luns 126977
	local before
	before=$(sums a.img b.img c.img)
	run "$mkfs" -l list -S state snfs1.cfgx
	expect "exit status" 1 "$rc" &&
	expect "stderr" "mkfs.xsanfs: b.img: LUN 'CvfsDisk1' has 126976 sectors of 512 bytes, fewer bytes than diskType 'DataDrive' needs (126977 sectors of 512)
mkfs.xsanfs: c.img: LUN 'CvfsDisk2' has 126976 sectors of 512 bytes, fewer bytes than diskType 'DataDrive' needs (126977 sectors of 512)" "$err" &&
	expect "images" "$before" "$(sums a.img b.img c.img)"
}

cli_mkfs_usage() {
	run "$mkfs"
	expect "exit status" 2 "$rc" &&
	expect "stderr" "mkfs.xsanfs: no VOLUME.cfgx given
Usage: mkfs.xsanfs [-f] [-n] [-l LABEL_LIST] [-d DEVICE]... [-S STATEDIR] VOLUME.cfgx" "$err" &&
	run "$mkfs" -l &&
	expect "-l: exit status" 2 "$rc" &&
	expect "-l: stderr line 1" "mkfs.xsanfs: option '-l' needs an argument" "$(head -n1 <<<"$err")"
}

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible "$@"
}

cli_valgrind_label() {
	images 64M a.img b.img
	printf 'Disk0 a.img\nDisk1 b.img 100000\n' >list
	run vg "$label" -y list
	expect "write: exit status" 0 "$rc" && expect "write: stderr" "" "$err" &&
	run vg "$label" -l a.img b.img &&
	expect "list: exit status" 0 "$rc" && expect "list: stderr" "" "$err" &&
	run vg "$label" -y list &&
	expect "refused: exit status" 1 "$rc"
}

cli_valgrind_mkfs() {
	three_luns
	run vg "$mkfs" -l list -S state snfs1.cfgx
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err" &&
	run vg "$mkfs" -d a.img -d b.img -S state snfs1.cfgx &&
	expect "error: exit status" 1 "$rc"
}

t cli_label_usage
t cli_label_template
t cli_label_write
t cli_label_needs_yes
t cli_label_refuse_relabel
t cli_label_foreign
t cli_label_sectors_limit
t cli_label_bad_lines
t cli_mkfs_usage
t cli_mkfs_dry_run
t cli_mkfs_volume
t cli_mkfs_missing_label
t cli_mkfs_existing_metadata
t cli_mkfs_too_small
if [ "$with_valgrind" = valgrind ]; then
	t cli_valgrind_label
	t cli_valgrind_mkfs
fi
exit $failed
