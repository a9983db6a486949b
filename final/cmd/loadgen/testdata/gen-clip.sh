#!/bin/sh
# Makes clip.ivf, the default video of cmd/loadgen: 3 s of a webcam-like
# picture (ffmpeg's moving test card with a little sensor noise), 640×480 at
# 30 frames per second, VP8 at about 300 kbit/s in an IVF file.
#
#   -g 1000 -keyint_min 1000   one keyframe, frame 0: loadgen sends others only
#                              when the server asks (PLI, FIR), as a camera does
#   -auto-alt-ref 0            no invisible alternate-reference frames: every
#   -lag-in-frames 0           frame is shown, one RTP timestamp per frame
#   -deadline realtime         the settings a browser's encoder uses
#
# Needs ffmpeg built with libvpx (apt-get install ffmpeg). Run it from this
# directory; the result is committed, so this is only needed to change it.
set -eu
ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "testsrc2=size=640x480:rate=30,noise=alls=4:allf=t" -t 3 \
	-c:v libvpx -b:v 300k -maxrate 300k -bufsize 600k \
	-g 1000 -keyint_min 1000 -auto-alt-ref 0 -lag-in-frames 0 \
	-deadline realtime -cpu-used 8 -pix_fmt yuv420p \
	-f ivf clip.ivf
ls -l clip.ivf
