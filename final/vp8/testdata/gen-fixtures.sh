#!/bin/sh
# Regenerates the ffmpeg-*.vp8 key frames in this folder and their lines in
# md5.txt. Each is the first (key) frame that ffmpeg's libvpx encoder makes
# of the testsrc2 pattern (the source of the browsers' fake camera); its MD5
# is that of the I420 picture decoded by libvpx (ffmpeg -c:v libvpx), in the
# format of the official vectors' .md5 files. The other lines of md5.txt
# (frames copied from the official vectors and the Chromium capture) are
# kept.
#
# Needs ffmpeg built with libvpx. Run from anywhere: sh gen-fixtures.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '  ffmpeg-' md5.txt > "$tmp/md5.txt" || true

# gen NAME WxH SOURCE [libvpx options...]: SOURCE is a lavfi graph making
# WxH frames.
gen() {
	name=$1 size=$2 src=$3
	shift 3
	ffmpeg -loglevel error -y -f lavfi -i "$src" \
		-frames:v 1 -c:v libvpx "$@" -f ivf "$tmp/$name.ivf"
	# One frame: skip the 32-byte IVF header and the 12-byte frame header.
	tail -c +45 "$tmp/$name.ivf" > "ffmpeg-$name-0001.vp8"
	sum=$(ffmpeg -loglevel error -c:v libvpx -i "$tmp/$name.ivf" \
		-f rawvideo -pix_fmt yuv420p - | md5sum | cut -d' ' -f1)
	echo "$sum  ffmpeg-$name-$size-0001.i420" >> "$tmp/md5.txt"
}

# libvpx writes loop filter deltas in every key frame, but never
# segmentation or a sharpness level: the official vectors cover those.
gen webcam 1280x720 testsrc2=size=1280x720 -qmin 28 -qmax 28 -crf 28 # 720p camera
gen q0 160x120 testsrc2=size=160x120 -qmin 0 -qmax 0 -crf 0          # quantizer index 0
gen q127 160x120 testsrc2=size=160x120 -qmin 63 -qmax 63 -crf 63     # quantizer index 127
for p in 1 2 3; do                                                   # versions 1-3
	gen profile$p 160x120 testsrc2=size=160x120 -profile:v $p -qmin 40 -qmax 40 -crf 40
done
gen odd 33x17 testsrc2=size=66x34,scale=33:17 -qmin 30 -qmax 30 -crf 30
gen odd2 175x143 testsrc2=size=350x286,scale=175:143 -qmin 30 -qmax 30 -crf 30
for n in 2 4 8; do                                                   # token partitions
	gen parts$n 320x240 testsrc2=size=320x240 -slices $n -qmin 30 -qmax 30 -crf 30
done

cp "$tmp/md5.txt" md5.txt
